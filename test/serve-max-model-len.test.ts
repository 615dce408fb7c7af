// serve --max-model-len: the engine's max_model_len (vLLM --max-model-len) sets the scheduler defaults that depend on
// it. vLLM V0 (runtimes/vllm-0.6.yaml scheduler: chunked prefill on only above 32K tokens, else a step budget of
// max(max_model_len, 2048) and prompt-only steps) serves Llama 3.1 (131,072 tokens) with chunked prefill and mixed
// steps by default, and without them at --max-model-len 2000 (the LambdaLabsML/vllm-benchmark runs, N5555-N5582).
import { describe, expect, it } from 'vitest';
import { serve } from '../src/serve/serve.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';

describe('serve --max-model-len', () => {
  const lib = getLibrary();
  const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm-0.5'));
  it("V0's scheduler mode follows the engine's max_model_len, not the model's context", () => {
    const long = serveRuntime(hw, undefined, 131072), short = serveRuntime(hw, undefined, 2000);
    expect([long.chunkedPrefill, long.maxNumBatchedTokens, long.mixedBatches]).toEqual([true, 512, true]);
    expect([short.chunkedPrefill, short.maxNumBatchedTokens, short.mixedBatches]).toEqual([false, 2048, false]);
  });
  it('serve passes it to the scheduler (a run at 2000 differs from the default) and refuses more than the model holds', async () => {
    const run = async (maxModelLen?: number) =>
      (await serve({ model: lib.models['llama-3.1-8b']!, hardware: hw, concurrency: 64, requests: 128, inputTokens: 512, outputTokens: 64, maxModelLen })).result;
    const [def, at2000, atContext] = [await run(), await run(2000), await run(131072)];
    expect(atContext).toEqual(def);
    expect(at2000.ttft_s.mean).not.toBe(def.ttft_s.mean);
    expect(() => serve({ model: lib.models['llama-3.1-8b']!, hardware: hw, concurrency: 2, requests: 2, maxModelLen: 200000 })).toThrow(/--max-model-len/);
  });
});
