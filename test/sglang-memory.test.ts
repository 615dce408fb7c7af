// SGLang's default mem_fraction_static on GPUs since sgl-project/sglang PR #10975 (server_args.py
// _handle_gpu_memory_settings): (device MiB - reserved) / device MiB with reserved = 512 + 1.5 x chunked_prefill_size +
// 2 x cuda_graph_max_bs + tp/8 x 1024 MiB, at least 10 GiB above 60 GiB, chunk and graph size by device memory.
// runtimes/sglang.yaml (by_vendor nvidia / amd) uses it; sglang-0.4 keeps the early-2025 table by tp.
import { describe, expect, it } from 'vitest';
import { sglangDefaultShare } from '../src/runtime/sglang-memory.js';
import { usableBytes } from '../src/sim/memory.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';

const MiB = 1024 * 1024, GiB = 1024 * MiB;

describe("SGLang's mem_fraction_static by device memory", () => {
  it('follows server_args.py on the common parts', () => {
    expect(sglangDefaultShare(81559 * MiB, 1)).toBe(0.835); // H100 80GB: 512 + 12288 + 512 + 128 = 13440 MiB
    expect(sglangDefaultShare(81559 * MiB, 8)).toBe(0.818); // cuda_graph_max_bs 512, tp term 1024: 14848 MiB
    expect(sglangDefaultShare(141 * GiB, 1)).toBe(0.907); // H200
    expect(sglangDefaultShare(192 * GiB, 1)).toBe(0.867); // MI300X: 16384-token chunks, 512 graphs
    expect(sglangDefaultShare(46068 * MiB, 1)).toBe(0.851); // L40S: 4096-token chunks, no 10 GiB floor below 60 GiB
    expect(sglangDefaultShare(24 * GiB, 1)).toBe(0.847); // 24 GB part: 2048 chunks, 24 graphs
  });
  it('more tp reserves more (larger CUDA graphs from tp 4, 128 MiB per rank)', () => {
    expect(sglangDefaultShare(81559 * MiB, 2)).toBeGreaterThan(sglangDefaultShare(81559 * MiB, 4));
  });
  it('sglang binds it on GPUs; sglang-0.4 keeps its table; the CPU keeps the base share', () => {
    const lib = getLibrary();
    const h100 = lib.hardware['h100-sxm']!;
    const cap = h100.memory.capacityBytes;
    // the share is of what the device has free once SGLang has started: 1 GiB less at tp 1, 3 GiB from tp 4
    // (runtimes/sglang.yaml memory.reserve / reserve_by_tp)
    const u = (rt: string, tp: number) => usableBytes(bindRuntime(h100, libraryRuntime(rt)!), 0, 0, tp) / (cap - (tp >= 4 ? 3 : 1) * GiB);
    expect(u('sglang', 1)).toBeCloseTo(0.835, 6);
    expect(u('sglang-0.4', 1)).toBeCloseTo(0.88, 6);
    expect(u('sglang-0.4', 8)).toBeCloseTo(0.81, 6);
    const xeon = lib.hardware['xeon-6980p']!;
    expect(xeon).toBeDefined();
    expect(bindRuntime(xeon, libraryRuntime('sglang')!).runtime?.memory.shareRule).not.toBe('sglang');
  });
});

describe('a pinned share (--set runtime.memory_share) wins over the SGLang rule', () => {
  it('holds the passed share on an sglang GPU run', () => {
    const lib = getLibrary();
    const h100 = lib.hardware['h100-sxm']!;
    const hw = applySetPlain(bindRuntime(h100, libraryRuntime('sglang')!), 'runtime.memory_share=0.7');
    expect(usableBytes(hw, 0, 0, 1) / (h100.memory.capacityBytes - GiB)).toBeCloseTo(0.7, 6);
  });
});

describe("SGLang's pool: mem_fraction_static of what is free at start-up, for weights and KV cache (basis startup)", () => {
  // python/sglang/srt/model_executor/model_runner.py profile_max_num_token: rest = free after the weights - free at
  // start-up x (1 - mem_fraction_static); the activation workspace and CUDA graphs live in the rest
  const lib = getLibrary();
  const h100 = lib.hardware['h100-sxm']!;
  const hw = bindRuntime(h100, libraryRuntime('sglang')!);
  const cap = h100.memory.capacityBytes;
  it('the pool does not shrink with the activation workspace (it lives outside the share)', () => {
    const w = 30 * GiB;
    const pool = (acts: number) => usableBytes(hw, w, acts, 1) - w - acts;
    expect(pool(0)).toBeCloseTo(0.835 * (cap - GiB) - w, 0);
    expect(pool(4 * GiB)).toBeCloseTo(pool(0), 0);
  });
  it('the reserve grows with the communicator group from tp 4 (3 GiB; 1 GiB below)', () => {
    expect(hw.runtime!.memory.reserveBytes).toBe(GiB);
    expect(hw.runtime!.memory.reserveByTp).toEqual([[4, 3 * GiB]]);
    const share = (tp: number) => usableBytes(hw, 0, 0, tp);
    expect(share(2)).toBeCloseTo(sglangDefaultShare(cap, 2) * (cap - GiB), 0);
    expect(share(8)).toBeCloseTo(sglangDefaultShare(cap, 8) * (cap - 3 * GiB), 0);
  });
  it('serve: the pool in tokens is what the start-up rule leaves over the KV bytes per token', () => {
    // vllm issue #21348's SGLang run: Qwen3-235B-A22B-FP8 on 4x H100 at 0.93 -> 367,404 tokens (test/kv-capacity-logs.test.ts)
    const pinned = applySetPlain(hw, 'runtime.memory_share=0.93');
    const u = usableBytes(pinned, 0, 0, 4);
    expect(u).toBeCloseTo(0.93 * (cap - 3 * GiB), 0);
  });
});
