// DeepSpeed for inference (runtimes/deepspeed.yaml, runtimes/deepspeed-fastgen.yaml). Kernel injection
// (deepspeed.init_inference, replace_with_kernel_inject) keeps Hugging Face generate() and swaps each block for fused
// ops: an eager decode loop whose per-layer host time is the kernels the injected layer launches (14; BLOOM's Python
// attention 24) at the Hugging Face Llama layer's measured host time per kernel, no CUDA graphs (enable_cuda_graph
// False). FastGen (DeepSpeed-MII over the ragged v2 engine): Dynamic SplitFuse with a 768-token budget over at most 512
// sequences, no graphs, the KV cache in all free memory less 1e9 bytes.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { runtimeOfSoftware } from '../src/runtime/software.js';
import { useScratchDir } from './helpers/scratch.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderHostArch, eagerStepSeconds } from '../src/runtime/launch.js';
import { usableBytes } from '../src/sim/memory.js';
import { dequantPass, int8WeightDequant } from '../src/sim/dequant-pass.js';
import type { Op } from '../src/model/op.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const root = new URL('..', import.meta.url).pathname;
const scratch = useScratchDir('hwperf-deepspeed-');
const a100 = lib.hardware['a100-sxm4-80gb']!;

function tpotOn(hw: NormalizedHardware, model: string, tp: number, batch = 1, weights?: string): number {
  const m = lib.models[model]! as DecoderModel;
  const flags = { batch, input_tokens: 7, output_tokens: 100, dtype: 'fp16', tp, devices: tp, ...(weights ? { weights } : {}) };
  return simulate(buildRequest(flags, m, hw, libraryModel)).tpot_s!;
}
function tpot(model: string, runtime: string, tp: number, batch = 1, weights?: string): number {
  return tpotOn(bindRuntime(a100, libraryRuntime(runtime)), model, tp, batch, weights);
}

describe('DeepSpeed-Inference kernel injection (runtimes/deepspeed.yaml, inference side)', () => {
  const ds = libraryRuntime('deepspeed');
  const pt = libraryRuntime('pytorch');
  // the Hugging Face Llama layer's host time per kernel launched (runtimes/pytorch.yaml: 0.50 ms over 45.9 kernels)
  const hostPerKernelS = pt.decodeStep!.byLayer!.llama!.perLayerS / 45.9;

  it('an eager generate() loop over the injected layers: HF loop per step, the layer kernels counted from DeepSpeed v0.8.2 at the HF per-kernel host time', () => {
    const d = ds.decodeStep!;
    expect(d.sync).toBe('step');
    expect(d.perStepS).toBe(pt.decodeStep!.byLayer!.llama!.perStepS);
    // qkv 3 + softmax_context 5 + vector_matmul 1 + mlp_gemm 4 + residual_add 1
    expect(d.perLayerS).toBeCloseTo(14 * hostPerKernelS, 5);
    // BLOOM's attention in Python ops: 15 kernels where softmax_context has 5
    expect(d.byLayer!.alibi!.perLayerS).toBeCloseTo(24 * hostPerKernelS, 4);
    // fewer kernels than the eager HF layer it replaces, so less host time a layer
    expect(d.perLayerS).toBeLessThan(pt.decodeStep!.byLayer!.llama!.perLayerS);
    expect(d.byLayer!.alibi!.perLayerS).toBeLessThan(pt.decodeStep!.byLayer!.llama!.perLayerS);
  });

  it('no CUDA graphs (enable_cuda_graph defaults to False); training settings untouched', () => {
    expect(ds.launch.graphs).toBe('none');
    expect(ds.kind).toBe('training');
    expect(ds.training?.pipelineSchedules).toEqual(['1f1b']);
    expect(ds.training?.expertTp).toBe(1);
  });

  it('BLOOM takes the alibi layer time under DeepSpeed, and the llama time under a runtime that measured no ALiBi layer', () => {
    const bloom = lib.models['bloom-7b1']! as DecoderModel;
    expect(decoderHostArch(bloom)).toBe('alibi');
    expect(decoderHostArch(lib.models['llama-3.1-8b']! as DecoderModel)).toBe('llama');
    const dsHw = bindRuntime(a100, ds);
    const ptHw = bindRuntime(a100, pt);
    const d = ds.decodeStep!.byLayer!.alibi!;
    expect(eagerStepSeconds(dsHw, { layers: 30, rows: 1, deviceS: 1e-6, arch: 'alibi' })).toBeCloseTo(d.perStepS + 30 * d.perLayerS, 9);
    const l = pt.decodeStep!.byLayer!.llama!;
    expect(eagerStepSeconds(ptHw, { layers: 30, rows: 1, deviceS: 1e-6, arch: 'alibi' })).toBeCloseTo(l.perStepS + 30 * l.perLayerS, 9);
  });

  it('a BLOOM-7B1 decode step is host-bound at batch 1 on one A100 and costs at least the loop plus 30 layers of dispatch', () => {
    const d = ds.decodeStep!.byLayer!.alibi!;
    const t = tpot('bloom-7b1', 'deepspeed', 1);
    expect(t).toBeGreaterThanOrEqual(d.perStepS + 30 * d.perLayerS - 1e-9);
    // the weights alone (14.1 GB at 2.04 TB/s) take ~7 ms: the host loop and dispatch, not the bytes, set the floor
    expect(t).toBeGreaterThan(0.0105);
    // faster than the same model priced as eager Hugging Face layers (more kernels a layer)
    expect(t).toBeLessThan(tpot('bloom-7b1', 'pytorch', 1));
  });

  it('larger batches never decode faster per step, and BLOOM-176B at tp 8 stays finite and positive', () => {
    let prev = 0;
    for (const b of [1, 8, 32, 128]) {
      const t = tpot('bloom-176b', 'deepspeed', 8, b);
      expect(Number.isFinite(t) && t > 0).toBe(true);
      expect(t).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = t;
    }
  });
});

describe('DeepSpeed-Inference int8: weights dequantized into an fp16 copy before every cuBLAS GEMM (kernels.int8_weights)', () => {
  const ds = bindRuntime(a100, libraryRuntime('deepspeed'));
  const gemm = (bytesPerWeight: number, dtype: 'fp16' | 'int8' = 'fp16'): Op =>
    ({ name: 'fc', kind: 'gemm', flops: 2 * 1024 * 1024, bytes: 0, weightBytes: bytesPerWeight * 1024 * 1024, dtype, count: 1, m: 1, n: 1024, k: 1024 }) as Op;

  it('a weight-only int8 GEMM pays a pass that reads 1 byte and writes 2 per weight, and the GEMM reads the 2-byte copy', () => {
    expect(ds.runtime!.kernels.int8Weights).toBe('dequant');
    const p = dequantPass(gemm(1), ds)!;
    expect(p.passBytes).toBe(3 * 1024 * 1024);
    expect(p.gemmExtraBytes).toBe(1024 * 1024);
    // 16-bit weights, W8A8 int8 GEMMs and runtimes that do not declare it: no pass
    expect(int8WeightDequant(gemm(2), ds)).toBe(false);
    expect(int8WeightDequant(gemm(1, 'int8'), ds)).toBe(false);
    expect(int8WeightDequant(gemm(1), bindRuntime(a100, libraryRuntime('pytorch')))).toBe(false);
  });

  it('BLOOM-176B int8 on 8 A100s decodes slower than fp16 (5 bytes a weight against 2), and over 2.5x slower than int8 read as is', () => {
    const noPass: NormalizedHardware = { ...ds, runtime: { ...ds.runtime!, kernels: { ...ds.runtime!.kernels, int8Weights: undefined } } };
    for (const b of [1, 32]) {
      const int8 = tpot('bloom-176b', 'deepspeed', 8, b, 'int8');
      expect(int8).toBeGreaterThan(tpot('bloom-176b', 'deepspeed', 8, b));
      expect(int8 / tpotOn(noPass, 'bloom-176b', 8, b, 'int8')).toBeGreaterThan(2.5);
    }
    let prev = 0;
    for (const b of [1, 8, 64, 256]) {
      const t = tpot('bloom-176b', 'deepspeed', 8, b, 'int8');
      expect(Number.isFinite(t) && t >= prev).toBe(true);
      prev = t;
    }
  });
});

describe('DeepSpeed-FastGen (runtimes/deepspeed-fastgen.yaml)', () => {
  const fg = libraryRuntime('deepspeed-fastgen');

  it('Dynamic SplitFuse at the DSStateManagerConfig defaults: 768 tokens a forward, 512 sequences, prompts split', () => {
    expect(fg.kind).toBe('serving');
    expect(fg.scheduler.maxNumBatchedTokens).toBe(768);
    expect(fg.scheduler.maxNumSeqs).toBe(512);
    expect(fg.scheduler.chunkedPrefill).toBe(true);
    expect(fg.launch.graphs).toBe('none');
    expect(fg.decodeStep).toBeUndefined();
  });

  it('the KV cache takes all memory free after the weights less MemoryConfig.size (1e9 bytes)', () => {
    const hw = bindRuntime(a100, fg);
    const weights = 30e9, acts = 1e9;
    const cap = a100.memory.capacityBytes;
    expect(usableBytes(hw, weights, acts)).toBeCloseTo(cap - 1e9, -3);
  });
});

describe('DeepSpeed inference specs: validate, show, the software column', () => {
  it('validate: a file extending them is valid; a bad budget or an unknown layer key is one line naming the field', async () => {
    const good = `id: my-fastgen\nname: FastGen, bigger budget\nextends: deepspeed-fastgen\nkind: runtime\nrole: serving\nscheduler:\n  max_num_batched_tokens: 2048\n  source: "x"\nsources: ["x"]\n`;
    const ok = await runCommand(['validate', scratch.write('fg.yaml', good)], { root });
    expect(ok.stdout).toMatch(/valid runtime spec "my-fastgen"/);
    const bad = await runCommand(['validate', scratch.write('fg-bad.yaml', good.replace('2048', '0'))], { root });
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/fg-bad\.yaml:\d+:\d+\s+scheduler\.max_num_batched_tokens/);
    process.exitCode = 0;
    const layer = `id: my-ds\nname: DeepSpeed, other host\nextends: deepspeed\nkind: runtime\nrole: training\nhost:\n  decode_step:\n    per_layer: 0.2 ms\n    per_step: 3 ms\n    sync: step\n    by_layer:\n      alibii:\n        per_layer: 0.3 ms\n        per_step: 3 ms\n  source: "x"\nsources: ["x"]\n`;
    const badLayer = await runCommand(['validate', scratch.write('ds-bad.yaml', layer)], { root });
    expect(badLayer.stderr).toMatch(/ds-bad\.yaml:\d+:\d+\s+host\.decode_step\.by_layer/);
    process.exitCode = 0;
    const okLayer = await runCommand(['validate', scratch.write('ds-ok.yaml', layer.replace('alibii', 'alibi'))], { root });
    expect(okLayer.stdout).toMatch(/valid runtime spec "my-ds"/);
  });

  it('show runtime deepspeed shows the inference side beside the training one; FastGen its scheduler', async () => {
    const j = (await runCommand(['show', 'runtime', 'deepspeed', '--json'], { root })).result as any;
    expect(j.host_decode_step).toMatchObject({ sync: 'step' });
    expect(j.host_decode_step.by_layer.alibi.per_layer_s).toBeCloseTo(0.26e-3, 9);
    expect(j.launch.graphs).toBe('none');
    const f = (await runCommand(['show', 'runtime', 'deepspeed-fastgen', '--json'], { root })).result as any;
    expect(JSON.stringify(f)).toMatch(/768/);
  });

  it('rows name their runtime from the software column: FastGen / MII before DeepSpeed', () => {
    expect(runtimeOfSoftware('DeepSpeed-FastGen (DeepSpeed-MII over the DeepSpeed ragged inference engine)')).toBe('deepspeed-fastgen');
    expect(runtimeOfSoftware('DeepSpeed-MII 0.2')).toBe('deepspeed-fastgen');
    expect(runtimeOfSoftware('DeepSpeed-Inference (kernel injection)')).toBe('deepspeed');
    expect(runtimeOfSoftware('Megatron-DeepSpeed (BigScience fork)')).toBe('megatron');
  });
});
