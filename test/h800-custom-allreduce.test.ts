// A measured custom all-reduce table applies to the part it was measured on, or to a part with the same link where its
// times are link-bound: the vLLM / SGLang / gpt-fast tables are 8x H100's (NVLink 4, 450 GB/s a GPU each way); the H800
// (same die and NVSwitch, NVLink cut to 200 GB/s) keeps only their start-up-bound 2 KiB and 16 KiB points, and the
// collective library prices the rest (runtimes/vllm.yaml by_hardware h800-sxm).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { commSeconds } from '../src/sim/parallel.js';
import { simulateFromFlags } from '../src/sim/from-flags.js';

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
});
