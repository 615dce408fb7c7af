import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { buildLayout } from '../src/sim/parallel.js';
import { kvBytesPerToken, weightBytes } from '../src/sim/memory.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const model = (id: string) => lib.models[id] as DecoderModel;
const run = (flags: Record<string, unknown>) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));

describe('KV cache per token', () => {
  it('Llama-3.1-70B bf16: 2 · 80 layers · 8 KV heads · 128 · 2 bytes = 327,680', () => {
    const m = model('llama-3.1-70b');
    expect(kvBytesPerToken(m, buildLayout(m, 1, 1, 1, 1), resolvePrecision('bf16'))).toBe(327_680);
  });
  it('DeepSeek-V3 MLA bf16: 61 layers · (512 + 64) · 2 bytes = 70,272', () => {
    const m = model('deepseek-v3');
    expect(kvBytesPerToken(m, buildLayout(m, 1, 1, 1, 1), resolvePrecision('bf16'))).toBe(70_272);
  });
  it('fp8 halves it; GQA heads are replicated once tp exceeds kv_heads', () => {
    const m = model('llama-3.1-70b');
    expect(kvBytesPerToken(m, buildLayout(m, 1, 1, 1, 1), resolvePrecision('fp8'))).toBe(163_840);
    // tp 16 > 8 KV heads: each device keeps one KV head
    expect(kvBytesPerToken(m, buildLayout(m, 16, 1, 1, 16), resolvePrecision('bf16'))).toBe(2 * 80 * 1 * 128 * 2);
  });
});

describe('weights', () => {
  it('Mixtral 8x7B fp16 on tp 2 holds ≈ 46.7 GB per device (93.4 GB split evenly)', () => {
    const m = model('mixtral-8x7b');
    const w = weightBytes(m, buildLayout(m, 2, 1, 1, 2), resolvePrecision('fp16')).perDevice;
    expect(w / 1e9).toBeCloseTo(46.7, 0);
    expect(Math.abs(w / 46.7e9 - 1)).toBeLessThan(0.01);
  });
  it('quantization bits include the scales: q4_0 4.5, int4 4.25, fp4 4.5, q8_0 8.5', () => {
    expect(resolvePrecision('q4_0').weightBits).toBe(4.5);
    expect(resolvePrecision('int4').weightBits).toBe(4.25);
    expect(resolvePrecision('fp4').weightBits).toBe(4.5);
    expect(resolvePrecision('q8_0').weightBits).toBe(8.5);
    expect(resolvePrecision('fp8').kvBytes).toBe(1);
    expect(resolvePrecision('int8').kvBytes).toBe(2);
  });
});

describe('does not fit is an answer', () => {
  it('Llama-3.1-70B bf16 on one H100: fits false, a reason, every memory figure, time keys null', () => {
    const r = run({ model: 'llama-3.1-70b', hardware: 'h100-sxm' });
    expect(r.memory.fits).toBe(false);
    expect(r.memory.reason).toMatch(/weights/);
    for (const k of ['per_device_bytes', 'capacity_bytes', 'weights_bytes', 'kv_cache_bytes', 'activations_bytes'] as const) {
      expect(r.memory[k]).toBeGreaterThan(0);
    }
    expect(r.memory.weights_bytes / 1e9).toBeGreaterThan(140);
    for (const k of ['ttft_s', 'tpot_s', 'e2e_s', 'throughput_tok_s', 'prefill_tok_s', 'latency_s'] as const) expect(r[k]).toBeNull();
  });
  it('the same model fits on tp 2 of H100', () => {
    expect(run({ model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 2 }).memory.fits).toBe(true);
  });
});
