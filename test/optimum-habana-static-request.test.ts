// optimum-habana's static-shape generate() (runtimes/optimum-habana.yaml shapes.static_request): without
// --bucket_internal the batch is padded to input + max_new_tokens, the KV cache allocated at that length and every
// decode step attends over all of it (cache_idx unset: modeling_llama.py passes the whole cache to the attention); a
// run's --bucket_size N --bucket_internal (`--set runtime.decode_bucket=N`) attends over the context rounded up to N.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.js';
import { libraryRuntime } from '../src/spec/library.js';

const run = (o: { input: number; output: number; batch: number; set?: string[]; runtime?: string }) =>
  simulate({ model: 'llama-3.1-8b', hardware: 'gaudi2', runtime: o.runtime ?? 'optimum-habana', tp: 1, dtype: 'bf16', inputTokens: o.input, outputTokens: o.output, batch: o.batch, set: o.set });

describe('optimum-habana: decode attends over the whole static-shape request', () => {
  it('the runtime file says so; vLLM on Gaudi (paged) does not', () => {
    expect(libraryRuntime('optimum-habana').staticRequest).toBe(true);
    expect(libraryRuntime('vllm-gaudi').staticRequest).toBeUndefined();
  });

  it('a decode step of 128 x (128 in, 2048 out) reads the KV of 2,176 tokens a sequence, not of the context so far', async () => {
    const whole = await run({ input: 128, output: 2048, batch: 128 });
    const live = await run({ input: 128, output: 2048, batch: 128, set: ['runtime.static_request=false'] });
    // llama 3.1 8B: 32 layers x 8 KV heads x 128 x 2 (K, V) x 2 B = 128 KiB of bf16 KV a token. The whole-length step
    // reads 2,176 tokens a sequence every step; the live one the mean context, (128 + 2,176) / 2 = 1,152 tokens.
    const kvPerToken = 32 * 8 * 128 * 2 * 2;
    const extra = 128 * kvPerToken * (2176 - 1152);
    const bytes = (r: Awaited<ReturnType<typeof run>>) => r.phases.find((p) => p.name === 'decode')!.bytes;
    expect(bytes(whole) - bytes(live)).toBeGreaterThan(0.95 * extra);
    expect(bytes(whole) - bytes(live)).toBeLessThan(1.05 * extra);
    expect(whole.tpot_s!).toBeGreaterThan(live.tpot_s!);
    expect(whole.throughput_tok_s!).toBeLessThan(live.throughput_tok_s!);
    // the prompt pass is not padded (reuse_cache slices the prompt at token_idx): ttft is unchanged
    expect(whole.ttft_s!).toBeCloseTo(live.ttft_s!, 12);
  });

  it('--set runtime.decode_bucket=128 (--bucket_internal) attends over the context rounded up to 128: between the two', async () => {
    const whole = await run({ input: 100, output: 2000, batch: 64 });
    const live = await run({ input: 100, output: 2000, batch: 64, set: ['runtime.static_request=false'] });
    const bucket = await run({ input: 100, output: 2000, batch: 64, set: ['runtime.decode_bucket=128'] });
    expect(bucket.tpot_s!).toBeLessThan(whole.tpot_s!);
    expect(bucket.tpot_s!).toBeGreaterThan(live.tpot_s!);
    // contexts that are whole buckets already (512 in, 256 out) price as the live context
    const a = await run({ input: 512, output: 256, batch: 8, set: ['runtime.decode_bucket=128'] });
    const b = await run({ input: 512, output: 256, batch: 8, set: ['runtime.static_request=false'] });
    expect(a.tpot_s!).toBeCloseTo(b.tpot_s!, 12);
  });

  it('a bad bucket is one line naming the field', async () => {
    const err = await run({ input: 8, output: 8, batch: 1, set: ['runtime.decode_bucket=0'] }).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain('runtime.decode_bucket');
    expect(err.message).not.toContain('\n');
  });
});
