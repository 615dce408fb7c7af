// Energy per token and cost per million tokens from a result's work (hand-made results: no engine needed),
// then on the library: Llama-3.1-70B fp8 on two H100s.
import { describe, expect, it } from 'vitest';
import { COMPUTE_SHARE_OF_TDP, STATIC_SHARE_OF_TDP, assumedMemoryJPerBit, computeJPerFlop, energyAndCost } from '../src/sim/energy-cost.js';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { SimulateRequest } from '../src/sim/types.js';
import { fakeHardware, fakeResult } from './helpers/report-fixtures.js';

const reqFor = (hw: any, price?: number) => ({ hardware: hw, priceUsdPerHour: price }) as unknown as SimulateRequest;
const work = { flops: 1e13, bytes: 2e12, seconds: 2, items: 128, devices: 2 };

describe('energyAndCost', () => {
  it('pJ/bit: DRAM bits × pJ/bit + FLOPs × (TDP share / peak) + static share of TDP', () => {
    const hw = fakeHardware({ memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, energyJPerBit: 7e-12 } });
    const r = energyAndCost(fakeResult('decoder', { work }), hw, reqFor(hw));
    const expected = 2e12 * 8 * 7e-12 + 1e13 * ((COMPUTE_SHARE_OF_TDP * 700) / 1e15) + 2 * STATIC_SHARE_OF_TDP * 700 * 2;
    expect(r.energy_source).toBe('pj-per-bit');
    expect(r.energy_j_per_token).toBeCloseTo(expected / 128, 12);
  });
  it('spec energy.compute replaces the TDP share, scaled for narrower dtypes', () => {
    const hw = fakeHardware({ energy: { computeJPerFlop: 0.5e-12 }, memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, energyJPerBit: 7e-12 } });
    expect(computeJPerFlop(hw, 'bf16').jPerFlop).toBeCloseTo(0.5e-12, 20);
    expect(computeJPerFlop(hw, 'fp8').jPerFlop).toBeCloseTo(0.25e-12, 20); // fp8 peak is 2× bf16
  });
  it('TDP only: devices × TDP × time / items', () => {
    const hw = fakeHardware(); // hbm3 without energyJPerBit, TDP 700 W
    const r = energyAndCost(fakeResult('decoder', { work }), hw, reqFor(hw));
    expect(r.energy_source).toBe('tdp');
    expect(r.energy_j_per_token).toBeCloseTo((2 * 700 * 2) / 128, 9);
  });
  it('neither pJ/bit nor TDP: the technology family’s assumed pJ/bit, with a warning', () => {
    const hw = fakeHardware({ power: undefined, class: 'mobile', memory: { technology: 'lpddr5x', capacityBytes: 12e9, bandwidthBytePerS: 85e9 } });
    const res = fakeResult('decoder', { work, warnings: [] });
    const r = energyAndCost(res, hw, reqFor(hw));
    expect(r.energy_source).toBe('pj-per-bit-assumed');
    expect(r.energy_j_per_token).toBeGreaterThan((2e12 * 8 * assumedMemoryJPerBit('lpddr5x')) / 128);
    expect(res.warnings.join()).toMatch(/assumed 5\.0 pJ\/bit/);
  });
  it('cost: devices × price × seconds / 3600 / items × 1e6; --price wins over the library price', () => {
    const hw = fakeHardware();
    expect(energyAndCost(fakeResult('decoder', { work }), hw, reqFor(hw)).cost_usd_per_mtok).toBeCloseTo(((2 * 2.5 * 2) / 3600 / 128) * 1e6, 9);
    const r = energyAndCost(fakeResult('decoder', { work }), hw, reqFor(hw, 4));
    expect(r.price_usd_per_hour).toBe(4);
    expect(r.cost_usd_per_mtok).toBeCloseTo(((2 * 4 * 2) / 3600 / 128) * 1e6, 9);
  });
  it('null when there is no price, no work, or it does not fit', () => {
    const noPrice = fakeHardware({ price: undefined });
    expect(energyAndCost(fakeResult('decoder', { work }), noPrice, reqFor(noPrice)).cost_usd_per_mtok).toBeNull();
    const hw = fakeHardware();
    const none = energyAndCost(fakeResult('decoder', { work: null }), hw, reqFor(hw));
    expect(none).toMatchObject({ energy_j_per_token: null, cost_usd_per_mtok: null });
    const base = fakeResult('decoder', { work });
    const nofit = energyAndCost({ ...base, memory: { ...base.memory, fits: false } }, hw, reqFor(hw));
    expect(nofit).toMatchObject({ energy_j_per_token: null, cost_usd_per_mtok: null });
  });
});

describe('on the library', () => {
  const lib = getLibrary();
  it('Llama-3.1-70B fp8 on two H100s has a cost per million tokens', () => {
    const h100 = lib.hardware['h100-sxm']!;
    const r = simulate(buildRequest({ dtype: 'fp8', tp: 2, batch: 32, 'input-tokens': 2048, 'output-tokens': 256 }, libraryModel('llama-3.1-70b'), h100, libraryModel));
    expect(r.memory.fits).toBe(true);
    expect(r.devices).toBe(2);
    expect(r.price_usd_per_hour).toBe(h100.price!.hourUsd);
    // whole system: devices × price per hour / tokens per hour
    const expected = ((r.devices * h100.price!.hourUsd!) / 3600 / r.throughput_tok_s!) * 1e6;
    expect(r.cost_usd_per_mtok).toBeCloseTo(expected, 6);
    expect(r.cost_usd_per_mtok).toBeGreaterThan(0.05);
    expect(r.cost_usd_per_mtok).toBeLessThan(20);
    expect(r.energy_j_per_token).toBeGreaterThan(0);
  });
  it('every library hardware gets an energy estimate for a small model that fits', () => {
    for (const hw of Object.values(lib.hardware)) {
      const r = simulate(buildRequest({ dtype: 'int4' }, libraryModel('llama-3.2-1b'), hw, libraryModel));
      if (!r.memory.fits) continue;
      expect(r.energy_j_per_token, hw.id).toBeGreaterThan(0);
      expect(['pj-per-bit', 'pj-per-bit-assumed', 'tdp']).toContain(r.energy_source);
    }
  });
});
