// plan's options name the runtime their serve() runs used: each part's default (tensorrt-llm on NVIDIA datacenter,
// vllm on AMD) unless --runtime is given.
import { describe, expect, it } from 'vitest';
import { plan } from '../src/index.js';
import { planHardware } from '../src/serve/plan.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary } from '../src/spec/library.js';

const flags = { model: 'llama-3.1-8b', rate: 5, sloTpot: '30ms', maxDevices: 2, requests: 200 };

describe('plan runtime', () => {
  it('each option carries its hardware default runtime', async () => {
    const r = await plan({ ...flags, hardware: 'h100-sxm,mi300x' });
    const byHw = new Map(r.options.map((o) => [o.hardware, o.runtime]));
    expect(Object.fromEntries(byHw)).toEqual({ 'h100-sxm': 'tensorrt-llm', mi300x: 'vllm' });
    expect(r.runtime).not.toBe('vllm');
  });
  it('--runtime names one runtime for all parts', async () => {
    const r = await plan({ ...flags, hardware: 'h100-sxm,mi300x', runtime: 'sglang' });
    expect(r.runtime).toBe('sglang');
    expect(new Set(r.options.map((o) => o.runtime))).toEqual(new Set(['sglang']));
  });
  it('the KV pre-filter uses the scheduler limits of the runtime each part runs (TensorRT-LLM on H100, vLLM on MI300X)', () => {
    const lib = getLibrary();
    const m = lib.models['llama-3.1-8b']!;
    const trt = serveRuntime(planHardware(lib.hardware['h100-sxm']!, m), undefined);
    expect(trt).toMatchObject({ id: 'tensorrt-llm', maxNumSeqs: 2048, maxNumBatchedTokens: 8192, chunkedPrefill: false });
    expect(serveRuntime(planHardware(lib.hardware['mi300x']!, m), undefined).id).toBe('vllm');
    expect(serveRuntime(planHardware(lib.hardware['h100-sxm']!, m, 'sglang'), 'sglang').id).toBe('sglang');
  });
});
