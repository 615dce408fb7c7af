// Expert parallelism under tensor-parallel attention (ep ≤ tp, no --attention-dp): every tp rank holds every token
// after the attention all-reduce, runs its local experts on them, and the FFN all-reduce sums the partial outputs:
// no all-to-all dispatch and combine (TensorRT-LLM modeling_qwen3_moe.py Qwen3MoE.forward, the fused MoE's
// enable_alltoall only with enable_attention_dp; vLLM use_all2all_kernels only with dp_size > 1).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';

const lib = getLibrary();
const run = (flags: Record<string, unknown>) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));
const names = (r: ReturnType<typeof run>) => new Set((r.ops ?? []).map((o) => o.name));

describe('EP over replicated tokens (tensor-parallel attention)', () => {
  const flags = { model: 'qwen3-235b-a22b', hardware: 'gb200', tp: 4, dtype: 'fp4', 'kv-cache': 'fp8', 'input-tokens': 1024, 'output-tokens': 1024, batch: 1, runtime: 'tensorrt-llm', verbose: true };
  it('prices no all-to-all with ep = tp; the FFN all-reduce combines', () => {
    const ep = run({ ...flags, ep: 4 });
    expect(names(ep).has('alltoall_moe')).toBe(false);
    expect(names(ep).has('allreduce_ffn')).toBe(true);
    expect(ep.tpot_s!).toBeGreaterThan(0);
    expect(Number.isFinite(ep.tpot_s!)).toBe(true);
  });
  it('keeps the all-to-all under attention data parallelism, where each device holds its own tokens', () => {
    const adp = run({ ...flags, batch: 8, 'attention-dp': true });
    expect(names(adp).has('alltoall_moe')).toBe(true);
    expect(names(adp).has('allreduce_ffn')).toBe(false);
  });
  it('keeps the all-to-all when the experts spread wider than the tp group (ep > tp, over pipeline stages)', () => {
    const wide = run({ ...flags, tp: 2, pp: 2, ep: 4 });
    expect(names(wide).has('alltoall_moe')).toBe(true);
  });
});
