// TP collectives hidden behind the next dense GEMMs' weight prefetch (runtime overlap.tp_comm_prefetch: XLA on TPU,
// runtimes/jax.yaml; src/sim/weight-prefetch.ts, src/sim/decoder.ts finishPass): a memory-bound decode step loses its
// all-reduces up to the GEMMs' weight streams; a compute-bound prompt pass and grouped (MoE) GEMMs give nothing.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { PassMemo } from '../src/sim/pass-memo.js';
import { overlapShares } from '../src/sim/overlap.js';
import { prefetchableS } from '../src/sim/weight-prefetch.js';
import { opCostScratch, type OpCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const gemm = (o: Partial<Op>): Op => ({ name: 'ffn_up', kind: 'gemm', flops: 1, bytes: 100, weightBytes: 90, dtype: 'int8', count: 1, ...o });
const cost = (o: Partial<OpCost>): OpCost => ({ ...opCostScratch(), ...o });

describe('prefetchableS', () => {
  it('a memory-bound dense GEMM gives its weight stream, down to its compute and the rest of its bytes', () => {
    // 10 µs of memory, 90% of it weights, 1 µs of compute, 0.5 µs overhead: with the weights on chip 1 + 0.5 µs
    expect(prefetchableS(gemm({}), cost({ computeS: 1e-6, memoryS: 10e-6, overheadS: 0.5e-6 }), 10.5e-6, 0)).toBeCloseTo(9e-6, 12);
    // compute above the rest of the bytes: down to the compute
    expect(prefetchableS(gemm({}), cost({ computeS: 4e-6, memoryS: 10e-6 }), 10e-6, 0)).toBeCloseTo(6e-6, 12);
    // never below the floor the op keeps anyway (a dispatch inside its time, a measured minimum)
    expect(prefetchableS(gemm({}), cost({ computeS: 1e-6, memoryS: 10e-6 }), 10e-6, 4.4e-6)).toBeCloseTo(5.6e-6, 12);
    expect(prefetchableS(gemm({ minS: 8e-6 }), cost({ computeS: 1e-6, memoryS: 10e-6 }), 10e-6, 0)).toBeCloseTo(2e-6, 12);
  });
  it('nothing from a compute-bound GEMM, a grouped (MoE) GEMM, a GEMM without weights or another kind of op', () => {
    const k = cost({ computeS: 10e-6, memoryS: 3e-6 });
    expect(prefetchableS(gemm({}), k, 10e-6, 0)).toBe(0);
    const m = cost({ computeS: 1e-6, memoryS: 10e-6 });
    expect(prefetchableS(gemm({ groups: 8 }), m, 10e-6, 0)).toBe(0);
    expect(prefetchableS(gemm({ weightBytes: 0 }), m, 10e-6, 0)).toBe(0);
    expect(prefetchableS(gemm({ kind: 'attention' }), m, 10e-6, 0)).toBe(0);
  });
});

describe('the jax runtime on a TPU slice', () => {
  // the rows' harness: a static batch (jax-llm-examples main.py prefills the batch, then loops decode_step)
  const jax = bindRuntime(lib.hardware['tpu-v5e']!, libraryRuntime('jax'));
  const bound = { ...jax, runtime: { ...jax.runtime!, scheduler: { ...jax.runtime!.scheduler, batching: 'static' } } } as NormalizedHardware;
  const without = { ...bound, runtime: { ...bound.runtime!, overlap: { ...bound.runtime!.overlap, tpCommPrefetch: 0 } } } as NormalizedHardware;
  const flags = { model: 'llama-3.1-70b', tp: 16, dtype: 'int8', kv_cache: 'int8', batch: 8, input_tokens: 2048, output_tokens: 16 };
  const run = (hw: NormalizedHardware, memo?: PassMemo) => {
    const req = buildRequest(flags, lib.models['llama-3.1-70b']!, hw, libraryModel);
    req.memo = memo;
    return simulate(req);
  };
  const phase = (r: ReturnType<typeof simulate>, name: string) => r.phases.find((p) => p.name === name)!;

  it('states the share; runtimes that extend it inherit it; GPU runtimes have none', () => {
    expect(overlapShares(jax).tpCommPrefetch).toBe(1);
    expect(overlapShares(bindRuntime(lib.hardware['tpu-v5e']!, libraryRuntime('jetstream-jax'))).tpCommPrefetch).toBe(1);
    expect(overlapShares(bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'))).tpCommPrefetch).toBe(0);
  });
  it('Llama 3.1 70B int8 TP 16 on a v5e-16: the decode all-reduces hide behind the weight streams, the prompt pass keeps them', () => {
    const a = run(bound), b = run(without);
    const da = phase(a, 'decode'), db = phase(b, 'decode');
    // 160 all-reduces of 131 kB (~2.7 ms) against ~7 ms of memory-bound GEMMs: all hidden, the logits all-gather left
    expect(db.comm_s).toBeGreaterThan(2e-3);
    expect(da.comm_s).toBeLessThan(0.05e-3);
    expect(db.seconds - da.seconds).toBeCloseTo(db.comm_s - da.comm_s, 9);
    // the prompt pass's GEMMs are compute-bound: nothing to prefetch but the output head's (one row a sequence), so
    // its 268 MB all-reduces stay (~1 s of 1.9 s)
    const pa = phase(a, 'prefill'), pb = phase(b, 'prefill');
    expect(pa.comm_s).toBeGreaterThan(0.5);
    expect(pa.seconds).toBeLessThanOrEqual(pb.seconds);
    expect((pb.seconds - pa.seconds) / pb.seconds).toBeLessThan(1e-3);
  });
  it('the sweep memo gives the same numbers bit for bit', () => {
    const memo = new PassMemo();
    run(bound, memo);
    expect(JSON.stringify(run(bound, memo))).toBe(JSON.stringify(run(bound)));
  });
});
