// TCO (src/sim/tco.ts): capex amortised + facility energy, per hour and per million items, and facility
// throughput per MW; then the keys on simulate, train and the CLI flags that set them.
import { describe, expect, it } from 'vitest';
import { runCommand as oclifRun } from '@oclif/test';
import { DEFAULT_TCO, HOURS_PER_YEAR, tco } from '../src/sim/tco.js';

// this checkout's commands (without root, @oclif/test finds the package through node_modules, which may be another checkout's)
const root = new URL('..', import.meta.url).pathname;
const runCommand = (args: string[]) => oclifRun(args, { root });

describe('tco()', () => {
  const base = { devices: 8, purchaseUsd: 30000, hourUsd: 2.5, powerW: 500, itemsPerS: 10000 };
  it('tco per hour = devices × (purchase / (years · 8766 h) + power · PUE / 1000 · $/kWh)', () => {
    const t = tco({ ...base, years: 4, pue: 1.2, usdPerKwh: 0.1 });
    const perHour = 8 * (30000 / (4 * HOURS_PER_YEAR) + (500 * 1.2 * 0.1) / 1000);
    expect(t.tco_usd_per_hour).toBeCloseTo(perHour, 12);
    expect(t.tco_usd_per_mtok).toBeCloseTo((perHour / (10000 * 3600)) * 1e6, 12);
    expect(t.tokens_per_s_per_mw).toBeCloseTo(10000 / ((8 * 500 * 1.2) / 1e6), 6);
    expect(t.cost_usd_per_mtok).toBeCloseTo(((8 * 2.5) / (10000 * 3600)) * 1e6, 12);
  });
  it('defaults are the cited ones (5 years, PUE 1.56, $0.08/kWh)', () => {
    expect(DEFAULT_TCO).toEqual({ years: 5, pue: 1.56, usdPerKwh: 0.08 });
    expect(tco(base).tco_usd_per_hour).toBeCloseTo(8 * (30000 / (5 * HOURS_PER_YEAR) + (500 * 1.56 * 0.08) / 1000), 12);
  });
  it('more years, lower PUE and cheaper power never raise the TCO', () => {
    const a = tco(base).tco_usd_per_mtok!;
    expect(tco({ ...base, years: 6 }).tco_usd_per_mtok!).toBeLessThan(a);
    expect(tco({ ...base, pue: 1.1 }).tco_usd_per_mtok!).toBeLessThan(a);
    expect(tco({ ...base, usdPerKwh: 0.04 }).tco_usd_per_mtok!).toBeLessThan(a);
  });
  it('null, never NaN, where a figure is missing', () => {
    expect(tco({ ...base, purchaseUsd: null })).toMatchObject({ tco_usd_per_hour: null, tco_usd_per_mtok: null });
    expect(tco({ ...base, hourUsd: undefined }).cost_usd_per_mtok).toBeNull();
    expect(tco({ ...base, powerW: null })).toMatchObject({ tco_usd_per_hour: null, tokens_per_s_per_mw: null });
    expect(tco({ ...base, itemsPerS: 0 })).toMatchObject({ tco_usd_per_mtok: null, cost_usd_per_mtok: null, tokens_per_s_per_mw: null });
  });
});

describe('TCO keys in the commands', () => {
  const sim = async (...extra: string[]) =>
    JSON.parse((await runCommand(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '16', '--json', ...extra])).stdout);
  it('simulate reports TCO beside the on-demand cost; flags move it the right way', async () => {
    const r = await sim();
    for (const k of ['tco_usd_per_hour', 'tco_usd_per_mtok', 'tokens_per_s_per_mw', 'cost_usd_per_mtok', 'power_w']) expect(r[k], k).toBeGreaterThan(0);
    const expected = tco({ devices: 1, purchaseUsd: 30000, hourUsd: r.price_usd_per_hour, powerW: r.power_w, itemsPerS: r.throughput_tok_s });
    expect(r.tco_usd_per_hour).toBeCloseTo(expected.tco_usd_per_hour!, 9);
    expect(r.tco_usd_per_mtok).toBeCloseTo(expected.tco_usd_per_mtok!, 6);
    const cheap = await sim('--years', '8', '--pue', '1.1', '--usd-per-kwh', '0.03');
    expect(cheap.tco_usd_per_mtok).toBeLessThan(r.tco_usd_per_mtok);
    expect(cheap.tokens_per_s_per_mw).toBeGreaterThan(r.tokens_per_s_per_mw);
  });
  it('a bad --pue is one line and a non-zero exit', async () => {
    const { stderr } = await runCommand(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--pue', '0.5']);
    expect(stderr).toMatch(/--pue: expected a PUE \(facility power \/ IT power, e.g. 1.2\), from 1 to 10, found "0.5"/);
  });
  it('train reports the cost to train under TCO', async () => {
    const { stdout } = await runCommand(['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8', '--tokens', '1e12', '--json']);
    const r = JSON.parse(stdout);
    expect(r.tco_usd).toBeGreaterThan(0);
    expect(r.tco_usd).toBeCloseTo((r.total_s / 3600) * r.tco_usd_per_hour, 6);
    expect(r.power_w).toBeGreaterThan(70);
    expect(r.power_w).toBeLessThanOrEqual(700);
    expect(r.tokens_per_s_per_mw).toBeGreaterThan(0);
  });
});
