// issue 12: `sweep` and the CLI disagreed — `max_tpot: 50ms` was rejected in a grid (accepted as a flag), max_*
// only constrained `batch: max` rows, a sweep took one price for every accelerator, and the Pareto front used
// whole-system throughput only, so the biggest system always won.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSweep } from '../src/sweep/grid.js';
import { parseCsvLine } from '../src/sweep/columns.js';
import { runSweep } from '../src/sweep/run.js';
import { paretoFront, type ParetoPoint } from '../src/sweep/pareto.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-sweep-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => {
  const [h, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map(parseCsvLine);
  return rows.map((r) => Object.fromEntries(h!.map((k, i) => [k, r[i]!])));
};
const sweep = async (name: string, yaml: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return runSweep(file, { out: join(dir, `${name}.csv`), workers: 1 });
};

describe('sweep grids parse limits as the flags do', () => {
  it('max_tpot: 50ms and max_ttft: 2s are seconds, as --max-tpot 50ms is', () => {
    const g = parseSweep('sweep:\n  model: m\n  hardware: h\n  max_tpot: 50ms\n  max_ttft: [2s, 0.5]\n', 'g.yaml');
    expect(g.axes.find((a) => a.key === 'max_tpot')!.values).toEqual([0.05]);
    expect(g.axes.find((a) => a.key === 'max_ttft')!.values).toEqual([2, 0.5]);
    expect(() => parseSweep('sweep:\n  model: m\n  hardware: h\n  max_tpot: fast\n', 'g.yaml')).toThrow(/g\.yaml:4:\d+.*expected seconds \(e\.g\. 0\.05, 50ms or 2s\), found "fast"/);
  });
  it('memory what-ifs take @GBPS in a grid too', () => {
    const g = parseSweep('sweep:\n  model: m\n  hardware: h\n  memory: [none, "hbm3:5@5.24"]\n', 'g.yaml');
    expect(g.axes.find((a) => a.key === 'memory')!.values).toEqual(['none', 'hbm3:5@5.24']);
  });
  it('price per hardware: a mapping, checked against the hardware list', () => {
    const g = parseSweep('sweep:\n  model: m\n  hardware: [h100-sxm, mi300x]\n  price: {h100-sxm: 2.49, mi300x: 1.99}\n', 'g.yaml');
    expect(g.prices).toEqual({ 'h100-sxm': 2.49, mi300x: 1.99 });
    expect(g.axes.some((a) => a.key === 'price')).toBe(false);
    expect(() => parseSweep('sweep:\n  model: m\n  hardware: [h100-sxm]\n  price: {h100: 2}\n', 'g.yaml')).toThrow(/price for "h100", which is not in the hardware list.*did you mean "h100-sxm"/);
    expect(() => parseSweep('sweep:\n  model: m\n  hardware: [h100-sxm]\n  price: {h100-sxm: abc}\n', 'g.yaml')).toThrow(/expected USD per device-hour/);
  });
});

describe('sweep rows', () => {
  it('max_tpot holds on fixed-batch rows too, with the reason', async () => {
    await sweep('limits', 'sweep:\n  model: llama-3.1-8b\n  hardware: h100-sxm\n  batch: [1, 64]\n  input_tokens: 2048\n  max_tpot: 12ms\n');
    const rows = read(join(dir, 'limits.csv'));
    const b1 = rows.find((r) => r.batch === '1')!;
    const b64 = rows.find((r) => r.batch === "64")!;
    expect(b1.feasible).toBe('true');
    expect(Number(b1.tpot_s)).toBeLessThan(0.012);
    expect(b64.feasible).toBe('false');
    expect(b64.reason).toMatch(/^tpot [0-9.]+ ms is over max_tpot 12 ms$/);
  });
  it('each hardware gets its own price; cost follows it', async () => {
    await sweep('prices', 'sweep:\n  model: llama-3.1-8b\n  hardware: [h100-sxm, mi300x]\n  price: {h100-sxm: 4, mi300x: 1}\n');
    const rows = read(join(dir, 'prices.csv'));
    expect(rows.find((r) => r.hardware === 'h100-sxm')!.price_usd_per_hour).toBe('4');
    expect(rows.find((r) => r.hardware === 'mi300x')!.price_usd_per_hour).toBe('1');
    for (const r of rows) for (const k of ['tco_usd_per_mtok', 'tokens_per_s_per_mw', 'power_w']) expect(Number(r[k]), `${r.hardware} ${k}`).toBeGreaterThan(0);
  });
  it('Pareto fronts per device and per dollar beside the whole-system one: the biggest system does not always win', async () => {
    const s = await sweep('fronts', 'sweep:\n  model: llama-3.1-8b\n  hardware: h100-sxm\n  devices: [1, 8]\n  batch: [1, 8, 64]\n');
    expect(s.pareto_per_device).toMatch(/fronts\.pareto-per-device\.csv$/);
    expect(s.pareto_per_dollar).toMatch(/fronts\.pareto-per-dollar\.csv$/);
    const system = read(s.pareto);
    const perDevice = read(s.pareto_per_device);
    const perDollar = read(s.pareto_per_dollar);
    // 8 data-parallel replicas have 8× the throughput at the same tpot: they take the whole-system front …
    expect(system.every((r) => r.devices === '8')).toBe(true);
    // … but per device and per dollar they are no better than one device, so one-device rows are on those fronts
    expect(perDevice.some((r) => r.devices === '1')).toBe(true);
    expect(perDollar.some((r) => r.devices === '1')).toBe(true);
    expect(s.pareto_per_device_rows).toBe(perDevice.length);
  });
  it('paretoFront by basis; rows without a price are not on the per-dollar front', () => {
    const p = (index: number, throughput: number, devices: number, price: number | null, latency = 1): ParetoPoint => ({
      group: 'm', throughput, perDevice: throughput / devices, perDollar: price ? throughput / (devices * price) : null, latency, index, line: String(index),
    });
    const pts = [p(0, 100, 1, 2), p(1, 400, 8, 2), p(2, 150, 1, null)];
    expect(paretoFront(pts).map((x) => x.index)).toEqual([1]);
    expect(paretoFront(pts, 'per_device').map((x) => x.index)).toEqual([2]);
    expect(paretoFront(pts, 'per_dollar').map((x) => x.index)).toEqual([0]);
  });
});
