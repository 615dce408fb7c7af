// A runtime's fused op groups in decoder passes (runtime `fusion.groups`, src/sim/fusion.ts): a group runs as one
// kernel, so the ops it absorbs pay no launch, gap or launch floor and do not move the tensors the fused kernel keeps in
// registers. TensorRT-LLM's model code adds a layer's output to the residual stream inside the next layer's input
// RMSNorm (RMSNorm.forward(hidden, residual): residual + attn_norm, one kernel).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { passOps } from '../src/sim/decoder.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { costPass } from '../src/sim/decoder.js';
import { fuseDecoderOps, fusionApplies } from '../src/sim/fusion.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { DECODER_GRAPH_OPS, type DecoderModel, type FusionGroup, type NormalizedHardware } from '../src/spec/types.js';
import { useScratchDir } from './helpers/scratch.js';

const lib = getLibrary();
const scratch = useScratchDir('hwperf-fusion-');
const under = (hwId: string, rt: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
const withFusion = (hw: NormalizedHardware, fusion: FusionGroup[] | undefined): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, fusion } });
const sim = (flags: Record<string, unknown>, hw: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!));

// one decode pass of `model` at batch b, tp, on `hw`, priced op by op
function decodePass(model: string, hw: NormalizedHardware, tp: number, b: number) {
  const m = lib.models[model] as DecoderModel;
  const L = buildLayout(m, tp, 1, undefined, undefined);
  const p = resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels);
  const ops = passOps(m, hw, L, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: b });
  return { ops, cost: costPass(ops, hw, 1024, 2048, 'decode', undefined, true) };
}

describe('runtime-declared fusion of decoder ops', () => {
  const trt = under('h100-sxm', 'tensorrt-llm');

  it('TensorRT-LLM runs the residual add inside the next RMSNorm: one launch fewer per layer, no other op changes', () => {
    const fused = decodePass('llama-3.1-8b', trt, 1, 1);
    const plain = decodePass('llama-3.1-8b', withFusion(trt, undefined), 1, 1);
    const res = fused.ops.find((o) => o.name === 'residual')!;
    expect(res.kernels).toBe(0);
    expect(res.fusedInto).toBe('attn_norm');
    const row = (c: typeof fused.cost, n: string) => c.rows!.find((r) => r.name === n)!;
    // the absorbed add keeps only its traffic: far below the per-kernel gap it paid alone
    expect(row(fused.cost, 'residual').seconds).toBeLessThan(row(plain.cost, 'residual').seconds / 10);
    for (const r of plain.cost.rows!) if (r.name !== 'residual') expect(row(fused.cost, r.name).seconds, r.name).toBeCloseTo(r.seconds, 12);
    // the step is shorter by the add's gap on every layer (32 layers × the gap of a graph-replayed pointwise kernel on
    // Hopper, launch.graph_gap 1 µs, less the traffic it keeps)
    const gap = trt.runtime!.launch.graphGapS!;
    expect(gap).toBeCloseTo(1e-6, 12);
    const saved = plain.cost.seconds - fused.cost.seconds;
    expect(saved).toBeGreaterThan(32 * 0.975 * gap);
    expect(saved).toBeLessThan(32 * 1.025 * gap);
  });

  it('the fused kernel keeps the sum in registers: one [tokens, hidden] pass less, none of the norm weights', () => {
    const m = lib.models['llama-3.1-8b'] as DecoderModel;
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const p = resolvePrecision('bf16', undefined, undefined, undefined, undefined);
    const ops = buildDecoderPass(m, L, p, { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 });
    const before = new Map(ops.map((o) => [o.name, o.bytes]));
    const unit = 512 * m.hidden * 2;
    fuseDecoderOps(ops, [{ ops: ['residual', 'attn_norm'], onChip: 1 }], m, L, unit);
    expect(ops.find((o) => o.name === 'attn_norm')!.bytes).toBe(before.get('attn_norm')!); // the kernel keeps its bytes
    expect(ops.find((o) => o.name === 'residual')!.bytes).toBe(before.get('residual')! - unit);
    const gemmFirst = buildDecoderPass(m, L, p, { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 });
    fuseDecoderOps(gemmFirst, [{ ops: ['ffn_up', 'ffn_act'], onChip: 0 }], m, L, unit);
    expect(gemmFirst.find((o) => o.name === 'ffn_act')!.fusedInto).toBe('ffn_up'); // a GEMM's epilogue takes the activation
    const huge = buildDecoderPass(m, L, p, { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 });
    fuseDecoderOps(huge, [{ ops: ['attn_norm', 'residual'], onChip: 16 }], m, L, unit);
    const res = huge.find((o) => o.name === 'residual')!;
    expect(res.bytes).toBe(res.weightBytes); // never below the weights it reads
    expect(huge.find((o) => o.name === 'attn_norm')!.bytes).toBe(before.get('attn_norm')!);
  });

  it('a group applies only where all its ops are in the pass with one count and its conditions hold', () => {
    const m = lib.models['llama-3.1-70b'] as DecoderModel;
    const g: FusionGroup = { ops: ['allreduce_ffn', 'residual', 'attn_norm'], onChip: 2, when: { minTp: 2, layer: 'llama', moe: false, hiddenAbove: 4096 } };
    expect(fusionApplies(g, m, { tp: 4, pp: 1, attentionDp: false })).toBe(true);
    expect(fusionApplies(g, m, { tp: 1, pp: 1, attentionDp: false })).toBe(false);
    expect(fusionApplies(g, lib.models['llama-3.1-8b'] as DecoderModel, { tp: 4, pp: 1, attentionDp: false })).toBe(false); // hidden 4096
    expect(fusionApplies(g, lib.models['qwen3-32b'] as DecoderModel, { tp: 4, pp: 1, attentionDp: false })).toBe(false); // q/k-norm layer
    expect(fusionApplies({ ...g, when: { maxPp: 1 } }, m, { tp: 4, pp: 2, attentionDp: false })).toBe(false);
    // tp 1: no all-reduce in the pass, so the three-op group does not form (and the residual stays a kernel)
    const L1 = buildLayout(m, 1, 1, undefined, undefined);
    const p = resolvePrecision('bf16', undefined, undefined, undefined, undefined);
    const ops = fuseDecoderOps(buildDecoderPass(m, L1, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), [{ ...g, when: undefined }], m, L1, 1);
    expect(ops.every((o) => o.kernels === undefined)).toBe(true);
    // an op joins the first group that applies
    const L4 = buildLayout(m, 4, 1, undefined, undefined);
    const ops4 = fuseDecoderOps(buildDecoderPass(m, L4, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), [g, { ops: ['residual', 'attn_norm'], onChip: 1 }], m, L4, 1);
    expect(ops4.find((o) => o.name === 'residual')!.fusedInto).toBe('allreduce_ffn');
    expect(ops4.find((o) => o.name === 'attn_norm')!.fusedInto).toBe('allreduce_ffn');
  });

  it('a MoE step on 4 GB200 (N3983 config) loses one launch per layer; the all-reduces keep their kernels', () => {
    const hw = under('gb200', 'tensorrt-llm');
    const flags = { model: 'qwen3-235b-a22b', hardware: 'gb200', tp: 4, ep: 4, dtype: 'fp4', 'kv-cache': 'fp8', 'input-tokens': 1024, 'output-tokens': 1024, batch: 1 };
    const fused = sim(flags, hw);
    const plain = sim(flags, withFusion(hw, undefined));
    const saved = plain.tpot_s! - fused.tpot_s!;
    expect(saved).toBeGreaterThan(94 * 3.9e-6);
    expect(saved).toBeLessThan(94 * 4.1e-6);
  });

  it('more work never costs less: the fused step grows with the batch and the context, finite and positive', () => {
    const flags = { model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 4, dtype: 'fp8', 'input-tokens': 1024, 'output-tokens': 256 };
    let last = 0;
    for (const batch of [1, 2, 8, 64, 256]) {
      const r = sim({ ...flags, batch }, trt);
      expect(Number.isFinite(r.tpot_s!) && r.tpot_s! > 0).toBe(true);
      expect(r.tpot_s!).toBeGreaterThanOrEqual(last);
      last = r.tpot_s!;
    }
    expect(sim({ ...flags, batch: 8, 'input-tokens': 4096 }, trt).tpot_s!).toBeGreaterThan(sim({ ...flags, batch: 8 }, trt).tpot_s!);
  });

  it('vLLM and SGLang fuse the same add into the norm; runtimes that declare no fusion keep one kernel per op', () => {
    expect(libraryRuntime('tensorrt-llm').fusion).toEqual([{ ops: ['residual', 'attn_norm'], onChip: 1 }]);
    // vLLM and SGLang also run the MoE row gather inside Triton fused_moe's first GEMM (test/layer-kernels.test.ts)
    for (const id of ['vllm', 'vllm-0.6', 'sglang']) {
      expect(libraryRuntime(id).fusion, id).toEqual([
        { ops: ['residual', 'attn_norm'], onChip: 1 },
        { ops: ['moe_permute', 'experts_up'], onChip: 16, when: { attentionDp: false } },
      ]);
    }
    // the TensorRT engine flow of v0.6 and vLLM 0.2.0 (before its fused add-RMSNorm) turn their parent's groups off
    expect(libraryRuntime('tensorrt-llm-0.6').fusion).toEqual([]);
    expect(libraryRuntime('vllm-0.2').fusion).toEqual([]);
    expect(decodePass('llama-3.1-8b', under('h100-sxm', 'vllm'), 1, 1).ops.find((o) => o.name === 'residual')!.fusedInto).toBe('attn_norm');
    expect(decodePass('llama-3.1-8b', under('mi300x', 'sglang'), 1, 1).ops.find((o) => o.name === 'residual')!.fusedInto).toBe('attn_norm');
    for (const rt of ['vllm-0.2', 'llama.cpp', 'pytorch']) {
      const v = decodePass('llama-3.1-8b', under('h100-sxm', rt), 1, 1);
      expect(v.ops.every((o) => o.fusedInto === undefined), rt).toBe(true);
    }
  });

  it('every op name a group may use is one the decoder graph emits, and a bad group is a one-line error', async () => {
    const emitted = new Set<string>();
    for (const id of ['llama-3.1-8b', 'qwen3-235b-a22b', 'deepseek-v3', 'gemma-3-27b', 'gpt-oss-120b']) {
      const m = lib.models[id] as DecoderModel | undefined;
      if (!m) continue;
      const L = buildLayout(m, 2, 2, undefined, undefined);
      const p = resolvePrecision('bf16', undefined, undefined, undefined, undefined);
      for (const s of [{ prefillSeqs: 1, prefillLen: 64, decodeSeqs: 1 }]) for (const o of buildDecoderPass(m, L, p, s)) emitted.add(o.name);
    }
    for (const n of emitted) expect(DECODER_GRAPH_OPS as readonly string[], n).toContain(n);
    const base = `id: my-trt\nname: mine\nextends: tensorrt-llm\nkind: runtime\nrole: serving\nfusion:\n  groups:\n    - ops: [residual, attn_norm]\n      on_chip: 1\n  source: "my engine's model code"\n`;
    expect((await loadSpecFile(scratch.write('ok.yaml', base))).errors).toEqual([]);
    let i = 0;
    for (const [bad, re] of [
      [base.replace('[residual, attn_norm]', '[residual, atn_norm]'), /fusion\.groups\.0\.ops\.1\s+must be one of/],
      [base.replace('[residual, attn_norm]', '[residual]'), /fusion\.groups\.0\.ops\s+/],
      // a file of its own (one that extends a runtime inherits the parent's fusion source)
      [base.replace('extends: tensorrt-llm\n', '').replace('  source: "my engine\'s model code"\n', 'sources: [mine]\n'), /fusion\s+values without a source/],
    ] as const) {
      const lines = (await loadSpecFile(scratch.write(`bad-${i++}.yaml`, bad))).errors.map(formatIssue);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.every((l) => !l.includes('\n'))).toBe(true);
      expect(lines.join('\n')).toMatch(re);
    }
  });
  it('a fused group never costs more than its ops unfused, on a part with a measured L2 rate too (DGX Spark)', () => {
    for (const rt of ['vllm', 'tensorrt-llm']) {
      const hw = under('dgx-spark', rt);
      expect(hw.onChip.l2BandwidthBytePerS).toBeGreaterThan(0);
      for (const [inTok, b] of [[256, 1], [2048, 4]] as const) {
        const flags = { model: 'llama-3.1-8b', hardware: 'dgx-spark', dtype: 'bf16', batch: b, 'input-tokens': inTok, 'output-tokens': 64 };
        const fused = sim(flags, hw);
        const plain = sim(flags, withFusion(hw, []));
        expect(fused.ttft_s!).toBeLessThanOrEqual(plain.ttft_s! * (1 + 1e-12));
        expect(fused.tpot_s!).toBeLessThanOrEqual(plain.tpot_s! * (1 + 1e-12));
      }
    }
  });
});
