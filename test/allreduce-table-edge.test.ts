// A runtime's measured all-reduce table ends at its largest message; above it the collective library takes the call,
// never below the table's last time (src/runtime/collectives.ts customAllreduceFloor). Without that bound the
// hardware's alpha-beta NCCL price sat below the measured time at the edge for 2- and 4-GPU Blackwell groups, so a
// prompt one token past the edge ran faster than one at it.
//
// Where the table's top points were measured on the library's own path (`above: linear`: TensorRT-LLM's AUTO strategy
// runs NCCL there, and aiconfigurator's sweep of it reaches 1 GiB), the line through its last two points continues
// instead: the hardware's engine NCCL price sat 1.45x above the 64 MiB edge on 8x H200 (property seed 101).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { commSeconds } from '../src/sim/parallel.js';
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

describe('a table measured on the library path up to its end (above: linear)', () => {
  const h200 = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('tensorrt-llm'));
  const MiB = 2 ** 20;

  it('TensorRT-LLM on 8x H200: measured to 1 GiB, then the line through the 512 MiB and 1 GiB points', () => {
    // the 8-GPU group's own NVLS times (nvls: true), under the 4-GPU group's 616.6 / 4553.1 µs
    expect(customAllreduceSeconds(h200, 128 * MiB, 8)).toBeCloseTo(562.6e-6, 12);
    expect(customAllreduceSeconds(h200, 1024 * MiB, 8)).toBeCloseTo(4003.1e-6, 12);
    expect(customAllreduceSeconds(h200, 1024 * MiB, 4)).toBeCloseTo(4553.1e-6, 12);
    // 2 GiB: 4003.1 + (4003.1 - 2046.9) x 2 µs, below the engine NCCL price the hardware gives it
    expect(customAllreduceSeconds(h200, 2048 * MiB, 8)).toBeCloseTo(7915.5e-6, 10);
    expect(commSeconds(h200, 'allreduce', 2048 * MiB, 8)).toBeGreaterThan(7915.5e-6 * 1.05);
  });

  it('continuous across the last size: no step on either side of 1 GiB', () => {
    const at = (b: number) => collectiveSeconds(h200, 'allreduce', b, 8);
    const edge = at(1024 * MiB);
    expect(at(1024 * MiB + 1)).toBeGreaterThanOrEqual(edge);
    expect(at(1024 * MiB * 1.01) / edge).toBeLessThan(1.02);
  });

  it('a table without the flag (vLLM, its own kernel to 8 MiB) still hands bigger messages to the library', () => {
    const vllm = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('vllm'));
    const t = vllm.runtime!.collectives!.customAllreduce;
    if (!t) throw new Error('vllm on h200-sxm has a custom all-reduce table');
    expect(t.above).toBeUndefined();
    expect(customAllreduceSeconds(vllm, t.sizes[t.sizes.length - 1]! * 2, 8)).toBeUndefined();
  });

  it('qwen2.5-14b fp8 on 8x H200 under tensorrt-llm-0.6, 4087-token prompts: throughput does not fall from batch 226 to 415', async () => {
    const tput = async (batch: number) => (await simulateFromFlags({ model: 'qwen2.5-14b', hardware: 'h200-sxm', runtime: 'tensorrt-llm-0.6', tp: 8, dtype: 'fp8', 'input-tokens': 4087, 'output-tokens': 170, batch })).result.throughput_tok_s!;
    expect(await tput(415)).toBeGreaterThanOrEqual(await tput(226));
  });
});
