// vLLM's and SGLang's custom all-reduce on ROCm (runtimes/vllm.yaml, runtimes/sglang.yaml by_vendor amd): one kernel,
// measured per group (TP 2 ROCm/aiter PR #801, TP 4 vllm PR #19744, TP 8 vllm PR #39080 on MI355X), up to each
// runtime's own buffer (vLLM custom_all_reduce.py max_size 8 MiB; SGLang _MAX_CAR_SIZE 16 MiB on HIP), RCCL above.
import { describe, expect, it } from 'vitest';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { commSeconds } from '../src/sim/parallel.js';
import { simulateFromFlags } from '../src/sim/from-flags.js';
import { bound } from './helpers/bound.js';

const MiB = 1024 * 1024;
const PARTS = ['mi300x', 'mi325x', 'mi355x'];

describe('ROCm custom all-reduce: per-group tables and each runtime buffer', () => {
  it('each group takes its own measured times; the 8-GPU mesh table is not raised to the one-link TP-2 times', () => {
    for (const hw of PARTS) {
      for (const rt of ['vllm', 'sglang']) {
        const h = bound(hw, rt);
        expect(customAllreduceSeconds(h, MiB, 2)).toBeCloseTo(28.15e-6, 12);
        expect(customAllreduceSeconds(h, MiB, 4)).toBeCloseTo(22.91e-6, 12);
        expect(customAllreduceSeconds(h, 8 * MiB, 2)).toBeCloseTo(181.43e-6, 12);
        expect(customAllreduceSeconds(h, 8 * MiB, 4)).toBeCloseTo(118.31e-6, 12);
        expect(customAllreduceSeconds(h, 8 * MiB, 8)).toBeCloseTo(118.31e-6, 12);
        // TP 8 keeps the MI355X table where TP 2 on one xGMI link is slower
        expect(customAllreduceSeconds(h, 24576, 8)).toBeCloseTo(6.3e-6, 12);
        expect(customAllreduceSeconds(h, 1572864, 8)).toBeCloseTo(24.2e-6, 12);
        expect(customAllreduceSeconds(h, 1572864, 2)).toBeCloseTo(38.91e-6, 12);
        // a group of 6 (5 links each) lies between the TP-4 and TP-8 tables and pays the larger, the TP-4 time (the
        // TP-8 table's 18.73 µs would price it as the whole mesh); 16 devices leave the scale-up domain
        expect(customAllreduceSeconds(h, MiB, 6)).toBeCloseTo(22.91e-6, 12);
        expect(customAllreduceSeconds(h, MiB, 8)).toBeCloseTo(18.73e-6, 12);
        expect(customAllreduceSeconds(h, MiB, 16)).toBeUndefined();
      }
    }
  });

  it('vLLM and SGLang share the kernel up to 8 MiB; SGLang alone runs on to 16 MiB, vLLM leaves it to RCCL', () => {
    const v = bound('mi300x', 'vllm'), s = bound('mi300x', 'sglang');
    for (const g of [2, 4, 6, 8]) {
      for (const b of [24576, 300000, MiB, 3 * MiB, 8 * MiB]) expect(customAllreduceSeconds(s, b, g)).toBe(customAllreduceSeconds(v, b, g));
      expect(customAllreduceSeconds(v, 8 * MiB + 16, g)).toBeUndefined();
      expect(customAllreduceSeconds(s, 16 * MiB + 16, g)).toBeUndefined();
    }
    expect(customAllreduceSeconds(s, 16 * MiB, 2)).toBeCloseTo(355.91e-6, 12);
    expect(customAllreduceSeconds(s, 16 * MiB, 4)).toBeCloseTo(230.48e-6, 12);
    expect(customAllreduceSeconds(s, 16 * MiB, 8)).toBeCloseTo(230.48e-6, 12);
    expect(customAllreduceSeconds(s, 12 * MiB, 2)).toBeCloseTo((181.43e-6 + 355.91e-6) / 2, 12);
  });

  it('past each buffer the call goes to RCCL, never below the table edge, for every group', () => {
    for (const hw of PARTS) {
      for (const [rt, last] of [['vllm', 8 * MiB], ['sglang', 16 * MiB]] as const) {
        const h = bound(hw, rt);
        for (const g of [2, 4, 8]) {
          const edge = collectiveSeconds(h, 'allreduce', last, g);
          expect(collectiveSeconds(h, 'allreduce', last * 1.0001, g)).toBeGreaterThanOrEqual(edge);
          expect(collectiveSeconds(h, 'allreduce', last * 2, g)).toBeGreaterThanOrEqual(collectiveSeconds(h, 'allreduce', last * 1.0001, g));
        }
      }
    }
  });

  it('gpt3-2.7b int8 on 2x MI325X under SGLang (963 in / 176 out): throughput does not fall from batch 200 to 300', async () => {
    // the 8.6 MB mixed-step all-reduce at batch 300 stays on SGLang's custom kernel (below 16 MiB) at its TP-2 time
    const tput = async (batch: number) =>
      (await simulateFromFlags({ model: 'gpt3-2.7b', hardware: 'mi325x', runtime: 'sglang', tp: 2, devices: 2, dtype: 'int8', 'input-tokens': 963, 'output-tokens': 176, batch })).result.throughput_tok_s!;
    expect(await tput(300)).toBeGreaterThanOrEqual(await tput(200));
  });
});

describe('RCCL on part of the 8x MI300X xGMI mesh: a lone link at its own 48 GB/s', () => {
  it('a TP-2 all-reduce of 512 MiB prices near the measured one-link time; TP 8 keeps the whole-mesh sweep', () => {
    for (const hw of ['mi300x', 'mi325x']) {
      const h = bound(hw, 'vllm');
      expect(h.scaleUp!.linkEfficiency).toBeCloseTo(48 / 64, 12);
      // vLLM's custom all-reduce over the same link, TP 2, 512 MiB: 11126.36 us (ROCm/aiter PR #801), 48.25 GB/s
      const tp2 = commSeconds(h, 'allreduce', 512 * MiB, 2);
      expect(tp2 / 11126.36e-6).toBeGreaterThan(1);
      expect(tp2 / 11126.36e-6).toBeLessThan(1.02);
      // without the link's own rate the 8-GPU plateau (0.707 x 64 = 45.3 GB/s) priced it 7% slower
      const asMesh = commSeconds({ ...h, scaleUp: { ...h.scaleUp!, linkEfficiency: undefined } }, 'allreduce', 512 * MiB, 2);
      expect(asMesh / tp2).toBeGreaterThan(1.05);
      // the whole domain runs all seven links at once: the 8-GPU sweep alone
      expect(commSeconds({ ...h, scaleUp: { ...h.scaleUp!, linkEfficiency: undefined } }, 'allreduce', 512 * MiB, 8)).toBe(commSeconds(h, 'allreduce', 512 * MiB, 8));
    }
    expect(bound('mi355x', 'vllm').scaleUp!.linkEfficiency).toBeUndefined();
  });
});
