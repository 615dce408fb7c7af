// AutoAWQ's fused modules and TinyChat (runtimes/autoawq*.yaml, tinychat.yaml): the decode layer's host time derived
// from the ops it calls from Python × pytorch's measured per-op costs, the W4A16 GEMM paths (split-K partial sums; the
// dequantize + FP16 GEMM switch at 1024 tokens, gate/up included in 0.2.x; 0.1.x's fused MLP: src/sim/w4a16-gemm.ts) and the
// prompt attention written out in Python ops (src/sim/written-prefill-attention.ts).
import { describe, expect, it } from 'vitest';
import { libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { isW4a16Gemm, w4a16BelowSwitch, w4a16Pass, w4a16Path, w4a16SplitKS } from '../src/sim/w4a16-gemm.js';
import { writtenPrefillAttention } from '../src/sim/written-prefill-attention.js';
import { opCost } from '../src/sim/roofline.js';
import { eagerStepSeconds } from '../src/runtime/launch.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';

const int4 = resolvePrecision('int4', undefined, undefined, undefined);
const passOf = (model: string, T: number, batch = 1) => {
  const m = libraryModel(model) as DecoderModel;
  return buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), int4, { prefillSeqs: batch, prefillLen: T, decodeSeqs: 0 });
};
const gemm = (model: string, T: number, name: string) => passOf(model, T).find((o) => o.name === name)!;
const run = (rt: string, model: string, T: number, out = 64, batch = 1) =>
  simulate(buildRequest({ model, hardware: 'rtx-4090', dtype: 'int4', 'input-tokens': T, 'output-tokens': out, batch }, libraryModel(model), bound('rtx-4090', rt), libraryModel));

describe('AutoAWQ / TinyChat decode layer host time (derived from the fused layer ops)', () => {
  it('12 Python-level ops at pytorch.yaml per-op costs: 2 norms, 3 WQLinear modules, 2 direct kernel calls, 5 tensor ops', () => {
    const by = libraryRuntime('pytorch').launch!.perKernelByKindS!;
    const bareMatmul = 18.7e-6; // pytorch.yaml launch: a bare matmul call (y @ y)
    // 0.1.x (QuantFusedMLP calls the kernel for gate and up) and TinyChat (QuantLlamaMLP the same)
    const fusedMlp = 2 * by.norm! + 3 * by.gemm! + 2 * bareMatmul + 5 * by.elementwise!;
    // 0.2.x: Hugging Face's LlamaMLP calls gate and up as WQLinear modules
    const moduleMlp = 2 * by.norm! + 5 * by.gemm! + 5 * by.elementwise!;
    expect(libraryRuntime('autoawq').decodeStep!.byLayer!.llama!.perLayerS).toBeCloseTo(moduleMlp, 5);
    expect(libraryRuntime('autoawq').decodeStep!.perLayerS).toBeCloseTo(moduleMlp, 5);
    for (const rt of ['autoawq', 'autoawq-0.1', 'autoawq-gemv', 'tinychat']) {
      const d = libraryRuntime(rt).decodeStep!;
      if (rt !== 'autoawq') expect(d.byLayer!.llama!.perLayerS).toBeCloseTo(fusedMlp, 5);
      expect(d.byLayer!.llama!.perStepS).toBeCloseTo(by.elementwise! * 2 + by.norm! + by.gemm!, 5);
      expect(d.sync).toBe('step');
    }
    // a q/k-norm layer is not fused by AutoAWQ: Hugging Face's measured layer
    expect(libraryRuntime('autoawq').decodeStep!.byLayer!.llama_qk_norm!.perLayerS).toBe(libraryRuntime('pytorch').decodeStep!.byLayer!.llama_qk_norm!.perLayerS);
  });
  it('a batch-1 int4 7B decode step is host-bound at 32 x 0.22 ms + 0.071 ms, far below HF eager layers', () => {
    const hw = bound('rtx-4090', 'autoawq-gemv');
    expect(eagerStepSeconds(hw, { layers: 32, rows: 1, deviceS: 0, arch: 'llama' })).toBeCloseTo(32 * 0.22e-3 + 0.071e-3, 6);
    expect(run('autoawq-gemv', 'llama-2-7b', 64).tpot_s!).toBeCloseTo(32 * 0.22e-3 + 0.071e-3, 5);
    expect(run('pytorch', 'llama-2-7b', 64).tpot_s!).toBeGreaterThan(2.5 * run('autoawq-gemv', 'llama-2-7b', 64).tpot_s!);
  });
});

describe('W4A16 GEMM paths (AutoAWQ kernels)', () => {
  it('int4 linears are W4A16 GEMMs; the 16-bit LM head is not', () => {
    expect(isW4a16Gemm(gemm('llama-2-7b', 2048, 'qkv_proj'))).toBe(true);
    expect(isW4a16Gemm(gemm('llama-2-7b', 2048, 'lm_head'))).toBe(false);
  });
  it('split-K 8: the GEMM writes 8 fp16 partial outputs, a reduction reads them and writes one', () => {
    const hw = bound('rtx-4090', 'autoawq-0.1');
    const op = gemm('llama-2-7b', 2048, 'qkv_proj');
    const p = w4a16Pass(op, hw)!;
    const out = op.m! * op.n! * 2;
    expect(p.passBytes).toBeCloseTo(9 * out, -3);
    expect(p.gemmExtraBytes).toBeCloseTo(7 * out, -3);
    // it costs the op at least the reduction's bytes at the achieved bandwidth
    const plain = bound('rtx-4090', 'pytorch');
    expect(opCost(op, hw).seconds - opCost(op, plain).seconds).toBeGreaterThan((9 * out) / plain.memory.bandwidthBytePerS);
    // no partials where the kernel writes its output once (GEMV checkpoints, TinyChat's semaphore reduction)
    expect(w4a16Pass(op, bound('rtx-4090', 'autoawq-gemv'))).toBeUndefined();
    expect(w4a16Pass(op, bound('rtx-4090', 'tinychat'))).toBeUndefined();
  });
  it('from 1024 tokens WQLinear_GEMM dequantizes and runs an fp16 GEMM, gate/up included; 0.1.x fused MLP gate/up stay split-K', () => {
    const hw = bound('rtx-4090', 'autoawq');
    expect(w4a16Path(gemm('llama-2-7b', 1023, 'qkv_proj'), hw)).toBe('split_k');
    expect(w4a16Path(gemm('llama-2-7b', 1024, 'qkv_proj'), hw)).toBe('fp16');
    expect(w4a16Path(gemm('llama-2-7b', 1024, 'ffn_down'), hw)).toBe('fp16');
    // 0.2.x: Hugging Face's MLP over WQLinear_GEMM modules (no QuantFusedMLP since AutoAWQ PR #313)
    expect(w4a16Path(gemm('llama-2-7b', 4096, 'ffn_up'), hw)).toBe('fp16');
    expect(w4a16Path(gemm('llama-2-7b', 4096, 'ffn_up'), bound('rtx-4090', 'autoawq-0.1'))).toBe('split_k');
    // batch × tokens: two 512-token prompts cross it too
    const two = passOf('llama-2-7b', 512, 2).find((o) => o.name === 'o_proj')!;
    expect(w4a16Path(two, hw)).toBe('fp16');
    // 0.1.x has no FP16 path
    expect(w4a16Path(gemm('llama-2-7b', 4096, 'qkv_proj'), bound('rtx-4090', 'autoawq-0.1'))).toBe('split_k');
    // the FP16 path: the conversion reads the int4 weights and writes 2 bytes per weight, at least the split-K bytes just below
    const op = gemm('llama-2-7b', 4096, 'ffn_down');
    const p = w4a16Pass(op, hw)!;
    expect(p.passBytes).toBeCloseTo(op.weightBytes + 2 * op.n! * op.k!, -3);
    expect(p.gemmExtraBytes).toBeCloseTo(2 * op.n! * op.k! - op.weightBytes, -3);
  });
  it('the switch floors the op time (not its bytes) at the split-K op one row below it', () => {
    const hw = bound('rtx-4090', 'autoawq');
    for (const name of ['qkv_proj', 'ffn_up', 'ffn_down']) {
      const below = w4a16BelowSwitch(gemm('llama-2-7b', 1024, name), hw)!;
      expect(below.m).toBe(1023);
      expect(w4a16Path(below, hw)).toBe('split_k');
      expect(w4a16BelowSwitch(gemm('llama-2-7b', 1023, name), hw)).toBeUndefined();
      const t1023 = opCost(gemm('llama-2-7b', 1023, name), hw, 'prefill').seconds;
      expect(opCost(gemm('llama-2-7b', 1024, name), hw, 'prefill').seconds).toBeGreaterThanOrEqual(t1023);
      // the floor is the 1023-row split-K op's own time, nothing more
      expect(opCost(below, hw, 'prefill').seconds).toBeCloseTo(t1023, 9);
    }
    // no guard without a split-K path below the switch (0.1.x has no switch; GEMV checkpoints no partials)
    expect(w4a16BelowSwitch(gemm('llama-2-7b', 4096, 'qkv_proj'), bound('rtx-4090', 'autoawq-0.1'))).toBeUndefined();
    expect(w4a16BelowSwitch(gemm('llama-2-7b', 4096, 'qkv_proj'), bound('rtx-4090', 'autoawq-gemv'))).toBeUndefined();
  });
  it('prompt time never falls across the switch (tokens, and batch × tokens)', () => {
    for (const model of ['llama-2-7b', 'llama-3.2-1b', 'gpt3-125m', 'mistral-7b']) {
      const a = run('autoawq', model, 1023, 1).ttft_s!;
      const b = run('autoawq', model, 1024, 1).ttft_s!;
      expect(b).toBeGreaterThanOrEqual(a);
      expect(run('autoawq', model, 512, 1, 2).ttft_s!).toBeGreaterThanOrEqual(run('autoawq', model, 511, 1, 2).ttft_s!);
    }
  });
});

describe('the split-K kernel rate (kernels.w4a16_split_k_flop_per_unit_clock: BitBLAS Ladder artifact, vLLM awq_gemm on an A100)', () => {
  const a100 = bound('a100-sxm4-80gb', 'autoawq-0.1');
  const perClock = a100.units! * a100.clockHz!; // SMs × clock: FLOP/s per unit of the rate per SM per clock
  // the 8192 x 28672 column of the log: 1 / 32 / 4096 rows (1 / 2 / 256 tiles) in 0.185 / 0.278 / 28.368 ms
  const measured = (M: number, ms: number) => (2 * Math.ceil(M / 16) * 16 * 8192 * 28672) / (ms * 1e-3) / (108 * 1.41e9);
  it('a table by 16-row tiles, 267 / 355 / 445 at 1 / 2 / 256 tiles, from the log; 0.1.x inherits it; no rate without split-K partials', () => {
    const table = { sizes: [1, 2, 256], values: [267, 355, 445] };
    expect(libraryRuntime('autoawq').kernels!.w4a16SplitKFlopPerUnitClock).toEqual(table);
    expect(libraryRuntime('autoawq-0.1').kernels!.w4a16SplitKFlopPerUnitClock).toEqual(table);
    expect(measured(1, 0.185)).toBeCloseTo(267, -1);
    expect(measured(32, 0.278)).toBeCloseTo(355, -1);
    expect(measured(4096, 28.368)).toBeCloseTo(445, -1);
    const op = gemm('llama-2-7b', 4096, 'qkv_proj'); // 256 tiles: the table's top
    expect(w4a16SplitKS(op, a100)).toBeCloseTo(op.flops / (445 * perClock), 12);
    // GEMV checkpoints and TinyChat's kernel run no split-K kernel: no floor
    expect(w4a16SplitKS(op, bound('a100-sxm4-80gb', 'autoawq-gemv'))).toBeUndefined();
    expect(w4a16SplitKS(op, bound('a100-sxm4-80gb', 'tinychat'))).toBeUndefined();
    // nor on the FP16 path of 0.2.x from 1024 tokens
    expect(w4a16SplitKS(gemm('llama-2-7b', 1024, 'qkv_proj'), bound('a100-sxm4-80gb', 'autoawq'))).toBeUndefined();
  });
  it('the rate at the tile count: one tile at 267, two at 355, 64 on the line in log(tiles) (419), held at 445 above 256', () => {
    const at = (M: number) => { const op = gemm('llama-2-7b', M, 'ffn_down'); return op.flops * (Math.max(16, M) / M) / w4a16SplitKS(op, a100)! / perClock; };
    expect(at(1)).toBeCloseTo(267, 6);
    expect(at(16)).toBeCloseTo(267, 6);
    // a 17th row: its share of a second tile, at the rate on the line between one and two tiles
    expect(at(17)).toBeCloseTo(267 + (88 * Math.log(17 / 16)) / Math.log(2), 6);
    expect(at(32)).toBeCloseTo(355, 6);
    expect(at(1024)).toBeCloseTo(355 + (90 * 5) / 7, 6);
    expect(at(4096)).toBeCloseTo(445, 6);
    expect(at(8192)).toBeCloseTo(445, 6);
    // one row of an 8192 x 28672 GEMM priced at the measured 0.185 ms, not at 445's 0.111 ms
    const row: any = { ...gemm('llama-2-7b', 1, 'ffn_down'), n: 8192, k: 28672, flops: 2 * 8192 * 28672, weightBytes: 8192 * 28672 * 0.53125 };
    expect(w4a16SplitKS(row, bound('a100-sxm4-80gb', 'autoawq-0.1'))! * 1e3).toBeCloseTo(0.185, 2);
  });
  it('1-16 rows cost one whole tile; above it the rows\' share of tiles (continuous); the time never falls with rows; the floor binds on an A100 prompt GEMM', () => {
    const one = w4a16SplitKS(gemm('llama-2-7b', 16, 'ffn_down'), a100)!;
    expect(w4a16SplitKS(gemm('llama-2-7b', 1, 'ffn_down'), a100)).toBeCloseTo(one, 12);
    // 17 rows: 17/16 of a tile, not two whole ones (priced so, decode throughput would fall from 16 to 17 sequences)
    const r17 = 267 + (88 * Math.log(17 / 16)) / Math.log(2);
    expect(w4a16SplitKS(gemm('llama-2-7b', 17, 'ffn_down'), a100)).toBeCloseTo((one * (17 / 16) * 267) / r17, 12);
    expect(w4a16SplitKS(gemm('llama-2-7b', 32, 'ffn_down'), a100)).toBeCloseTo((2 * one * 267) / 355, 12);
    // throughput of the kernel (rows per second) never falls as rows grow
    for (let M = 1; M < 300; M++) expect((M + 1) / w4a16SplitKS(gemm('llama-2-7b', M + 1, 'ffn_down'), a100)!).toBeGreaterThanOrEqual((M / w4a16SplitKS(gemm('llama-2-7b', M, 'ffn_down'), a100)!) * (1 - 1e-12));
    let last = 0;
    for (let M = 1; M <= 6000; M += 7) {
      const t = w4a16SplitKS(gemm('llama-2-7b', M, 'ffn_down'), a100)!;
      expect(t).toBeGreaterThanOrEqual(last * (1 - 1e-12));
      last = t;
    }
    // a 512-row GEMM (32 tiles): priced at the kernel's rate there, not the 16-bit GEMM table (~3x faster on an A100)
    const op = gemm('llama-2-7b', 512, 'ffn_up');
    const rate = (355 + (90 * 4) / 7) * perClock;
    const c = opCost(op, a100, 'prefill');
    // (the tiled GEMM's imperfect overlap of streaming and MMA, src/sim/roofline.ts kneeGemm, adds under 2%)
    expect(c.computeS).toBeGreaterThanOrEqual(op.flops / rate);
    expect(c.computeS).toBeLessThan(1.02 * (op.flops / rate));
    expect(c.computeS).toBeGreaterThan(2.5 * opCost(op, bound('a100-sxm4-80gb', 'pytorch'), 'prefill').computeS);
    expect(c.bound).toBe('compute');
  });
  it('an A100 prompt under the split-K path is no faster than its int4 linears at the kernel rate; time never falls with rows', () => {
    const model = libraryModel('llama-2-7b') as DecoderModel;
    const req = (T: number) => buildRequest({ model: 'llama-2-7b', hardware: 'a100-sxm4-80gb', dtype: 'int4', 'input-tokens': T, 'output-tokens': 1, batch: 1 }, model, a100, libraryModel);
    const linear = passOf('llama-2-7b', 512).filter((o) => isW4a16Gemm(o)).reduce((s, o) => s + o.flops, 0);
    const r = simulate(req(512));
    expect(512 / r.prefill_tok_s!).toBeGreaterThan(linear / (445 * perClock));
    let last = 0;
    // (from 9 rows the serving batch's matrix-vector floor is held at the split-K kernel's one tile: 1-16 rows cost alike)
    expect(simulate(req(16)).ttft_s!).toBeGreaterThanOrEqual(simulate(req(8)).ttft_s! * (1 - 1e-12));
    for (const T of [1, 8, 9, 15, 16, 17, 31, 33, 100, 511, 512, 513, 1023, 1024, 2048]) {
      const t = simulate(req(T)).ttft_s!;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});

describe('kernels.w4a16_split_k_flop_per_unit_clock in a runtime file', () => {
  const scratch = useScratchDir('hwperf-awqrate-');
  const load = (name: string, value: string) =>
    loadSpecFile(scratch.write(name, `id: my-awq\nname: x\nkind: runtime\nrole: serving\nextends: autoawq\nkernels:\n  w4a16_split_k_flop_per_unit_clock: ${value}\n  source: "test"\nsources: [test]\n`));
  it('takes a number or a {tiles, values} table; rejects unequal lengths, falling tiles, a missing list', async () => {
    const n = await load('n.yaml', '445');
    expect(n.errors).toEqual([]);
    expect((n.value!.spec as any).kernels.w4a16SplitKFlopPerUnitClock).toBe(445);
    const t = await load('t.yaml', '{tiles: [1, 64], values: [300, 400]}');
    expect(t.errors).toEqual([]);
    expect((t.value!.spec as any).kernels.w4a16SplitKFlopPerUnitClock).toEqual({ sizes: [1, 64], values: [300, 400] });
    const bad = ['{tiles: [1, 2], values: [300]}', '{tiles: [64, 1], values: [300, 400]}', '{tiles: [1]}', '{tiles: [0], values: [300]}'];
    for (const [i, b] of bad.entries()) {
      const r = await load(`bad${i}.yaml`, b);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.map(formatIssue).join('\n')).toMatch(/w4a16_split_k_flop_per_unit_clock/);
    }
  });
});

describe('prompt attention written out (AutoAWQ / TinyChat seqlen > 1)', () => {
  it('every query·key pair, 32 bytes per score in 8 kernels, priced as batched GEMMs; decode untouched', () => {
    const hw = bound('rtx-4090', 'autoawq');
    const L = 2048;
    const fused = passOf('llama-2-7b', L).find((o) => o.name === 'attention_prefill')!;
    const ops = writtenPrefillAttention(passOf('llama-2-7b', L), hw);
    const w = ops.find((o) => o.name === 'attention_prefill')!;
    expect(w.flops / fused.flops).toBeCloseTo((L * L) / ((L * (L + 1)) / 2), 6);
    const scores = 32 * L * L; // heads × L × L for one sequence
    expect(w.bytes - fused.bytes).toBeCloseTo(scores * 32, -3);
    expect(w.kernels).toBe(8);
    expect(w.kind).toBe('gemm');
    // a runtime with a fused kernel keeps the op as built
    const keep = writtenPrefillAttention(passOf('llama-2-7b', L), bound('rtx-4090', 'pytorch') as NormalizedHardware);
    expect(keep.find((o) => o.name === 'attention_prefill')!.flops).toBe(fused.flops);
  });
});

describe('transformers before SDPA (transformers-2023): a decoder prompt attention is written out as LlamaAttention did', () => {
  it('32 bytes per score, 8 kernels; the 2048-token prompt of a 7B pays the score bytes beyond SDPA', () => {
    const rt = libraryRuntime('transformers-2023').kernels!.prefillScores!;
    expect(rt).toEqual({ bytesPerScore: 32, kernels: 8 });
    expect(libraryRuntime('transformers').kernels?.prefillScores).toBeUndefined();
    const sim = (id: string, T: number) => simulate(buildRequest({ model: 'llama-2-7b', hardware: 'a100-sxm4-80gb', dtype: 'fp16', 'input-tokens': T, 'output-tokens': 16, batch: 1 }, libraryModel('llama-2-7b'), bound('a100-sxm4-80gb', id), libraryModel));
    const old = sim('transformers-2023', 2048), now = sim('transformers', 2048);
    // the extra prompt time is at least the scores' bytes: 32 heads × 2048² × 32 B per layer, 32 layers
    const hw = bound('a100-sxm4-80gb', 'transformers');
    expect(old.ttft_s! - now.ttft_s!).toBeGreaterThan((32 * 32 * 2048 * 2048 * 32) / hw.memory.bandwidthBytePerS);
  });
});
