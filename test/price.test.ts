// --price: one USD figure for every device or HARDWARE=USD pairs; malformed values and unknown ids are
// one-line errors (issue 12: `compare --price abc` wrote an empty report and exited 0; `--price h100=2,mi300=3` was ignored).
import { describe, expect, it } from 'vitest';
import { runCommand as oclifRun } from '@oclif/test';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePriceFlag, priceFor } from '../src/sim/price.js';

// this checkout's commands (without root, @oclif/test finds the package through node_modules, which may be another checkout's)
const root = new URL('..', import.meta.url).pathname;
const runCommand = (args: string[]) => oclifRun(args, { root });

describe('parsePriceFlag', () => {
  const ids = ['h100-sxm', 'mi300x'];
  it.each([
    ['2.5', { all: 2.5 }],
    ['$2.5', { all: 2.5 }],
    [3, { all: 3 }],
  ])('%s → every device', (v, want) => expect(parsePriceFlag(v, ids)).toMatchObject(want));
  it('ID=USD pairs', () => {
    const p = parsePriceFlag('h100-sxm=2.49, mi300x=1.99', ids)!;
    expect(priceFor(p, 'h100-sxm')).toBe(2.49);
    expect(priceFor(p, 'mi300x')).toBe(1.99);
    expect(priceFor(parsePriceFlag('mi300x=1', ids), 'h100-sxm')).toBeUndefined(); // keeps the library's
  });
  it.each([
    ['abc', /expected USD per device-hour/],
    ['-1', /expected USD per device-hour/],
    ['h100=2,mi300=3', /"h100" is not a hardware of this run/],
    ['h100-sxm=', /expected USD per device-hour/],
    ['=2', /expected HARDWARE=USD/],
    ['h100-sxm=2,h100-sxm=3', /priced twice/],
    ['h100-sxm=2,,mi300x=1', /empty item/],
  ])('%s is an error', (v, re) => expect(() => parsePriceFlag(v, ids)).toThrow(re));
});

describe('--price on the commands', () => {
  it('compare --price abc is an error before any report is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-price-'));
    try {
      const out = join(dir, 'r');
      const { stderr } = await runCommand(['compare', '--models', 'llama-3.2-1b', '--hardware', 'h100-sxm,mi300x', '--price', 'abc', '--out', out]);
      expect(stderr).toMatch(/--price "abc": expected USD per device-hour/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
      const bad = await runCommand(['compare', '--models', 'llama-3.2-1b', '--hardware', 'h100-sxm,mi300x', '--price', 'h100=2,mi300=3', '--out', out]);
      expect(bad.stderr).toMatch(/"h100" is not a hardware of this run \(did you mean "h100-sxm"\?/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('simulate takes ID=USD for its hardware and rejects other ids', async () => {
    const r = JSON.parse((await runCommand(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--price', 'h100-sxm=4', '--json'])).stdout);
    expect(r.price_usd_per_hour).toBe(4);
    const { stderr } = await runCommand(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--price', 'mi300x=4']);
    expect(stderr).toMatch(/"mi300x" is not a hardware of this run/);
  });
  it('plan and serve parse --price with the same parser and say the same line as simulate', async () => {
    const PLAN = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm,mi300x', '--slo-tpot', '50ms', '--requests', '20', '--rate', '2', '--max-devices', '2'];
    const SERVE = ['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--requests', '20', '--rate', '2'];
    const plan = JSON.parse((await runCommand([...PLAN, '--price', 'mi300x=0.5', '--json'])).stdout);
    const one = plan.options.find((o: { hardware: string; devices: number }) => o.hardware === 'mi300x' && o.devices === 1);
    expect(one.usd_per_hour).toBe(0.5);
    // plan said `--price h100: not one of --hardware h100-sxm,mi300x`: now the bad id, a did-you-mean and the ids it takes
    const bad = await runCommand([...PLAN, '--price', 'h100=2']);
    expect(bad.stderr.trim()).toBe('hwperf: --price "h100=2": "h100" is not a hardware of this run (did you mean "h100-sxm"? expected one of h100-sxm, mi300x)');
    // serve read --price as a bare number (`h100-sxm=3` was "expected a non-negative number"); it takes simulate's syntax
    const cost = async (p: string) => JSON.parse((await runCommand([...SERVE, '--price', p, '--json'])).stdout).cost_usd_per_mtok;
    expect(await cost('h100-sxm=3')).toBeCloseTo((await cost('6')) / 2, 12);
    const sbad = await runCommand([...SERVE, '--price', 'mi300x=3']);
    expect(sbad.stderr.trim()).toBe('hwperf: --price "mi300x=3": "mi300x" is not a hardware of this run (expected one of h100-sxm)');
  });
});

describe('library prices', () => {
  it('every price says when and where it was seen; most datacenter parts have an on-demand price', async () => {
    const { getLibrary } = await import('../src/spec/library.js');
    const dc = Object.values(getLibrary().hardware).filter((h) => h.class === 'datacenter');
    for (const h of dc) {
      if (h.price?.hourUsd !== undefined) expect(h.price.hourDate && h.price.hourSource, `${h.id} hour price needs hour_date and hour_source`).toBeTruthy();
      if (h.price?.purchaseUsd !== undefined) expect(h.price.purchaseDate && h.price.purchaseSource, `${h.id} purchase price needs purchase_date and purchase_source`).toBeTruthy();
    }
    // issue 12: cost per token existed for 1 of 24 datacenter accelerators
    expect(dc.filter((h) => h.price?.hourUsd !== undefined).length).toBeGreaterThanOrEqual(16);
    expect(dc.filter((h) => h.price?.purchaseUsd !== undefined).length).toBeGreaterThanOrEqual(8);
  });
});
