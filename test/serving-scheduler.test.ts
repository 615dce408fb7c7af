// Serving-engine scheduler facts that bound full-load throughput: how many requests the engine keeps in flight
// (`simulate --batch max` searches within it), per runtime and device, from the runtimes' own defaults.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { runtimeBatchCap, RUNTIME_MAX_BATCH } from '../src/sim/decoder.js';
import { applySet, applySetPlain } from '../src/hardware/set-path.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const under = (hw: string, rt: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const sim = (flags: Record<string, unknown>, hw: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!));

describe('requests in flight under --batch max are the runtime\'s', () => {
  it('vLLM V1: 1024 on ≥ 70 GiB parts other than A100, 256 on A100 and small parts (arg_utils.py get_batch_defaults)', () => {
    expect(runtimeBatchCap(under('mi300x', 'vllm'))).toBe(1024);
    expect(runtimeBatchCap(under('h100-sxm', 'vllm'))).toBe(1024);
    expect(runtimeBatchCap(under('a100-sxm4-80gb', 'vllm'))).toBe(256);
    expect(runtimeBatchCap(under('rtx-4090', 'vllm'))).toBe(256);
    expect(serveRuntime(lib.hardware['a100-sxm4-80gb']!, 'vllm').maxNumBatchedTokens).toBe(2048);
  });
  it('vLLM V0 (vllm-0.6): 256; SGLang: at most 4096 (its pool rule below: test/sglang-pool-seqs.test.ts); TensorRT-LLM: trtllm-bench\'s 4096; runtimes without a scheduler: 4096', () => {
    expect(runtimeBatchCap(under('mi300x', 'vllm-0.6'))).toBe(256);
    expect(runtimeBatchCap(under('h100-sxm', 'sglang'))).toBe(4096);
    expect(runtimeBatchCap(under('h100-sxm', 'tensorrt-llm'))).toBe(RUNTIME_MAX_BATCH);
    expect(runtimeBatchCap(under('gaudi3', 'optimum-habana'))).toBe(RUNTIME_MAX_BATCH);
  });
  it('simulate --batch max never exceeds the cap, and a short-sequence workload that fits thousands is held to it', () => {
    const flags = { model: 'llama-3.1-8b', hardware: 'mi300x', dtype: 'fp8', batch: 'max', 'input-tokens': 128, 'output-tokens': 128 };
    const v0 = sim(flags, under('mi300x', 'vllm-0.6'));
    const v1 = sim(flags, under('mi300x', 'vllm'));
    const trt = sim(flags, under('mi300x', 'tensorrt-llm'));
    expect(v0.batch).toBe(256);
    expect(v1.batch).toBeLessThanOrEqual(1024);
    expect(trt.batch).toBeGreaterThan(1024);
    // fewer requests in flight on a compute-bound step: less throughput, never more
    expect(v0.throughput_tok_s!).toBeLessThan(v1.throughput_tok_s!);
    expect(v0.throughput_tok_s!).toBeLessThanOrEqual((v0.batch as number) / v0.tpot_s! * (1 + 1e-9));
  });
  it('--set runtime.max_num_seqs pins it (a benchmark that raises --max-num-seqs), before or after binding, and in accuracy rows', async () => {
    const bound = await applySet(under('mi300x', 'vllm'), 'runtime.max_num_seqs=3000');
    expect(runtimeBatchCap(bound)).toBe(3000);
    const early = bindRuntime(await applySet(lib.hardware['mi300x']!, 'runtime.max_num_seqs=3000'), libraryRuntime('vllm'));
    expect(runtimeBatchCap(early)).toBe(3000);
    expect(runtimeBatchCap(applySetPlain(under('mi300x', 'vllm'), 'runtime.max_num_seqs=3000'))).toBe(3000);
    expect(() => applySetPlain(under('mi300x', 'vllm'), 'power.tdp=350W')).toThrow(/only plain fields/);
    expect(() => applySetPlain(under('mi300x', 'vllm'), 'runtime.max_num_seqs=0')).toThrow(/whole number/);
  });
});

import { useScratchDir } from './helpers/scratch.js';
import { expectOneIssueEach } from './helpers/spec-issues.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { commSeconds, meshShare } from '../src/sim/parallel.js';
import { collectiveShape } from '../src/hardware/efficiency.js';

describe('the runtime\'s own all-reduce for decode-size messages (vLLM custom all-reduce)', () => {
  const scratch = useScratchDir('hwperf-ar-');
  it('vLLM prices small TP all-reduces from its measured kernel table; TensorRT-LLM from its own (test/trtllm-custom-allreduce.test.ts)', () => {
    expect(customAllreduceSeconds(under('h100-sxm', 'vllm'), 16384, 8)).toBeCloseTo(10.1e-6, 12);
    expect(customAllreduceSeconds(under('mi300x', 'vllm'), 24576, 8)).toBeCloseTo(6.3e-6, 12);
    // interpolated between measured sizes, never beyond them, never past 8 ranks or outside the scale-up domain
    const mid = customAllreduceSeconds(under('mi300x', 'vllm'), (196608 + 393216) / 2, 8)!;
    expect(mid).toBeCloseTo((10.0e-6 + 13.1e-6) / 2, 12);
    expect(customAllreduceSeconds(under('mi300x', 'vllm'), 64e6, 8)).toBeUndefined();
    expect(customAllreduceSeconds(under('h100-sxm', 'vllm'), 16384, 16)).toBeUndefined();
    expect(customAllreduceSeconds(under('h100-sxm', 'tensorrt-llm'), 16384, 8)).toBeCloseTo(3.6e-6, 12);
    // vllm-0.6 (AMD's images had the ROCm custom all-reduce since ROCm/vllm PR #27) inherits it
    expect(customAllreduceSeconds(under('mi300x', 'vllm-0.6'), 24576, 8)).toBeCloseTo(6.3e-6, 12);
  });
  it('an A100 takes its own measured table (sglang PR #2688), not the H100\'s, under vLLM and SGLang', () => {
    for (const rt of ['vllm', 'sglang']) {
      expect(customAllreduceSeconds(under('a100-sxm4-80gb', rt), 2048, 8)).toBeCloseTo(14.0e-6, 12);
      expect(customAllreduceSeconds(under('h100-sxm', rt), 2048, 8)).toBeCloseTo(10.1e-6, 12);
      // above 16 KiB: the host-timed 16 KiB call plus aiconfigurator's graph-timed growth (8 ranks: 21.71 - 6.54 us to 1 MiB)
      expect(customAllreduceSeconds(under('a100-sxm4-80gb', rt), 1048576, 8)).toBeCloseTo(29.37e-6, 12);
      // 4 -> 8 MiB (vLLM's buffer; the sweep's 8 MiB point is already the library's): the 2 -> 4 MiB line continued
      expect(customAllreduceSeconds(under('a100-sxm4-80gb', rt), 6291456, 8)).toBeCloseTo((53.03e-6 + 87.91e-6) / 2, 12);
      expect(customAllreduceSeconds(under('a100-sxm4-80gb', rt), 8388608 * 1.01, 8)).toBeUndefined();
    }
  });
  it('seed 197: a step whose all-reduce passes 16 KiB on an A100 keeps vLLM\'s kernel, not NCCL (throughput rises 4 -> 5)', () => {
    // llama-2-7b fp8 on 8x A100 80GB, vllm-0.7, tp 4 pp 2, 58 in / 358 out: 911 -> 838 tok/s when the 20 KB message of a
    // 2.5-sequence microbatch left the table (14 -> 38 us per call)
    const hw = under('a100-sxm4-80gb', 'vllm-0.7');
    const tput = (batch: number) => simulate(buildRequest({ model: 'llama-2-7b', tp: 4, pp: 2, batch, 'input-tokens': 58, 'output-tokens': 358, dtype: 'fp8' }, libraryModel('llama-2-7b'), hw, libraryModel)).throughput_tok_s!;
    expect(tput(5)).toBeGreaterThanOrEqual(tput(4));
    expect(customAllreduceSeconds(hw, 20480, 4)).toBeLessThan(15e-6);
  });
  it('seed 192: on an H100 vLLM\'s kernel serves 4-8 MiB (its buffer), along the measured two-shot line, not NCCL', () => {
    // 4 -> 8 MiB: the host-timed 2 -> 4 MiB line (30.4 -> 45.0 us, sglang PR #2904) continued to 74.2 us at 8 MiB; the
    // graph-timed sweeps grow linearly there (aiconfigurator TP 4: 5.9 us per MiB on 1 -> 2 and 2 -> 4 MiB)
    for (const rt of ['vllm', 'sglang']) {
      const h = under('h100-sxm', rt);
      expect(customAllreduceSeconds(h, 4194304, 8)).toBeCloseTo(45.0e-6, 12);
      expect(customAllreduceSeconds(h, 6291456, 8)).toBeCloseTo((45.0e-6 + 74.2e-6) / 2, 12);
      expect(customAllreduceSeconds(h, 8388608, 4)).toBeCloseTo(74.2e-6, 12);
      // past the buffer, the library (never below the table's last time)
      expect(customAllreduceSeconds(h, 8388608 * 1.01, 8)).toBeUndefined();
    }
    // gpt3-125m fp16 on 4x H100 (h100-sxm-hbm2e-500w), vllm-0.6-upstream, 950 in / 87 out: 26,960 -> 24,169 tok/s from
    // batch 229 to 230 when the mixed step's 4.2 MB all-reduce left the 4 MiB table for NCCL plus c10d's eager host cost
    const hw = under('h100-sxm-hbm2e-500w', 'vllm-0.6-upstream');
    const tput = (batch: number) => simulate(buildRequest({ model: 'gpt3-125m', tp: 4, batch, 'input-tokens': 950, 'output-tokens': 87, dtype: 'fp16' }, libraryModel('gpt3-125m'), hw, libraryModel)).throughput_tok_s!;
    expect(tput(230)).toBeGreaterThanOrEqual(tput(229));
    expect(customAllreduceSeconds(hw, 2739 * 768 * 2, 4)).toBeLessThan(50e-6);
    // the same cliff at the A100 table's 4 MiB end (an A800 takes the A100's table): gpt3-1.3b q4_0, 4x A800,
    // sglang-0.4.5, 678 in / 266 out: 11,156 -> 10,411 tok/s from batch 254 to 359 before the 4-8 MiB points
    const a800 = under('a800-sxm4-80gb', 'sglang-0.4.5');
    const t800 = (batch: number) => simulate(buildRequest({ model: 'gpt3-1.3b', tp: 4, batch, 'input-tokens': 678, 'output-tokens': 266, dtype: 'q4_0' }, libraryModel('gpt3-1.3b'), a800, libraryModel)).throughput_tok_s!;
    expect(t800(359)).toBeGreaterThanOrEqual(t800(254));
  });
  it('the A100 custom all-reduce table restated by vllm, sglang and pytorch-compile is one table (sglang PR #2688)', () => {
    // three runtime files carry the same measured vLLM kernel (no cross-file anchor in YAML): keep them equal
    for (const bytes of [1024, 2048, 8192, 16384, 32768, 1048576, 4194304, 6291456, 8388608]) {
      const want = customAllreduceSeconds(under('a100-sxm4-80gb', 'vllm'), bytes, 8);
      for (const rt of ['sglang', 'pytorch-compile']) expect(customAllreduceSeconds(under('a100-sxm4-80gb', rt), bytes, 8)).toBe(want);
    }
  });
  it('non-decreasing in message size over each vendor table', () => {
    for (const hw of ['h100-sxm', 'mi300x']) {
      const h = under(hw, 'vllm');
      let prev = 0;
      for (let b = 1024; b <= 8.4e6; b *= 1.3) {
        const t = customAllreduceSeconds(h, b, 8);
        if (t === undefined) break;
        expect(t).toBeGreaterThanOrEqual(prev);
        prev = t;
      }
    }
  });
  it('single-stream decode at TP 8 is faster under vLLM than with the collective library\'s small-message latency', () => {
    const flags = { model: 'llama-3.1-70b', hardware: 'mi300x', dtype: 'fp8', tp: 8, batch: 1, 'input-tokens': 128, 'output-tokens': 128 };
    const v = under('mi300x', 'vllm');
    const noCustom = { ...v, runtime: { ...v.runtime!, collectives: undefined } };
    const a = sim(flags, v).tpot_s!, b = sim(flags, noCustom).tpot_s!;
    // 160 all-reduces of 16 KiB per token: each ~6.5 µs instead of RCCL's tens
    expect(b - a).toBeGreaterThan(160 * 20e-6);
  });
  it('a table whose sizes and times differ in length, or whose sizes do not increase, is one line naming the field', async () => {
    const base = `id: ar\nname: ar\nkind: runtime\nrole: serving\ncollectives:\n  custom_allreduce:\n    sizes: SIZES\n    seconds: [1.0e-5, 2.0e-5]\n    max_group: 8\n  source: "test"\nsources: [test]\n`;
    await expectOneIssueEach((n, t) => scratch.write(n, t), base, 'SIZES', [['[1024, 2048, 4096]', /collectives\.custom_allreduce\s+sizes \(3\) and seconds \(2\) differ/], ['[4096, 1024]', /collectives\.custom_allreduce\.sizes\s+must increase/]] as const);
  });
});

describe('a switchless full mesh gives a smaller group only the links to its peers', () => {
  it('8x MI300X (xGMI, one link per peer), Gaudi (3 RoCE ports per peer) and an Atlas A2 server of 910Bs (direct HCCS): (g − 1)/(domain − 1); NVSwitch keeps it whole', () => {
    const up = (id: string) => lib.hardware[id]!.scaleUp!;
    expect(meshShare(up('mi300x'), 2)).toBeCloseTo(1 / 7, 12);
    expect(meshShare(up('mi300x'), 8)).toBe(1);
    expect(meshShare(up('gaudi2'), 4)).toBeCloseTo(3 / 7, 12);
    expect(meshShare(up('h100-sxm'), 2)).toBe(1);
    // an Atlas A2 server's 910Bs are a direct-HCCS mesh; the 910C supernode is switched (hccs-ub)
    expect(meshShare(up('ascend-910b'), 2)).toBeCloseTo(1 / 7, 12);
    expect(meshShare(up('ascend-910b'), 8)).toBe(1);
    expect(meshShare(up('ascend-910c'), 2)).toBe(1);
    const npu = lib.hardware['ascend-910b']!;
    const big = 8 * 2 ** 30; // where the size sweep reaches its large-message fraction
    expect(commSeconds(npu, 'allreduce', big, 2) / commSeconds(npu, 'allreduce', big, 4)).toBeCloseTo(2, 9);
    // ring traffic 2(g−1)/g over (g−1)/7 of the links: a TP 2 all-reduce of a large message takes twice a TP 4 one
    const hw = lib.hardware['mi300x']!;
    expect(commSeconds(hw, 'allreduce', big, 2) / commSeconds(hw, 'allreduce', big, 4)).toBeCloseTo(2, 9);
    // the share slows the bytes, not the start-up: a small TP-2 all-reduce is no slower than an 8-way one (aiter PR #5272:
    // 13-14 µs at TP 2 on MI308 for 2-32 KiB); before, the 1/7 share also stretched the latency (226 µs at 16 KiB on 910B)
    for (const h of [npu, hw]) expect(commSeconds(h, 'allreduce', 16384, 2)).toBeLessThan(commSeconds(h, 'allreduce', 16384, 8));
    const whole = 16384 / npu.scaleUp!.bandwidthBytePerS / (npu.efficiency.collective * collectiveShape(16384));
    const extra = (16384 / (npu.scaleUp!.bandwidthBytePerS * npu.efficiency.collective)) * 6;
    expect(commSeconds(npu, 'allreduce', 16384, 2)).toBeCloseTo(whole + extra, 12);
    const nv = lib.hardware['h100-sxm']!;
    expect(commSeconds(nv, 'allreduce', 1e9, 2)).toBeLessThan(commSeconds(nv, 'allreduce', 1e9, 4));
  });
});
