import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { commSeconds } from '../src/sim/parallel.js';
import { NCCL_SMALL_ALLREDUCE as T, ncclSmallAllreduceSeconds } from '../src/sim/nccl-small-allreduce.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware } from './helpers/nondecoder-fixtures.js';

const hw = (id: string) => getLibrary().hardware[id]!;

// src/sim/nccl-small-allreduce.ts: an engine's NCCL all-reduce on a Hopper NVSwitch node at the framework-measured
// time (torch.distributed on 8x H100, ByteDance-Seed/Triton-distributed issue #57), not nccl-tests' ~33 µs floor.
describe('small-message NCCL all-reduce in engines (Hopper NVSwitch)', () => {
  it('8 ranks, 1-16 KiB: ~19.5-20.7 µs, not the nccl-tests-shaped ~30-35 µs', () => {
    for (const id of ['h100-sxm', 'h200-sxm']) {
      const h = hw(id);
      const at = (b: number) => T.seconds[T.sizes.indexOf(b)]!;
      expect(commSeconds(h, 'allreduce', 1024, 8)).toBeCloseTo(at(1024), 7);
      expect(commSeconds(h, 'allreduce', 16384, 8)).toBeCloseTo(at(16384), 7);
      expect(commSeconds(h, 'allreduce', 524288, 8)).toBeLessThanOrEqual(at(524288) + 1e-12);
      expect(at(1024)).toBeLessThan(25e-6); // well under nccl-tests' ~33 µs floor
    }
  });

  it('nccl-tests reproduction (inSwitch, op allreduce / calibrate) keeps the spec sweep', () => {
    const h = hw('h100-sxm');
    expect(commSeconds(h, 'allreduce', 16384, 8, true)).toBeGreaterThan(25e-6);
  });

  it('never slower than the ring model, monotone in size, and smaller groups no slower', () => {
    const h = hw('h100-sxm');
    let last = 0;
    for (let b = 64; b <= 1 << 26; b *= 2) {
      const s = commSeconds(h, 'allreduce', b, 8);
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
      expect(commSeconds(h, 'allreduce', b, 2)).toBeLessThanOrEqual(s);
    }
    expect(ncclSmallAllreduceSeconds(0, 450e9, 370e9, 1.75)).toBeUndefined();
  });

  it('scales with the link: a slower NVLink4 (H800, 200 GB/s) or a bandwidth what-if is slower at 1-16 MiB', () => {
    const h100 = hw('h100-sxm');
    const h800 = hw('h800-sxm');
    for (const b of [1 << 20, 4 << 20, 16 << 20]) expect(commSeconds(h800, 'allreduce', b, 8)).toBeGreaterThan(commSeconds(h100, 'allreduce', b, 8) * 1.5);
    const slow = { ...h100, scaleUp: { ...h100.scaleUp!, bandwidthBytePerS: 50e9 } };
    expect(commSeconds(slow, 'allreduce', 4 << 20, 8)).toBeGreaterThan(commSeconds(h100, 'allreduce', 4 << 20, 8) * 4);
    // the start-up part does not scale: a 1 KiB all-reduce stays near the measured 19.5 µs
    expect(commSeconds(h800, 'allreduce', 1024, 8)).toBeLessThan(21e-6);
  });

  it('no step past the table: beyond 16 MiB the time carries on from the last measured point', () => {
    for (const id of ['h100-sxm', 'h800-sxm']) {
      const h = hw(id);
      const at = commSeconds(h, 'allreduce', 16 << 20, 8);
      const past = commSeconds(h, 'allreduce', (16 << 20) + 4096, 8);
      expect(past).toBeGreaterThanOrEqual(at);
      expect(past / at).toBeLessThan(1.001);
    }
  });

  it('other fabrics are unchanged (no kernel-level table): A100 NVLink3 keeps the ring model', () => {
    const h = hw('a100-sxm4-80gb');
    expect(commSeconds(h, 'allreduce', 16384, 8)).toBeGreaterThan(25e-6);
  });
});

// runtimes/sglang.yaml: SGLang runs vLLM's one-shot custom all-reduce inside sgl-kernel (sglang PR #5079), not NCCL.
describe('sglang: tensor-parallel all-reduce on its custom one-shot kernel', () => {
  it('prices a 16 KiB all-reduce on 8x H100 at the vLLM kernel time (10.1 µs), below NCCL', async () => {
    const h = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('sglang'));
    expect(customAllreduceSeconds(h, 16384, 8)).toBeCloseTo(10.1e-6, 12);
    expect(customAllreduceSeconds(h, 16384, 8)!).toBeLessThan(commSeconds(h, 'allreduce', 16384, 8));
    // sglang-0.4 inherits it (extends: sglang)
    expect(customAllreduceSeconds(bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('sglang-0.4')), 16384, 8)).toBeCloseTo(10.1e-6, 12);
  });
  it('on ROCm too (sglang PR #3406: custom all-reduce in sgl-kernel for AMD): a decode-size all-reduce on 8x MI300X is a few µs, not RCCL\'s tens', async () => {
    for (const rt of ['sglang', 'sglang-0.4']) {
      const h = bindRuntime(await loadHardware('mi300x'), libraryRuntime(rt));
      // DeepSeek-V3 at batch 4: 4 x 7168 bf16 = 57 KiB per call
      const t = customAllreduceSeconds(h, 57344, 8)!;
      expect(t).toBeGreaterThan(6.3e-6);
      expect(t).toBeLessThan(7.6e-6);
      expect(t * 3).toBeLessThan(commSeconds(bindRuntime(await loadHardware('mi300x'), libraryRuntime('pytorch')), 'allreduce', 57344, 8));
      // a prefill-size message leaves the measured table for RCCL
      expect(customAllreduceSeconds(h, 64e6, 8)).toBeUndefined();
    }
    // the same vLLM kernel tables as vllm.yaml's ROCm ones up to vLLM's 8 MiB buffer (test/rocm-custom-allreduce.test.ts
    // checks every group; SGLang's run on to its 16 MiB HIP buffer)
    const table = async (rt: string) => bindRuntime(await loadHardware('mi300x'), libraryRuntime(rt)).runtime!.collectives?.customAllreduce;
    const v = (await table('vllm'))!;
    expect((await table('sglang'))!.seconds.slice(0, v.sizes.length)).toEqual(v.seconds);
  });
});
