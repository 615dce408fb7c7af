// vLLM's V0 engine without chunked prefill runs prompts first and alone: Scheduler._schedule_default schedules the
// waiting prompts that fit the step's budget and "Don't schedule decodes if prefills are scheduled"; with chunked prefill
// (_schedule_chunked_prefill, V0 above a 32K context) decodes go first and the chunks ride beside them, as in V1
// (vllm/core/scheduler.py). runtimes/vllm-0.6.yaml scheduler.unchunked_prefill_first.
import { describe, expect, it } from 'vitest';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const bound = (rt: string, part = 'h100-sxm') => bindRuntime(lib.hardware[part]!, libraryRuntime(rt));

describe('vLLM V0: prompts first and alone unless chunked', () => {
  it('V0 mixes only when chunked prefill is on; V1, TensorRT-LLM mix; SGLang never', () => {
    const v0 = bound('vllm-0.6');
    // Llama 2 (4K context): no chunked prefill in V0, so prompt iterations run alone
    expect(serveRuntime(v0, undefined, 4096)).toMatchObject({ chunkedPrefill: false, mixedBatches: false });
    // a 128K context turns chunked prefill on (create_engine_config), and _schedule_chunked_prefill mixes
    expect(serveRuntime(v0, undefined, 131072)).toMatchObject({ chunkedPrefill: true, mixedBatches: true });
    // vLLM 0.7's MLA models run unchunked whatever the context: unmixed (the file extends vllm-0.6)
    expect(serveRuntime(bound('vllm-0.7'), undefined, 163840, true)).toMatchObject({ chunkedPrefill: false, mixedBatches: false });
    expect(serveRuntime(bound('vllm-0.2'), undefined, 4096).mixedBatches).toBe(false);
    // V1 chunks and mixes; TensorRT-LLM does not chunk by default but its in-flight batches mix context and generation
    expect(serveRuntime(bound('vllm'), undefined, 4096).mixedBatches).toBe(true);
    expect(serveRuntime(bound('tensorrt-llm'), undefined, 4096)).toMatchObject({ chunkedPrefill: false, mixedBatches: true });
    // an engine named apart from the bound runtime file keeps its own default (mixed)
    expect(serveRuntime(v0, 'vllm', 4096).mixedBatches).toBe(true);
  });

  it('under load the decodes wait through the prompt iterations: TPOT rises against the same engine mixing', () => {
    const v0 = bound('vllm-0.6');
    const s = v0.runtime!.scheduler;
    const mixing: NormalizedHardware = { ...v0, runtime: { ...v0.runtime!, scheduler: { ...s, unchunkedPrefillFirst: false } } };
    const run = (hardware: NormalizedHardware) =>
      serve({ model: lib.models['llama-2-7b']! as DecoderModel, hardware, runtime: 'vllm-0.6', inputTokens: 1000, outputTokens: 200, requests: 400, rate: 10 }).result;
    const first = run(v0), mixed = run(mixing);
    // a prompt iteration that takes the whole budget holds every running decode for its length
    expect(first.tpot_s.mean).toBeGreaterThan(mixed.tpot_s.mean * 1.02);
    // below capacity a prompt no longer shares its iteration with the decodes: its first token comes no later
    expect(first.ttft_s.mean).toBeLessThanOrEqual(mixed.ttft_s.mean * (1 + 1e-9));
    for (const x of [first, mixed]) {
      expect(Number.isFinite(x.throughput_tok_s)).toBe(true);
      expect(x.throughput_tok_s).toBeGreaterThan(0);
    }
  });
});
