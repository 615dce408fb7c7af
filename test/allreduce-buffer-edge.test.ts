// A runtime's own all-reduce table timed on one part, used on a part with slower links (`link_bandwidth`,
// src/runtime/collectives.ts linkStretch), and the fall in throughput where a step's all-reduce outgrows the kernel's
// 8 MiB buffer (vLLM custom_all_reduce.py should_custom_ar) and goes to the collective library. The A800 is the A100's
// GA100 with 8 of its 12 NVLink 3 links (200 GB/s a GPU each way against 300): the A100-timed table's growth above its
// 2 KiB start-up point is stretched 1.5x there (ASSUMPTION: link time), as the library's price is on the same link.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { collectiveSeconds } from '../src/sim/decoder.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { withoutBufferEdge } from './helpers/buffer-edge.js';

const lib = getLibrary();
const bound = (hw: string, rt: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)!);
const KiB = 1024, MiB = 2 ** 20;
const A100 = [14.0e-6, 14.2e-6, 14.57e-6, 16.09e-6, 19.01e-6, 24.79e-6, 26.52e-6, 29.37e-6, 35.59e-6, 53.03e-6, 87.91e-6];
const SIZES = [2 * KiB, 16 * KiB, 32 * KiB, 64 * KiB, 128 * KiB, 256 * KiB, 512 * KiB, MiB, 2 * MiB, 4 * MiB, 8 * MiB];

describe('custom all-reduce timed over a faster link (link_bandwidth)', () => {
  for (const rt of ['vllm', 'vllm-0.7', 'sglang', 'pytorch-compile']) {
    it(`${rt}: the A800 stretches the A100 table's growth by 300 / 200; the A100 keeps it; a faster link changes nothing`, () => {
      const a800 = bound('a800-sxm4-80gb', rt), a100 = bound('a100-sxm4-80gb', rt);
      SIZES.forEach((b, i) => {
        expect(customAllreduceSeconds(a100, b, 8), `${b}`).toBeCloseTo(A100[i]!, 12);
        expect(customAllreduceSeconds(a800, b, 8), `${b}`).toBeCloseTo(A100[0]! + (A100[i]! - A100[0]!) * 1.5, 12);
      });
      // above the buffer the library, never below the stretched edge
      expect(collectiveSeconds(a800, 'allreduce', 8 * MiB + 1, 8)).toBeGreaterThanOrEqual(A100[0]! + (A100[10]! - A100[0]!) * 1.5);
      const faster = applySetPlain(a100, 'interconnect.scale_up.bandwidth=600 GB/s');
      expect(customAllreduceSeconds(faster, 4 * MiB, 8)).toBeCloseTo(A100[9]!, 12);
      // the H100 table carries no link_bandwidth: the H800 keeps its own start-up points (test/h800-custom-allreduce)
      expect(customAllreduceSeconds(bound('h100-sxm', rt), 128 * KiB, 8)).toBeCloseTo(11.8e-6, 12);
    });
  }

  it('the jump at the 8 MiB buffer is about as deep on the A800 as on the A100 (both sides priced on the same link)', () => {
    const jump = (hw: NormalizedHardware) => collectiveSeconds(hw, 'allreduce', 8 * MiB + 4096, 8) / collectiveSeconds(hw, 'allreduce', 8 * MiB, 8);
    const a800 = jump(bound('a800-sxm4-80gb', 'vllm-0.7')), a100 = jump(bound('a100-sxm4-80gb', 'vllm-0.7'));
    expect(a100).toBeGreaterThan(1); // a real switch of algorithm
    // unstretched, the A800's kernel kept the A100's 87.9 us against its library's 245 us: 2.8x against the A100's 1.9x
    expect(a800 / a100).toBeGreaterThan(0.9);
    expect(a800 / a100).toBeLessThan(1.1);
  });
});

describe('throughput at the buffer edge (property seed 312 at scale 10)', () => {
  const flags = { model: 'llama-3.1-405b-meta-fp8', dtype: 'q4_0', tp: 8, 'input-tokens': 12, 'output-tokens': 473 };
  const tput = (hw: NormalizedHardware, batch: number) => simulate(buildRequest({ ...flags, batch }, lib.models[flags.model]!, hw, (id) => lib.models[id]!)).throughput_tok_s!;
  for (const part of ['a800-sxm4-80gb', 'a100-sxm4-80gb']) {
    it(`${part}, vllm-0.7: batch 244 -> 247 falls only by the buffer edge, and by less than the all-reduce's repricing`, () => {
      const hw = bound(part, 'vllm-0.7'), free = withoutBufferEdge(hw);
      const a = tput(hw, 244), b = tput(hw, 247);
      expect(b).toBeLessThan(a); // the step's all-reduce (about 258 tokens x 32 KiB) outgrows the 8 MiB buffer
      expect(tput(free, 247)).toBeGreaterThanOrEqual(tput(free, 244)); // continued past its buffer: no fall
      expect(tput(free, 244)).toBe(a); // batch 244's steps stay inside the buffer
      // the fall is no deeper than every all-reduce of the larger run repriced from the continued kernel to the library
      const s = 258 * 16384 * 2;
      const perCall = collectiveSeconds(hw, 'allreduce', s, 8) - collectiveSeconds(free, 'allreduce', s, 8);
      const stepS = (247 / b); // seconds per output token of one request: one decode step's time, and more
      expect(1 - b / a).toBeLessThan((2 * 126 * perCall) / stepS);
    });
  }
});

describe('e2e at the buffer edge in the unmixed steady state (property seed 342 at scale 10)', () => {
  // gpt-1 on 2x MI325X under sglang-0.3 (SGLang's ROCm custom all-reduce to its 16 MiB buffer), batch 214, 475 in: the
  // cycle's prompt steps carry 214 / (O − 1) prompts, so 10 -> 11 out takes them from 23.8 prompts a step (16.78 MB of
  // hidden states per all-reduce, past 16 MiB: RCCL) to 21.4 (16.05 MB, the kernel's), and e2e falls by what that saves
  const hw = bindRuntime(lib.hardware['mi325x']!, libraryRuntime('sglang-0.3')!), free = withoutBufferEdge(hw);
  const e2e = (h: NormalizedHardware, out: number) => {
    const flags = { model: 'gpt-1', tp: 2, batch: 214, 'input-tokens': 475, 'output-tokens': out, dtype: 'bf16' };
    return simulate(buildRequest(flags, lib.models['gpt-1']!, h, (id) => lib.models[id]!)).e2e_s!;
  };
  it('falls from 10 to 11 output tokens only with the edge; continued past its buffer it rises', () => {
    expect(e2e(hw, 11)).toBeLessThan(e2e(hw, 10));
    expect(e2e(free, 10)).toBeLessThan(e2e(free, 11));
    expect(e2e(free, 11)).toBeLessThan(e2e(free, 12));
    expect(e2e(free, 11)).toBe(e2e(hw, 11)); // 11 and 12 stay inside the buffer
    // by no more than the per-prompt repricing of the all-reduces: 2 a layer, 12 layers, 10 -> 9 prompt steps
    const step = 23.8 * 475 * 768 * 2;
    expect(e2e(hw, 10) - e2e(free, 10)).toBeLessThan(9 * 2 * 12 * (collectiveSeconds(hw, 'allreduce', step, 2) - collectiveSeconds(free, 'allreduce', step, 2)) * 1.01);
  });
});
