// The second-round library: every new model simulates on every new part (and on the reference H100) with finite,
// non-negative answers — or null time keys with a reason when it does not fit, never NaN.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { HARDWARE_IDS_2, MODEL_IDS_2 } from './helpers/ids.js';

const lib = getLibrary();

describe('second-round corpus', () => {
  const parts = [...HARDWARE_IDS_2, 'h100-sxm'];
  it.each(MODEL_IDS_2)('%s simulates on every second-round part', (id) => {
    for (const hw of parts) {
      const flags: Record<string, unknown> = { model: id, hardware: hw, dtype: 'fp8', batch: 1 };
      if (lib.models[id]!.family === 'decoder') Object.assign(flags, { 'input-tokens': 256, 'output-tokens': 64 });
      const r = simulate(buildRequest(flags, lib.models[id]!, lib.hardware[hw]!, (x) => lib.models[x]!));
      const json = JSON.stringify(r);
      expect(json, `${id} on ${hw}`).not.toMatch(/NaN|Infinity/);
      if (r.memory.fits) {
        expect(r.latency_s, `${id} on ${hw}`).toBeGreaterThan(0);
        expect(Number.isFinite(r.latency_s!), `${id} on ${hw}`).toBe(true);
      } else {
        expect(r.latency_s, `${id} on ${hw}`).toBeNull();
        expect(r.memory.reason, `${id} on ${hw}`).toMatch(/needs/);
      }
    }
  });

  it('second-round parts carry a cited TDP except TPU v7 (Google publishes none); datacenter parts a purchase price except TPU v7', () => {
    for (const id of HARDWARE_IDS_2) {
      const h = lib.hardware[id]!;
      if (id === 'tpu-v7') continue;
      expect(h.power?.tdpW, id).toBeGreaterThan(0);
      if (h.class === 'datacenter') expect(h.price?.purchaseUsd, id).toBeGreaterThan(0);
    }
  });

  it('extends where a sibling shares the silicon: GB300 keeps GB200 efficiencies with its own peaks; H200 NVL rings over a bridge', () => {
    const gb300 = lib.hardware['gb300']!, gb200 = lib.hardware['gb200']!;
    expect(gb300.efficiency.memory).toBe(gb200.efficiency.memory);
    expect(gb300.matrixFlopPerS.fp4).toBe(15e15);
    expect(gb300.memory.capacityBytes).toBe(279e9);
    const nvl = lib.hardware['h200-nvl']!;
    expect(nvl.scaleUp?.domain).toBe(4);
    expect(nvl.efficiency.collectiveAlgorithm).toBe('ring');
    expect(nvl.efficiency.collectiveBySize).toBeUndefined();
    expect(nvl.matrixFlopPerS.bf16).toBeLessThan(lib.hardware['h200-sxm']!.matrixFlopPerS.bf16!);
  });
});
