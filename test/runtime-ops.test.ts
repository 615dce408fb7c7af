// A runtime's kernel choices for non-decoder graphs (src/sim/runtime-ops.ts): materialised attention, f32
// activations, separate bias adds, 16-bit GEMM conversions, multi-kernel norms; and the launch floor per kernel.
import { describe, expect, it } from 'vitest';
import { elementwise, linear, type Op } from '../src/model/op.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { materialisedScoreBytes, runtimeOps } from '../src/sim/runtime-ops.js';
import { peakActivationBytes } from '../src/sim/graph-cost.js';
import { opCost } from '../src/sim/roofline.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { DitModel, NormalizedHardware } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
type K = NonNullable<NormalizedHardware['runtime']>['kernels'];
const withKernels = (k: K): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};

describe('runtime kernel choices rewrite non-decoder graphs', () => {
  const attn = attentionCore('attn', { batch: 1, q: 1500, kv: 1500, heads: 6, headDim: 64 }, P, true, 4);
  const gemm = linear('up', 1500, 1536, 384, 'fp16', 2, 2, 4);
  const norm = elementwise('norm', 1500 * 384, 5, 4, 'fp16', 4, 'norm');
  it('a runtime without these fields leaves the ops as built', () => {
    const ops = [attn, gemm, norm];
    expect(runtimeOps(ops, toyHardware(), 2)).toBe(ops);
  });
  it('materialised attention moves bytes_per_score per score element and launches its kernels, without tile padding', () => {
    const [a] = runtimeOps([attn], withKernels({ attentionScores: { bytesPerScore: 28, kernels: 7 } }), 2);
    const scores = 6 * 1500 * 1500; // b·h·q·kv
    expect(a!.bytes - attn.bytes).toBeCloseTo(28 * scores, 0);
    expect(a!.kernels).toBe(7);
    expect(a!.attn).toBeUndefined();
    expect(a!.flops).toBe(attn.flops);
  });
  it('f32 activations scale the non-weight bytes; weights keep their size', () => {
    const [g] = runtimeOps([gemm], withKernels({ activationBytes: 4 }), 2);
    expect(g!.weightBytes).toBe(gemm.weightBytes);
    expect(g!.bytes - g!.weightBytes).toBe(2 * (gemm.bytes - gemm.weightBytes));
  });
  it('separate bias adds and 16-bit GEMM conversions are kernels of their own after the GEMM, with their traffic and launches', () => {
    const out = runtimeOps([gemm], withKernels({ activationBytes: 4, bias: 'separate', gemmConvert: true }), 2);
    expect(out.map((o) => o.name)).toEqual(['up', 'up.glue']);
    const [g, glue] = out as [Op, Op];
    const io = 1500 * 384 + 1500 * 1536;
    // the GEMM reads and writes the 16-bit copies; to_fp16 (r 4 + w 2) of its input, to_fp32 (r 2 + w 4) of its output
    // and the bias add (r + w of the f32 output) are the glue
    expect(g.bytes).toBe(gemm.weightBytes + 2 * io);
    expect(glue.bytes).toBe(6 * io + 2 * 1500 * 1536 * 4);
    expect(glue.kind).toBe('elementwise');
    expect(glue.count).toBe(gemm.count);
    expect((g.kernels ?? 1) + (glue.kernels ?? 1)).toBe(4); // convert in, GEMM, convert out, bias add
    // in all: the f32 traffic plus a 16-bit write and read of the input and the output, as before the split
    const f32 = gemm.weightBytes + 2 * (gemm.bytes - gemm.weightBytes);
    expect(g.bytes + glue.bytes).toBe(f32 + 4 * io + 2 * 1500 * 1536 * 4);
  });
  it('a compute-bound GEMM does not hide its conversions and bias add: they add their memory time (one CUDA stream)', async () => {
    const v100 = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp'));
    const big = linear('up', 1500, 4096, 1024, 'fp16', 2, 4, 1);
    const [g, glue] = runtimeOps([big], v100, 4) as [Op, Op];
    const cg = opCost(g, v100);
    const cglue = opCost(glue, v100);
    expect(cg.bound).toBe('compute');
    expect(cglue.bound).toBe('memory');
    // the pair lasts the GEMM plus the glue's bytes at the achieved bandwidth, more than the one fused op's max()
    expect(cg.seconds + cglue.seconds).toBeGreaterThan(cg.seconds + glue.bytes / (v100.memory.bandwidthBytePerS * v100.efficiency.memory));
    const fused = opCost({ ...big, bytes: g.bytes + glue.bytes }, v100);
    expect(cg.seconds + cglue.seconds).toBeGreaterThan(1.2 * fused.seconds);
  });
  it('a decode-sized GEMM takes the matrix-vector kernel: no f16 conversions, only the bias add beside it', async () => {
    // ggml_cuda_mul_mat: f16 weights × one f32 column → ggml_cuda_mul_mat_vec (reads src1 as f32), not cuBLAS
    const v100 = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp'));
    const step = linear('dec.up', 1, 4096, 1024, 'fp16', 2, 4, 24);
    // one token: the bias add runs inside mul_mat_vec_f (bias_fused_rows 1): the GEMM alone
    const solo = runtimeOps([step], v100, 4);
    expect(solo.map((o) => o.name)).toEqual(['dec.up']);
    expect(solo[0]!.bytes).toBe(step.bytes); // weights + the f32 input and output as they are
    // two tokens: still the matrix-vector kernel (no conversions), the bias add beside it
    const two = linear('dec.up', 2, 4096, 1024, 'fp16', 2, 4, 24);
    const [g, glue] = runtimeOps([two], v100, 4) as [Op, Op];
    expect(g.bytes).toBe(two.bytes);
    expect(glue.kernels).toBe(1);
    expect(glue.bytes).toBe(2 * 2 * 4096 * 4);
    // a prompt-sized GEMM keeps its conversions
    const [, glue9] = runtimeOps([linear('dec.up', 9, 4096, 1024, 'fp16', 2, 4, 24)], v100, 4) as [Op, Op];
    expect(glue9.kernels).toBe(3);
  });
  it('an RMSNorm written out in Python moves bytes_per_element per element in its kernels; a LayerNorm is untouched', () => {
    const rms: Op = { ...norm, rms: true };
    const hw = withKernels({ rmsnorm: { kernels: 8, bytesPerElement: 36 } });
    const [r, ln] = runtimeOps([rms, norm], hw, 2);
    expect(r!.bytes).toBe(1500 * 384 * 36);
    expect(r!.kernels).toBe(8);
    expect(ln!.bytes).toBe(norm.bytes);
  });
  it('a norm of N kernels reads and writes the tensor N times', () => {
    const [n] = runtimeOps([norm], withKernels({ normKernels: 3 }), 2);
    expect(n!.bytes).toBe(3 * norm.bytes);
    expect(n!.kernels).toBe(3);
  });
});

describe('host launch floor per kernel', () => {
  it('an op of N kernels launched one by one lasts at least N dispatches', () => {
    const hw = toyHardware();
    const eager: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, launch: { perKernelS: 10e-6, graphs: 'none', deviceGap: true } } };
    const tiny: Op = { ...elementwise('mod', 1000, 2, 8, 'fp16'), kernels: 2 };
    expect(opCost(tiny, eager).seconds).toBeCloseTo(20e-6, 12);
    expect(opCost({ ...tiny, kernels: 1 }, eager).seconds).toBeCloseTo(10e-6, 12);
  });
});

// whisper.cpp runs the encoder without flash attention (whisper_context_default_params flash_attn = false), f32
// activations, separate bias adds; on CUDA the cuBLAS path converts to f16 and back (runtimes/whisper.cpp.yaml).
describe('whisper.cpp encoder under its runtime', () => {
  it('is slower than the same chip with fused attention, and the attention is memory-bound on the scores', async () => {
    const v100 = await loadHardware('v100-sxm2');
    const run = (rt: string) =>
      simulate({ ...request('whisper-small', bindRuntime(v100, libraryRuntime(rt)), { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }), verbose: true });
    const fused = run('tensorrt-llm');
    const ggml = run('whisper.cpp');
    const old = run('whisper.cpp-1.5');
    expect(ggml.encoder_s!).toBeGreaterThan(1.8 * fused.encoder_s!);
    expect(old.encoder_s!).toBeGreaterThan(ggml.encoder_s!); // 44 vs 24 bytes per score (scale kernel, no shared-memory softmax)
    const attn = ggml.ops!.find((o) => o.name === 'enc.attn')!;
    expect(attn.bound).toBe('memory');
    // scores 12 heads × 1500² × 24 B on top of Q, K, V, O
    expect(attn.bytes).toBeGreaterThan(12 * 1500 * 1500 * 24);
  });
  it('Metal takes the 28-byte score path and no GEMM conversions', async () => {
    const m2 = bindRuntime(await loadHardware('apple-m2-ultra'), libraryRuntime('whisper.cpp'));
    expect(m2.runtime!.kernels.attentionScores).toEqual({ bytesPerScore: 28, kernels: 7, liveBytesPerScore: 4, decodeKernels: 6 });
    expect(m2.runtime!.kernels.gemmConvert).toBeUndefined();
    const v100 = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp'));
    expect(v100.runtime!.kernels.attentionScores).toEqual({ bytesPerScore: 24, kernels: 13, liveBytesPerScore: 6, decodeKernels: 6 });
    expect(v100.runtime!.kernels.gemmConvert).toBe(true);
  });
});

// Reference research code without flash-attn (Open-Sora 1.2 blocks.py non-flash branch): scores cross memory as
// bf16 QKᵀ, an fp32 copy, softmax, a bf16 copy and the AV read: 24 bytes per score (runtimes/pytorch-math.yaml).
describe('pytorch-math: attention written out in PyTorch ops', () => {
  it('prices the STDiT3 spatial attention on its score traffic, far above the fused kernel at 720p', async () => {
    const h100 = await loadHardware('h100-sxm');
    const run = (rt: string) =>
      simulate({ ...request('stdit3-xl-2', bindRuntime(h100, libraryRuntime(rt)), { resolution: 720, frames: 51, steps: 1, dtype: 'bf16' }), verbose: true });
    const fused = run('pytorch');
    const math = run('pytorch-math');
    const a = math.ops!.find((o) => o.name === 'spatial.attn')!;
    // CFG batch 2 × 15 latent frames sequences of 3600 tokens, 16 heads
    const scores = 2 * 15 * 16 * 3600 * 3600;
    expect(a.bytes).toBeGreaterThan(24 * scores);
    expect(a.bytes).toBeLessThan(24 * scores * 1.01);
    expect(a.bound).toBe('memory');
    const f = fused.ops!.find((o) => o.name === 'spatial.attn')!;
    expect(a.seconds).toBeGreaterThan(5 * f.seconds);
    expect(math.latency_s!).toBeGreaterThan(1.5 * fused.latency_s!);
  });
});

// A runtime that writes attention out allocates the whole score tensor (attention_scores.live_bytes_per_score): the
// Open-Sora 1.2 Gradio table's peak memory (67G at 720p 16 s on an 80 GB H100) is what rules the written-out path out.
describe('materialised attention holds its scores in memory', () => {
  it('counts live_bytes_per_score per score of the largest written-out attention, and nothing for fused or library attention', () => {
    const attn = attentionCore('attn', { batch: 2, q: 1000, kv: 1000, heads: 4, headDim: 64 }, P, true, 3);
    const lib = { ...attentionCore('x', { batch: 2, q: 4000, kv: 4000, heads: 4, headDim: 64 }, P, true, 1), library: true };
    const scores = 2 * 4 * 1000 * 1000;
    expect(materialisedScoreBytes([attn, lib], withKernels({ attentionScores: { bytesPerScore: 24, kernels: 8, liveBytesPerScore: 8 } }))).toBeCloseTo(8 * scores, 0);
    expect(materialisedScoreBytes([attn], withKernels({ attentionScores: { bytesPerScore: 24, kernels: 8 } }))).toBe(0);
    expect(materialisedScoreBytes([attn], toyHardware())).toBe(0);
    const big = peakActivationBytes([attn], withKernels({ attentionScores: { bytesPerScore: 24, kernels: 8, liveBytesPerScore: 8 } }));
    expect(big).toBeCloseTo(8 * scores, 0);
    expect(peakActivationBytes([attn])).toBe(attn.bytes - attn.weightBytes);
  });
  it('open-sora-1.2 at 720p, 408 frames fits an H100 with flash attention and not with the attention written out', async () => {
    const h100 = await loadHardware('h100-sxm');
    const run = (rt: string, frames: number) => simulate(request('open-sora-1.2', bindRuntime(h100, libraryRuntime(rt)), { resolution: 720, frames, dtype: 'bf16' }));
    const flash = run('pytorch', 408);
    const math = run('pytorch-math', 408);
    expect(flash.memory.fits).toBe(true);
    expect(math.memory.fits).toBe(false);
    expect(math.latency_s).toBeNull();
    // 2 (CFG) × 120 latent frames × 16 heads × 3600² scores × 8 bytes of one spatial layer
    expect(math.memory.activations_bytes).toBeGreaterThan(8 * 2 * 120 * 16 * 3600 * 3600 * 0.99);
    // one frame still fits either way (2 × 16 × 3600² × 8 B = 3.3 GB)
    expect(run('pytorch-math', 1).memory.fits).toBe(true);
  });
});

// Open-Sora's Attention.forward takes flash_attn only when N > B (blocks.py): the STDiT3 temporal attention (N = latent
// frames, B = positions) is written out under any runtime, the spatial one is fused under a fused runtime.
describe('a model whose code takes flash only for sequences longer than their batch (flash_if_longer)', () => {
  it('STDiT3 runs its temporal attention written out and its spatial attention fused under pytorch', async () => {
    const h100 = await loadHardware('h100-sxm');
    const r = simulate({ ...request('stdit3-xl-2', bindRuntime(h100, libraryRuntime('pytorch')), { resolution: 720, frames: 102, steps: 1, dtype: 'bf16' }), verbose: true });
    const t = r.ops!.find((o) => o.name === 'temporal.attn')!;
    const s = r.ops!.find((o) => o.name === 'spatial.attn')!;
    // CFG batch 2 × 3600 positions, 16 heads, 30 latent frames
    const scores = 2 * 3600 * 16 * 30 * 30;
    expect(t.bytes).toBeGreaterThan(24 * scores);
    expect(t.bound).toBe('memory');
    expect(s.bytes).toBeLessThan(24 * 2 * 30 * 16 * 3600 * 3600 * 0.01); // fused: q, k, v, o only
    const plain = { ...(libraryModel('stdit3-xl-2') as DitModel), flash_if_longer: false };
    const f = simulate({ ...request(plain, bindRuntime(h100, libraryRuntime('pytorch')), { resolution: 720, frames: 102, steps: 1, dtype: 'bf16' }), verbose: true });
    // the same op fused: the written-out one moves 24 bytes per score more, and reads and writes a q-sized bf16 tensor
    // three more times (q * scale, matmul's copy of the permuted v, the output's transpose copy)
    const qElems = 2 * 3600 * 30 * 1152;
    expect(t.bytes - f.ops!.find((o) => o.name === 'temporal.attn')!.bytes).toBeCloseTo(24 * scores + 3 * 2 * 2 * qElems, -3);
  });
});
