// runtimes/sglang-0.4.5.yaml: SGLang of April 2025 (v0.4.5 - v0.4.5.post3, FA3 MLA by default on Hopper) on the 0.5
// kernels of runtimes/sglang.yaml, with that release's own defaults: the decode capture of the 0.4 releases ([1, 2, 4,
// 8] + range(16, 161, 8) up to cuda_graph_max_bs 160, v0.4.x server_args.py / @0021673c cuda_graph_runner.py), the
// mem_fraction_static table by tp (the device-memory rule came with PR #10975), 8192-token chunks above 25,000 MiB, and
// attention DP's all-reduce gather on every step (@7f00a464 dp_attention.py; MAX_LEN decode came with PR #8278).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { usableBytes } from '../src/sim/memory.js';
import { bound } from './helpers/bound.js';

const GiB = 1024 ** 3;

describe('SGLang 0.4.5 (April 2025)', () => {
  it('captures the 0.4 decode graphs up to 160 and chunks 8192 tokens on an H200', () => {
    const rt = bound('h200-sxm', 'sglang-0.4.5').runtime!;
    const now = bound('h200-sxm', 'sglang').runtime!;
    expect(rt.launch.decodeCapture!.maxBatch).toBe(160);
    expect(rt.launch.decodeCapture!.sizes).toEqual([1, 2, 4, 8, ...Array.from({ length: 19 }, (_, i) => 16 + 8 * i)]);
    expect(now.launch.decodeCapture!.maxBatch).toBe(512);
    expect(rt.scheduler.maxNumBatchedTokens).toBe(8192);
  });
  it('keeps the tp table for mem_fraction_static and the all-reduce gather on decode steps', () => {
    const h100 = getLibrary().hardware['h100-sxm']!;
    const cap = h100.memory.capacityBytes;
    const u = (tp: number) => usableBytes(bindRuntime(h100, libraryRuntime('sglang-0.4.5')!), 0, 0, tp) / (cap - (tp >= 4 ? 3 : 1) * GiB);
    expect(u(8)).toBeCloseTo(0.81, 6);
    const k = bound('h200-sxm', 'sglang-0.4.5').runtime!.kernels.attentionDpMoe!;
    expect(k).toEqual({ gather: 'allreduce', combine: 'allreduce', decode: { gather: 'allreduce', combine: 'allreduce' } });
  });
});
