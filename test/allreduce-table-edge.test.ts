// A runtime's measured all-reduce table ends at its largest message; above it the collective library takes the call,
// never below the table's last time (src/runtime/collectives.ts customAllreduceFloor). Without that bound the
// hardware's alpha-beta NCCL price sat below the measured time at the edge for 2- and 4-GPU Blackwell groups, so a
// prompt one token past the edge ran faster than one at it.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { simulateFromFlags } from '../src/sim/from-flags.js';

const lib = getLibrary();

describe('all-reduce time across the edge of a runtime table', () => {
  it('never falls as the message grows past the last measured size, for every runtime table, part and group', () => {
    let checked = 0;
    for (const rtId of Object.keys(lib.runtimes)) {
      const rt = libraryRuntime(rtId);
      for (const hwId of Object.keys(lib.hardware)) {
        const hw = bindRuntime(lib.hardware[hwId]!, rt);
        const t = hw.runtime?.collectives?.customAllreduce;
        if (!t || !hw.scaleUp) continue;
        const last = t.sizes[t.sizes.length - 1]!;
        for (const group of [2, 4, 8]) {
          if (group > t.maxGroup || (hw.scaleUp.domain !== undefined && group > hw.scaleUp.domain)) continue;
          let prev = 0;
          for (const f of [0.5, 0.99, 1, 1.0001, 1.01, 1.5, 2, 4]) {
            const s = collectiveSeconds(hw, 'allreduce', last * f, group);
            expect(s, `${rtId} on ${hwId} x${group} at ${f} x ${last} B`).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
            prev = s;
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('Llama 3.3 70B fp8 on 2x B200 under TensorRT-LLM: TTFT at 4097 prompt tokens is not below 4096 (64 MiB edge)', async () => {
    const ttft = async (n: number) => (await simulateFromFlags({ model: 'llama-3.3-70b', hardware: 'b200', runtime: 'tensorrt-llm', tp: 2, dtype: 'fp8', 'input-tokens': n, 'output-tokens': 16, batch: 1 })).result.ttft_s!;
    expect(await ttft(4097)).toBeGreaterThanOrEqual(await ttft(4096));
  });
});
