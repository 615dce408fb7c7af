// vllm-gaudi (runtimes/vllm-gaudi.yaml): vLLM V1 on Intel Gaudi pads every decode step to its batch-size bucket (the
// default exponential strategy, vllm_gaudi/extension/bucketing/exponential.py) and runs it as that bucket's HPU graph;
// serve prices the padded rows (src/sim/graph-padding.ts). The KV cache gets 0.9 x (1 - VLLM_GRAPH_RESERVED_MEM 0.1) of
// the memory the weights leave; the scheduler keeps vLLM's below-70-GiB defaults (the plugin reports 0 device memory).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { capturedSizes, paddedDecodeSeqs } from '../src/sim/graph-padding.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { moeDenseExperts, moeDenseFor } from '../src/sim/moe-dense-experts.js';
import { buildDecoderPass, expertsTouched } from '../src/model/decoder-graph.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();

/** vllm-gaudi's warmup_range_with_limit for a decode bs cfg [1, 2, max, ceil(log2(max)) + 1] */
function expBuckets(max: number): number[] {
  const step = 2;
  const n = Math.ceil(Math.log2(max)) + 1;
  const s = new Set<number>([1]);
  for (let i = 0; i < n; i++) s.add(Math.ceil((step * Math.pow(max / step, i / (n - 1))) / step - 1e-9) * step);
  const out = [...s].sort((a, b) => a - b);
  out[out.length - 1] = Math.min(out[out.length - 1]!, max);
  return out;
}

describe('vllm-gaudi runtime', () => {
  const hw = bindRuntime(lib.hardware['gaudi3']!, libraryRuntime('vllm-gaudi'));
  const m = lib.models['llama-3.1-8b'] as DecoderModel;
  const L = buildLayout(m, 1, 1, undefined, undefined);

  it("captures the exponential decode buckets of max_num_seqs 256 and keeps vLLM's small-device scheduler defaults", () => {
    expect(capturedSizes(hw, 1, true)).toEqual(expBuckets(256));
    expect(hw.runtime!.scheduler.maxNumSeqs).toBe(256);
    expect(hw.runtime!.memory.share).toBeCloseTo(0.81, 6);
    expect(hw.runtime!.memory.basis).toBe('free');
  });

  it('serve pads a decode step of 43 sequences to the 78 bucket: the GEMMs run 78 rows', () => {
    expect(paddedDecodeSeqs(hw, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 43 }, true)).toBe(78);
    const c = new StepCoster(m, hw, L, resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels));
    const at = (n: number) => c.compute(n, 1024, 0, 0).seconds;
    // 42 is a bucket, 43 is not: the step from 42 to 43 sequences adds the GEMM rows of 36 dummies, several times the
    // step from 41 to 42 (one real sequence: its KV reads and its row)
    expect(at(43) - at(42)).toBeGreaterThan(3 * (at(42) - at(41)));
    // the dummies' attention is not priced (one cached token each): 43 padded to 78 stays below 78 real sequences
    expect(at(43)).toBeLessThan(at(78));
  });
});

describe('optimum-habana memory', () => {
  // the text-generation example allocates its KV cache as plain tensors (allocate_kv_cache), no 0.9 fraction: Intel's
  // 1.19 reference run of Llama 2 70B at batch 512, 128 in / 2048 out on two Gaudi 3 (row N5665) needs ~127.4 GB a card
  it('fits what the device holds, less the runtime reserve: no share kept back for the KV cache', () => {
    const hw = bindRuntime(lib.hardware['gaudi3']!, libraryRuntime('optimum-habana'));
    expect(hw.runtime!.memory.share).toBe(1);
    const m = lib.models['llama-2-70b']!;
    const run = (batch: number) => simulate(buildRequest({ model: 'llama-2-70b', hardware: 'gaudi3', tp: 2, batch, 'input-tokens': 128, 'output-tokens': 2048, dtype: 'fp8' }, m, hw, (id) => lib.models[id]!));
    const r = run(512) as { memory: { fits: boolean } };
    expect(r.memory.fits).toBe(true);
    // a batch that needs more than the card's 128 GiB still does not fit
    expect((run(600) as { memory: { fits: boolean } }).memory.fits).toBe(false);
  });
});

describe("optimum-habana's dense gpt-oss experts (kernels.moe_dense_models)", () => {
  // GaudiGptOssExperts.forward on HPU: every token through every expert (repeat + bmm), outputs weighted and summed
  const og = bindRuntime(lib.hardware['gaudi3']!, libraryRuntime('optimum-habana'));
  const gpt = lib.models['gpt-oss-20b'] as DecoderModel;
  it('applies to gpt-oss only, and only under a runtime that lists it', () => {
    expect(moeDenseFor(og, gpt)).toBe(true);
    expect(moeDenseFor(og, lib.models['mixtral-8x7b'] as DecoderModel)).toBe(false);
    expect(moeDenseFor(bindRuntime(lib.hardware['gaudi3']!, libraryRuntime('vllm')), gpt)).toBe(false);
  });
  it('reads every expert and runs E/k times the rows: one decode token of gpt-oss-20b (32 experts, top-4)', () => {
    const L = buildLayout(gpt, 1, 1, undefined, undefined);
    const p = resolvePrecision('bf16', undefined, undefined, undefined, og.runtime?.kernels);
    const ops = buildDecoderPass(gpt, L, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 });
    const dense = moeDenseExperts(ops, og, gpt, L);
    const get = (xs: typeof ops, n: string) => xs.find((o) => o.name === n)!;
    const E = gpt.moe!.experts;
    const k = gpt.moe!.active;
    for (const n of ['experts_up', 'experts_down']) {
      expect(get(dense, n).weightBytes / get(ops, n).weightBytes).toBeCloseTo(E / expertsTouched(E, k, 1), 9);
      expect(get(dense, n).flops / get(ops, n).flops).toBeCloseTo(E / k, 9);
    }
    expect(get(dense, 'experts_act').bytes / get(ops, 'experts_act').bytes).toBeCloseTo(E / k, 9);
    // a decode token now streams the whole expert bank: at least E x (mats + 1) x I x d x 2 B a layer
    const bank = E * 3 * gpt.moe!.intermediate * gpt.hidden * 2 * gpt.layers;
    const step = new StepCoster(gpt, og, L, p).compute(1, 64, 0, 0).seconds;
    expect(step).toBeGreaterThan(bank / og.memory.bandwidthBytePerS);
  });
});
