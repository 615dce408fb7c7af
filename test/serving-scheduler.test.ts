// Serving-engine scheduler facts that bound full-load throughput: how many requests the engine keeps in flight
// (`simulate --batch max` searches within it), per runtime and device, from the runtimes' own defaults.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
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
  it('vLLM V0 (vllm-0.6): 256; SGLang: 1024; TensorRT-LLM: trtllm-bench\'s 4096; runtimes without a scheduler: 4096', () => {
    expect(runtimeBatchCap(under('mi300x', 'vllm-0.6'))).toBe(256);
    expect(runtimeBatchCap(under('h100-sxm', 'sglang'))).toBe(1024);
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
    expect(() => applySetPlain(under('mi300x', 'vllm'), 'memory.bandwidth=5 TB/s')).toThrow(/plain-number/);
    expect(() => applySetPlain(under('mi300x', 'vllm'), 'runtime.max_num_seqs=0')).toThrow(/whole number/);
  });
});
