// plan names the runtime its serve() runs actually used: each part's default (tensorrt-llm on NVIDIA datacenter,
// vllm on AMD) unless --runtime is given — not vllm for everything.
import { describe, expect, it } from 'vitest';
import { plan, serve } from '../src/index.js';

const flags = { model: 'llama-3.1-8b', rate: 5, sloTpot: '30ms', maxDevices: 2, requests: 200 };

describe('plan runtime', () => {
  it('reports the per-hardware defaults that serve binds', async () => {
    const r = await plan({ ...flags, hardware: 'h100-sxm,mi300x' });
    const h100 = await serve({ model: 'llama-3.1-8b', hardware: 'h100-sxm', rate: 5, requests: 50 });
    const mi = await serve({ model: 'llama-3.1-8b', hardware: 'mi300x', rate: 5, requests: 50 });
    expect(r.runtime).toBe(`${h100.runtime}, ${mi.runtime}`);
    expect(r.runtime).toBe('tensorrt-llm, vllm');
  });
  it('--runtime names one runtime for all parts', async () => {
    expect((await plan({ ...flags, hardware: 'h100-sxm,mi300x', runtime: 'sglang' })).runtime).toBe('sglang');
  });
});
