// TensorRT-LLM's PyTorch-flow per-tensor FP8 Linear quantizes a bf16 input in a kernel of its own
// (FP8QDQLinearMethod.apply: static_quantize_e4m3_per_tensor): the RMSNorm outputs feeding qkv_proj and a dense
// gate_up_proj, an `input_quant` pointwise op before each (runtime kernels.fp8_input_quant, src/sim/layer-kernels.ts).
// A MoE layer quantizes the experts' input too (CutlassFusedMoE / WideEPMoE: static_quantize_e4m3_per_tensor on x when
// has_fp8_qdq). None where LlamaDecoderLayer's all-reduce carries the norm and the quantize (Llama 2 / 3.x dense, tp > 1,
// hidden > 4096; other architectures keep the kernels), for 16-bit or block-FP8 GEMMs, for the engine-flow-only
// tensorrt-llm-0.6, or for runtimes without the field. Timings: aiconfigurator @095f58a5 h200_sxm quantize/trtllm/1.3.0rc20 scale_matrix_perf.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { costPass, passOps } from '../src/sim/decoder.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import type { GraphOp, PassShape } from '../src/model/decoder-graph.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';

const lib = getLibrary();
const llama = lib.models['llama-3.1-8b'] as DecoderModel;
const llama70 = lib.models['llama-3.1-70b'] as DecoderModel;
const mixtral = lib.models['mixtral-8x7b'] as DecoderModel;
const qwen72 = lib.models['qwen2.5-72b'] as DecoderModel;
const qwen3moe = lib.models['qwen3-235b-a22b'] as DecoderModel;
const trtH200 = bound('h200-sxm', 'tensorrt-llm');

const ops = (m: DecoderModel, hw: NormalizedHardware, dtype: string, s: PassShape, tp = 1, attentionDp = false): GraphOp[] =>
  passOps(m, hw, buildLayout(m, tp, 1, undefined, tp, attentionDp), resolvePrecision(dtype), s);
const quants = (o: GraphOp[]) => o.filter((x) => x.name === 'input_quant');
const MIXED: PassShape = { prefillSeqs: 7, prefillLen: 2048, decodeSeqs: 657 }; // 14,993 rows

describe('TensorRT-LLM FP8 input quantize kernels', () => {
  const scratch = useScratchDir('hwperf-inquant-');
  it('two per dense layer, before qkv_proj and ffn_up, reading 16-bit and writing 8-bit [rows, hidden]', () => {
    const o = ops(llama, trtH200, 'fp8', MIXED);
    const q = quants(o);
    expect(q).toHaveLength(2);
    expect(o[o.indexOf(q[0]!) + 1]!.name).toBe('qkv_proj');
    expect(o[o.indexOf(q[1]!) + 1]!.name).toBe('ffn_up');
    for (const x of q) {
      expect(x.count).toBe(llama.layers);
      expect(x.bytes).toBe(14993 * llama.hidden * 3);
    }
  });

  it('priced near the measured kernel: ~46 us at 15,000 x 4096 and ~1.3 us at one row on an H200', () => {
    const at = (s: PassShape, ctx: number, phase: 'decode' | 'prefill') => {
      const o = ops(llama, trtH200, 'fp8', s);
      const c = costPass(o, trtH200, ctx, ctx, phase, undefined, true);
      const r = c.rows!.find((x) => x.name === 'input_quant')!;
      return r.seconds / r.count;
    };
    const big = at(MIXED, 2112, 'decode');
    expect(big).toBeGreaterThan(46e-6 * 0.8);
    expect(big).toBeLessThan(46e-6 * 1.25);
    const one = at({ prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }, 1024, 'decode');
    expect(one).toBeGreaterThan(0.5e-6);
    expect(one).toBeLessThan(2.5e-6);
  });

  it('none for 16-bit GEMMs; none where LlamaDecoderLayer fuses it into the all-reduces (70B at tp 2), kept without them', () => {
    expect(quants(ops(llama, trtH200, 'bf16', MIXED))).toHaveLength(0);
    expect(quants(ops(llama70, trtH200, 'fp8', MIXED, 2))).toHaveLength(0);
    // hidden 4096 at tp 2: the all-reduce fusion is off for small models, so the kernels stay
    expect(quants(ops(llama, trtH200, 'fp8', MIXED, 2))).toHaveLength(2);
    // attention DP (a MoE model here): no attention all-reduce to carry a quantize: qkv's and the experts' kernels stay
    expect(quants(ops(lib.models['mixtral-8x22b'] as DecoderModel, trtH200, 'fp8', MIXED, 2, true))).toHaveLength(2);
  });

  it('only the Llama decoder layer fuses: a Qwen2.5-72B layer at tp 2 (hidden 8192) keeps both kernels', () => {
    const o = ops(qwen72, trtH200, 'fp8', MIXED, 2);
    expect(o.some((x) => x.name === 'allreduce_attn')).toBe(true);
    expect(quants(o)).toHaveLength(2);
  });

  it('a per-tensor FP8 MoE layer quantizes the experts\' [tokens, hidden] input too, before the permute; block-FP8 experts do not', () => {
    const o = ops(mixtral, trtH200, 'fp8', MIXED);
    const q = quants(o);
    expect(q).toHaveLength(2);
    expect(o[o.indexOf(q[0]!) + 1]!.name).toBe('qkv_proj');
    expect(o[o.indexOf(q[1]!) + 1]!.name).toBe('moe_permute');
    expect(q[1]!.bytes).toBe(14993 * mixtral.hidden * 3);
    expect(q[1]!.count).toBe(mixtral.layers);
    // Mixtral's decoder layer is not LlamaDecoderLayer: at tp 2 the kernels stay (hidden 4096 would disable it anyway)
    expect(quants(ops(lib.models['mixtral-8x22b'] as DecoderModel, trtH200, 'fp8', MIXED, 2))).toHaveLength(2);
    expect(quants(ops(qwen3moe, trtH200, 'fp8', MIXED))).toHaveLength(0);
  });

  it('other runtimes leave it out; a runtime file states it as a boolean', async () => {
    expect(quants(ops(llama, bound('h200-sxm', 'vllm'), 'fp8', MIXED))).toHaveLength(0);
    // TensorRT-LLM 0.5-0.6: the TensorRT engine flow only, not the PyTorch flow's FP8 Linear
    expect(quants(ops(llama, bound('l40s', 'tensorrt-llm-0.6'), 'fp8', MIXED))).toHaveLength(0);
    const load = (body: string) => loadSpecFile(scratch.write('r.yaml', `id: my-rt\nname: x\nkind: runtime\nrole: serving\nkernels:\n  ${body}\n  source: "test"\nsources: [test]\n`));
    expect((await load('fp8_input_quant: true')).errors).toEqual([]);
    expect((await load('fp8_input_quant: 2')).errors.length).toBeGreaterThan(0);
  });
});
