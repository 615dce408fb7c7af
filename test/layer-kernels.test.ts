// The kernels a serving runtime launches per attention layer beside the decoder graph's ops (src/sim/layer-kernels.ts):
// vLLM and SGLang rotate q and k in a kernel of their own, TensorRT-LLM inside its attention preprocessing; all three
// write the step's K and V into the paged cache in a kernel before the attention kernel, which a measured decode-attention
// call (aiconfigurator, write included) already holds. And the per-kernel time of a pointwise kernel replayed from a CUDA
// graph on Hopper (launch.graph_gap, src/runtime/launch.ts graphGapS): ~1 us, where GEMMs and norms keep the part's gap.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { costPass, passOps } from '../src/sim/decoder.js';
import { graphGapS, launchFloorForOpS } from '../src/runtime/launch.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import type { GraphOp, PassShape } from '../src/model/decoder-graph.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const llama = lib.models['llama-3.1-8b'] as DecoderModel;
const qwenMoe = lib.models['qwen3-30b-a3b'] as DecoderModel;
const deepseek = lib.models['deepseek-v3'] as DecoderModel;

const DECODE: PassShape = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 };
const PREFILL: PassShape = { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 };

function ops(m: DecoderModel, hw: NormalizedHardware, s: PassShape, tp = 1): GraphOp[] {
  return passOps(m, hw, buildLayout(m, tp, 1, undefined, tp), resolvePrecision('bf16'), s);
}
const names = (o: GraphOp[]) => o.map((x) => x.name);
const find = (o: GraphOp[], n: string) => o.find((x) => x.name === n);

// seconds of one kernel call of an op of a batch-1 decode pass over 512 cached tokens
function opS(m: DecoderModel, hw: NormalizedHardware, name: string): number {
  const o = ops(m, hw, DECODE);
  const c = costPass(o, hw, 512, 512, 'decode', undefined, true);
  const r = c.rows!.find((x) => x.name === name)!;
  return r.seconds / r.count;
}

describe('rope and KV-write kernels of the serving runtimes', () => {
  it('vLLM: a rope op after the QKV projection; the KV write is inside the measured H100 decode and context calls, its own op elsewhere', () => {
    const h100 = ops(llama, bound('h100-sxm', 'vllm'), DECODE);
    expect(names(h100).indexOf('rope')).toBe(names(h100).indexOf('qkv_proj') + 1);
    expect(find(h100, 'kv_write')).toBeUndefined();
    expect(find(h100, 'rope')!.kernels).toBe(1);
    expect(find(h100, 'rope')!.count).toBe(find(h100, 'qkv_proj')!.count);
    // a prompt pass: the measured context-attention call (kernels.prefill_attention) holds the write on H100; a part
    // without that table launches it as a kernel of its own
    const pre = ops(llama, bound('h100-sxm', 'vllm'), PREFILL);
    expect(find(pre, 'rope')).toBeDefined();
    expect(find(pre, 'kv_write')).toBeUndefined();
    // (the L4: no vLLM table of its own; the L40S has had one since aiconfigurator's l40s vLLM collection was bound)
    const preL4 = ops(llama, bound('l4', 'vllm'), PREFILL);
    expect(names(preL4).slice(names(preL4).indexOf('qkv_proj') + 1, names(preL4).indexOf('qkv_proj') + 3)).toEqual(['rope', 'kv_write']);
    // a part without a measured decode call (no aiconfigurator table): the write is a kernel of the step
    const l4 = ops(llama, bound('l4', 'vllm'), DECODE);
    expect(find(l4, 'kv_write')?.kernels).toBe(1);
    // the L40S's measured calls hold the write, as the H100's do
    expect(find(ops(llama, bound('l40s', 'vllm'), DECODE), 'kv_write')).toBeUndefined();
  });

  it('the rope reads and writes q and k of the device heads once; the write reads the step K and V', () => {
    const o = ops(llama, bound('l4', 'vllm'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 8 }, 2);
    const hd = llama.head_dim;
    expect(find(o, 'rope')!.bytes).toBeCloseTo(2 * 8 * (llama.heads / 2 + llama.kv_heads / 2) * hd * 2, 6);
    expect(find(o, 'kv_write')!.bytes).toBeCloseTo(8 * 2 * (llama.kv_heads / 2) * hd * 2, 6);
  });

  it('TensorRT-LLM rotates inside its attention preprocessing: no rope op, the write where no measured call holds it', () => {
    const h100 = ops(llama, bound('h100-sxm', 'tensorrt-llm'), DECODE);
    expect(find(h100, 'rope')).toBeUndefined();
    expect(find(h100, 'kv_write')).toBeUndefined();
    expect(find(ops(llama, bound('a100-sxm4-80gb', 'tensorrt-llm'), DECODE), 'kv_write')?.kernels).toBe(1);
  });

  it('SGLang 0.5 on CUDA writes the cache inside the rope kernel for MoE models; dense models and sglang-0.4 keep two kernels', () => {
    const moe = ops(qwenMoe, bound('b200', 'sglang'), DECODE);
    const k = (find(moe, 'rope')!.kernels ?? 1) + (find(moe, 'kv_write')!.kernels ?? 1);
    expect(k).toBe(1);
    const dense = ops(llama, bound('b200', 'sglang'), DECODE);
    expect((find(dense, 'rope')!.kernels ?? 1) + (find(dense, 'kv_write')!.kernels ?? 1)).toBe(2);
    const old = ops(qwenMoe, bound('b200', 'sglang-0.4'), DECODE);
    expect((find(old, 'rope')!.kernels ?? 1) + (find(old, 'kv_write')!.kernels ?? 1)).toBe(2);
  });

  it('MLA models and runtimes that state none are unchanged', () => {
    expect(find(ops(deepseek, bound('h200-sxm', 'vllm'), DECODE, 8), 'rope')).toBeUndefined();
    for (const rt of ['llama.cpp', 'pytorch', 'ideal']) {
      const o = ops(llama, bound('h100-sxm', rt), DECODE);
      expect(find(o, 'rope'), rt).toBeUndefined();
      expect(find(o, 'kv_write'), rt).toBeUndefined();
    }
  });
});

describe('per-kernel time of a graph-replayed pointwise kernel (Hopper)', () => {
  it('1 us for pointwise ops of a decode step on Hopper under the three runtimes; GEMMs and norms keep the part gap', () => {
    for (const rt of ['vllm', 'sglang', 'tensorrt-llm']) {
      const hw = bound('h100-sxm', rt);
      expect(hw.runtime!.launch.graphGapS, rt).toBeCloseTo(1e-6, 12);
      expect(graphGapS(hw, 'decode', 'ffn_act'), rt).toBeCloseTo(1e-6, 12);
      expect(graphGapS(hw, 'decode', 'rope'), rt).toBeCloseTo(1e-6, 12);
      expect(graphGapS(hw, 'decode', 'ffn_up'), rt).toBeUndefined();
      expect(graphGapS(hw, 'decode', 'attn_norm'), rt).toBeUndefined();
      expect(graphGapS(hw, 'decode', 'moe_sort'), rt).toBeUndefined();
      // prompt passes are not replayed from a graph under these runtimes
      expect(graphGapS(hw, 'other', 'ffn_act'), rt).toBeUndefined();
    }
    // not measured off Hopper: the part's gap stands
    expect(bound('b200', 'vllm').runtime!.launch.graphGapS).toBeUndefined();
    expect(bound('a100-sxm4-80gb', 'vllm').runtime!.launch.graphGapS).toBeUndefined();
  });

  it('the batch-1 gated activation costs its bytes + 1 us on an H100, + the 4 us gap on an A100; a GEMV keeps 4 us', () => {
    const h = bound('h100-sxm', 'vllm');
    const a = bound('a100-sxm4-80gb', 'vllm');
    const act = opS(llama, h, 'ffn_act');
    expect(act).toBeGreaterThan(1e-6);
    expect(act).toBeLessThan(1.5e-6);
    expect(opS(llama, a, 'ffn_act')).toBeGreaterThan(a.efficiency.kernelOverheadS);
    // the GEMV's time beyond its bytes at the part's rate is still the part's gap
    const o = ops(llama, h, DECODE);
    const up = find(o, 'ffn_up')!;
    const body = up.bytes / (h.memory.bandwidthBytePerS * h.efficiency.memory);
    expect(opS(llama, h, 'ffn_up') - body).toBeGreaterThan(h.efficiency.kernelOverheadS * 0.99);
  });

  it('a decode step under vLLM on an H100 is never slower for the graph gap, and a step of more rows never faster', () => {
    const h = bound('h100-sxm', 'vllm');
    let prev = 0;
    for (const b of [1, 2, 8, 32, 128]) {
      const o = ops(llama, h, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: b });
      const t = costPass(o, h, 512, 512, 'decode').seconds;
      expect(Number.isFinite(t)).toBe(true);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
});

describe("Triton fused_moe gathers the rows inside the first grouped GEMM (vLLM, SGLang)", () => {
  it('moe_permute runs inside experts_up under vLLM and SGLang; TensorRT-LLM and vLLM-Ascend keep their expand kernel', () => {
    for (const rt of ['vllm', 'sglang', 'sglang-0.4']) {
      const o = ops(qwenMoe, bound('h100-sxm', rt), DECODE);
      expect(find(o, 'moe_permute')!.kernels, rt).toBe(0);
      expect(find(o, 'moe_permute')!.fusedInto, rt).toBe('experts_up');
      // the permuted copy is never written or read back
      expect(find(o, 'moe_permute')!.bytes, rt).toBe(0);
    }
    expect(find(ops(qwenMoe, bound('h100-sxm', 'tensorrt-llm'), DECODE), 'moe_permute')!.kernels ?? 1).toBe(1);
    expect(find(ops(qwenMoe, bound('ascend-910b', 'vllm-ascend'), DECODE), 'moe_permute')!.kernels ?? 1).toBe(1);
  });

  it('under attention DP the expert-parallel dispatch lays the rows out: the permute stays', () => {
    const hw = bound('h200-sxm', 'sglang');
    const L = buildLayout(qwenMoe, 8, 1, 8, 8, true);
    const o = passOps(qwenMoe, hw, L, resolvePrecision('bf16'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 64 });
    expect(find(o, 'moe_permute')!.kernels ?? 1).toBe(1);
  });
});

describe('the KV-cache write under piecewise graphs (vLLM splits the graph at vllm::unified_kv_cache_update)', () => {
  it('is launched from the host like the attention op: the per-kernel floor, no graph-replay gap; other pointwise ops stay captured', () => {
    const hw = bound('h100-sxm', 'vllm');
    const l = hw.runtime!.launch;
    const pw: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, launch: { ...l, graphs: 'piecewise' } } };
    expect(l.perKernelS).toBeGreaterThan(0);
    expect(launchFloorForOpS(pw, 'decode', 'elementwise', 1, 'kv_write')).toBeCloseTo(l.perKernelS, 12);
    expect(launchFloorForOpS(pw, 'decode', 'elementwise', 1, 'rope')).toBe(0);
    // the attention op pays the runtime's split-point cost (launch.split_point: its call and the next piece's replay)
    expect(launchFloorForOpS(pw, 'decode', 'attention', 1, 'attention')).toBeCloseTo(l.splitPointS!, 12);
    expect(graphGapS(pw, 'decode', 'kv_write')).toBeUndefined();
    expect(graphGapS(pw, 'decode', 'rope')).toBeCloseTo(l.graphGapS!, 12);
    // a fully captured decode step (graphs: decode) replays the write with the rest
    expect(launchFloorForOpS(hw, 'decode', 'elementwise', 1, 'kv_write')).toBe(0);
    expect(graphGapS(hw, 'decode', 'kv_write')).toBeCloseTo(l.graphGapS!, 12);
  });
});
