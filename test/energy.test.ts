// Energy per token and cost per million tokens from a result's work (hand-made results: no engine needed),
// then on the library: Llama-3.1-70B fp8 on two H100s.
import { describe, expect, it } from 'vitest';
import { COMPUTE_SHARE_OF_TDP, STATIC_SHARE_OF_TDP, assumedMemoryJPerBit, computeJPerFlop, energyAndCost, staticPowerW, workEnergy } from '../src/sim/energy-cost.js';
import { applyWhatIfs } from '../src/hardware/whatif.js';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { SimulateRequest } from '../src/sim/types.js';
import { fakeHardware, fakeResult } from './helpers/report-fixtures.js';

const reqFor = (hw: any, price?: number) => ({ hardware: hw, priceUsdPerHour: price }) as unknown as SimulateRequest;
const work = { flops: 1e13, bytes: 2e12, seconds: 2, items: 128, devices: 2 };

describe('energyAndCost', () => {
  it('pJ/bit: DRAM bits × pJ/bit + FLOPs × (TDP share / peak) + static share of TDP, named in energy_source', () => {
    const hw = fakeHardware({ memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, energyJPerBit: 7e-12 } });
    const r = energyAndCost(fakeResult('decoder', { work }), hw, reqFor(hw));
    const expected = 2e12 * 8 * 7e-12 + 1e13 * ((COMPUTE_SHARE_OF_TDP * 700) / 1e15) + 2 * STATIC_SHARE_OF_TDP * 700 * 2;
    expect(r.energy_source).toBe('hbm3 7 pJ/bit + 0.525 pJ/FLOP (75% of 700 W TDP / bf16 peak) + static 70 W/device (10% of 700 W TDP)');
    expect(r.energy_j_per_token).toBeCloseTo(expected / 128, 12);
    expect(r.power_w).toBeCloseTo(expected / (2 * 2), 9);
  });
  it('spec energy.compute replaces the TDP share, scaled for narrower dtypes', () => {
    const hw = fakeHardware({ energy: { computeJPerFlop: 0.5e-12 }, memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, energyJPerBit: 7e-12 } });
    expect(computeJPerFlop(hw, 'bf16').jPerFlop).toBeCloseTo(0.5e-12, 20);
    expect(computeJPerFlop(hw, 'fp8').jPerFlop).toBeCloseTo(0.25e-12, 20); // fp8 peak is 2× bf16
  });
  it('a cited idle figure replaces the 10% share as static power', () => {
    const hw = fakeHardware({ power: { tdpW: 700, idleW: 100 } });
    expect(staticPowerW(hw)).toEqual({ watts: 100, source: 'spec power.idle' });
  });
  it('no pJ/bit: the same method with the family’s ASSUMED pJ/bit (never TDP × time), with a warning', () => {
    const hw = fakeHardware(); // hbm3 without energyJPerBit, TDP 700 W
    const res = fakeResult('decoder', { work, warnings: [] });
    const r = energyAndCost(res, hw, reqFor(hw));
    expect(r.energy_source).toMatch(/^hbm3 ASSUMED, no published figure 3\.9 pJ\/bit \+ .* \+ static 70 W\/device/);
    const expected = 2e12 * 8 * assumedMemoryJPerBit('hbm3') + 1e13 * ((COMPUTE_SHARE_OF_TDP * 700) / 1e15) + 2 * 70 * 2;
    expect(r.energy_j_per_token).toBeCloseTo(expected / 128, 9);
    expect(res.warnings.join()).toMatch(/assumed 3\.9 pJ\/bit/);
  });
  it('no TDP: a lower bound without static power, said in a warning', () => {
    const hw = fakeHardware({ power: undefined, class: 'mobile', memory: { technology: 'lpddr5x', capacityBytes: 12e9, bandwidthBytePerS: 85e9 } });
    const res = fakeResult('decoder', { work, warnings: [] });
    const r = energyAndCost(res, hw, reqFor(hw));
    expect(r.energy_source).toMatch(/static 0 W\/device \(none: no TDP/);
    expect(res.warnings.join()).toMatch(/no TDP; static power is not counted/);
  });
  it('mean power never exceeds the TDP: the dynamic part is scaled down to it (throttling)', () => {
    const hw = fakeHardware({ memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, energyJPerBit: 7e-12 } });
    const hot = { flops: 2e15 * 2, bytes: 3.35e12 * 2, seconds: 1, items: 1, devices: 2 }; // peak compute and bandwidth at once
    const e = workEnergy(hot, hw, 'bf16');
    expect(e.capped).toBe(true);
    expect(e.powerW).toBeCloseTo(700, 6);
    expect(e.source).toMatch(/capped at 700 W TDP/);
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
  it('every library hardware has a TDP and an energy estimate; mean power lies between static power and the TDP', () => {
    for (const hw of Object.values(lib.hardware)) {
      expect(hw.power?.tdpW, `${hw.id}: cite power.tdp`).toBeGreaterThan(0);
      const r = simulate(buildRequest({ dtype: 'int4' }, libraryModel('llama-3.2-1b'), hw, libraryModel));
      if (!r.memory.fits) continue;
      expect(r.energy_j_per_token, hw.id).toBeGreaterThan(0);
      expect(r.energy_source, hw.id).toMatch(/pJ\/bit \+ .* pJ\/FLOP .* \+ static [0-9.]+ W\/device/);
      expect(r.power_w!, hw.id).toBeGreaterThanOrEqual(staticPowerW(hw).watts * (1 - 1e-9));
      expect(r.power_w!, hw.id).toBeLessThanOrEqual(hw.power!.tdpW * (1 + 1e-9));
    }
  });
  // issue 12: `--memory hbm4:…` switched from pJ/bit to TDP × time (1.21 → 2.75 J per token)
  it('--memory hbm4 keeps the one method: more bandwidth at fewer pJ/bit costs less energy per token, not more', async () => {
    const h100 = lib.hardware['h100-sxm']!;
    const m = libraryModel('llama-3.1-8b');
    const stock = simulate(buildRequest({}, m, h100, libraryModel));
    const hbm4 = simulate(buildRequest({}, m, await applyWhatIfs(h100, 'hbm4:5'), libraryModel));
    expect(hbm4.energy_source).toMatch(/^hbm4 ASSUMED.* pJ\/bit \+ .* \+ static 70 W/);
    expect(stock.energy_source).toMatch(/^hbm3 7 pJ\/bit \+ .* \+ static 70 W/);
    expect(hbm4.energy_j_per_token!).toBeLessThan(stock.energy_j_per_token!);
    expect(hbm4.warnings.join()).toMatch(/hbm4 has no published pJ\/bit/);
  });
  // issue 12: accelerators without a TDP (ascend-910c) lost their static power and looked 3× more efficient
  it('ascend-910c counts static power from its cited TDP, like every other part', () => {
    const a = lib.hardware['ascend-910c']!;
    const r = simulate(buildRequest({}, libraryModel('llama-3.1-8b'), a, libraryModel));
    expect(r.energy_source).toMatch(/static [1-9][0-9.]* W\/device \(10% of [0-9]+ W TDP\)/);
    // per token, the 910C spends at least as much as an H100 of similar bandwidth (it is not 3× better)
    const h = simulate(buildRequest({}, libraryModel('llama-3.1-8b'), lib.hardware['h100-sxm']!, libraryModel));
    expect(r.energy_j_per_token! / h.energy_j_per_token!).toBeGreaterThan(0.6);
  });
});
