// A measured custom all-reduce table applies to the part it was measured on, or to a part with the same link where its
// times are link-bound: the vLLM / SGLang / gpt-fast tables are 8x H100's (NVLink 4, 450 GB/s a GPU each way); the H800
// (same die and NVSwitch, NVLink cut to 200 GB/s) keeps only their start-up-bound 2 KiB and 16 KiB points, and the
// collective library prices the rest (runtimes/vllm.yaml by_hardware h800-sxm). The kernel still takes those messages up
// to its 8 MiB buffer (buffer_bytes): the host dispatches one custom op for them, not a c10d call (property seed 250).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { customAllreduceSeconds, customAllreduceServes } from '../src/runtime/collectives.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { commSeconds } from '../src/sim/parallel.js';
import { simulateFromFlags } from '../src/sim/from-flags.js';
import { expectOneIssueEach } from './helpers/spec-issues.js';
import { useScratchDir } from './helpers/scratch.js';

const lib = getLibrary();
const bound = (hw: string, rt: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)!);
const KiB = 1024, MiB = 2 ** 20;

describe('custom all-reduce on the H800 (cut NVLink)', () => {
  for (const rt of ['vllm', 'sglang', 'sglang-0.4', 'vllm-0.6', 'pytorch-compile']) {
    it(`${rt}: the H100's start-up-bound points only; from 16 KiB the library, never below the edge`, () => {
      const h800 = bound('h800-sxm', rt), h100 = bound('h100-sxm', rt);
      expect(customAllreduceSeconds(h800, 16 * KiB, 8)).toBeCloseTo(10.1e-6, 12);
      // the link-bound points (128 KiB up) are the H100's, not the H800's
      expect(customAllreduceSeconds(h800, 128 * KiB, 8)).toBeUndefined();
      expect(customAllreduceSeconds(h100, 128 * KiB, 8)).toBeCloseTo(11.8e-6, 12);
      // the library's price on the H800's links is above the H100's measured kernel time at 1 MiB
      expect(commSeconds(h800, 'allreduce', MiB, 8)).toBeGreaterThan(customAllreduceSeconds(h100, MiB, 8)!);
      let last = 0;
      for (let b = KiB; b <= 64 * MiB; b *= 1.3) {
        const s = collectiveSeconds(h800, 'allreduce', b, 8);
        expect(s, `${b}`).toBeGreaterThanOrEqual(last);
        last = s;
      }
    });
  }

  it('Mixtral-8x22B fp8 on 8x H800 under sglang-0.4: throughput does not fall as the batch grows across both edges (16 KiB now, 4 MiB before)', async () => {
    let last = 0;
    for (const batch of [1, 2, 3, 4, 6]) {
      const r = await simulateFromFlags({ model: 'mixtral-8x22b', hardware: 'h800-sxm', runtime: 'sglang-0.4', tp: 8, dtype: 'fp8', 'input-tokens': 128, 'output-tokens': 128, batch });
      expect(r.result.throughput_tok_s!, `batch ${batch}`).toBeGreaterThanOrEqual(last);
      last = r.result.throughput_tok_s!;
    }
  });

  describe('the kernel serves messages past the cut table up to its buffer (buffer_bytes)', () => {
    const scratch = useScratchDir('hwperf-h800-ar-');
    for (const rt of ['vllm', 'sglang', 'vllm-0.6', 'sglang-0.4']) {
      it(`${rt}: 16 KiB to 8 MiB the runtime's kernel (timed by the library), past 8 MiB the library; the H100's table ends at its buffer`, () => {
        const h800 = bound('h800-sxm', rt), h100 = bound('h100-sxm', rt);
        for (const b of [16 * KiB, 24 * KiB, MiB, 8 * MiB]) expect(customAllreduceServes(h800, b, 4), `${b}`).toBe(true);
        expect(customAllreduceSeconds(h800, 24 * KiB, 4)).toBeUndefined(); // its time is still the library's
        expect(customAllreduceServes(h800, 8 * MiB + 1, 4)).toBe(false);
        expect(customAllreduceServes(h800, 24 * KiB, 16)).toBe(false); // beyond max_group: NCCL
        expect(customAllreduceServes(h100, 8 * MiB, 8)).toBe(true);
        expect(customAllreduceServes(h100, 8 * MiB + 1, 8)).toBe(false);
      });
    }
    // seed 250 (test/unmixed-ep.property.test.ts at scale 10): one-token prompts, 16 KiB all-reduces at 2 of them and
    // 24 KiB at 3; the eager prompt step paid c10d's host cost per all-reduce from the third prompt on (28.4 -> 43.2 ms)
    it('an eager prompt step one token past 16 KiB pays no c10d host cost: the unmixed cycle\'s throughput no longer falls with the batch', async () => {
      const flags = { model: 'qwen3-235b-a22b', hardware: 'h800-sxm', runtime: 'sglang', tp: 4, dtype: 'int8', 'input-tokens': 0, 'output-tokens': 74 };
      const cold = async (batch: number) => (await simulateFromFlags({ ...flags, batch, 'output-tokens': 1 })).result.ttft_cold_s!;
      const two = await cold(2), three = await cold(3);
      expect(three).toBeGreaterThanOrEqual(two);
      expect(three / two).toBeLessThan(1.05);
      const thr = async (batch: number) => (await simulateFromFlags({ ...flags, batch })).result.throughput_tok_s!;
      expect(await thr(121)).toBeGreaterThanOrEqual(await thr(114));
    });
    it('a buffer below the table\'s largest size is one line naming the field', async () => {
      const base = `id: ar\nname: ar\nkind: runtime\nrole: serving\ncollectives:\n  custom_allreduce:\n    sizes: [2048, 16384]\n    seconds: [1.0e-5, 2.0e-5]\n    max_group: 8\n    buffer_bytes: BUF\n  source: "test"\nsources: [test]\n`;
      await expectOneIssueEach((n, t) => scratch.write(n, t), base, 'BUF', [['8192', /collectives\.custom_allreduce\.buffer_bytes\s+8192 is below the table's largest size 16384/]] as const);
    });
  });
});
