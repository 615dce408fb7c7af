import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { NEGATABLE_FLAGS, parseCommand, parseCsv, registerRunner, runAccuracy, RUNNERS } from '../src/sim/accuracy.js';

const csv = readFileSync(new URL('../validation/public-measurements.csv', import.meta.url), 'utf8');

describe('accuracy', () => {
  it('every row of the measurements file has an id of its own', () => {
    // the file is merged line by line (a changed row kept beside its old self would be priced twice)
    const ids = parseCsv(csv).map((r) => r.id);
    const seen = new Set<string>();
    const twice = ids.filter((id) => (seen.has(id!) ? true : (seen.add(id!), false)));
    expect(twice).toEqual([]);
  });
  it('parses quoted CSV fields with commas', () => {
    const rows = parseCsv('a,b,c\n1,"x, y",3\n');
    expect(rows).toEqual([{ a: '1', b: 'x, y', c: '3' }]);
  });
  // review-mid S1 (session 35): N6570-N6574 held an undoubled quote inside a quoted field (19 fields) and were read
  // shifted, then skipped in silence; a row of the wrong width is one line naming its line and id
  it('a row with another field count than the header is one line naming its line and id', () => {
    expect(() => parseCsv('id,b,c\nN1,x,y\nN2,"1F1B",w,z\n', 'm.csv')).toThrow(/^m\.csv:3 \(id N2\): 4 fields, the header has 3 \(a quote inside a quoted field is written twice: ""\)$/);
    expect(() => parseCsv('id,b,c\nN1,"two\nlines",y\nN2,x\n', 'm.csv')).toThrow(/^m\.csv:4 \(id N2\): 2 fields, the header has 3/);
    // accuracy --file names the file it read, not the bundled one
    expect(() => runAccuracy('id,b,c\nN1,x,y,z\n', undefined, undefined, 'mine.csv')).toThrow(/^mine\.csv:2 \(id N1\): 4 fields/);
    expect(parseCsv(csv).length).toBeGreaterThan(2000); // the file itself parses, every row at the header's width
  });
  it('parses hwperf commands into name, args and flags', () => {
    expect(parseCommand('hwperf op gemm --m 8 --n 4 --k 2 --dtype fp8 --hardware h100-sxm --json')).toEqual({
      name: 'op gemm', args: [], flags: { m: '8', n: '4', k: '2', dtype: 'fp8', hardware: 'h100-sxm' },
    });
    expect(parseCommand('hwperf show model dit-s-4 --json').name).toBe('show model');
    // every --set in order, either spelling; flags keeps the last; a lone --set sets no list
    expect(parseCommand('hwperf simulate --set a=1 --model m --set=b=2 --json')).toEqual({
      name: 'simulate', args: [], flags: { set: 'b=2', model: 'm' }, sets: ['a=1', 'b=2'],
    });
    expect(parseCommand('hwperf simulate --set a=1 --json').sets).toBeUndefined();
    expect(parseCommand('hwperf simulate --set --json --set x').sets).toBeUndefined();
    // a bare --no-X negates the boolean X, as oclif's allowNo flags do on the command line
    expect(parseCommand('hwperf simulate --model m --no-cfg --json').flags).toEqual({ model: 'm', 'no-cfg': true, cfg: 'false' });
    // only flags declared allowNo are negated: plan's --no-disaggregation is a flag of its own
    expect(parseCommand('hwperf plan --no-disaggregation --json').flags).toEqual({ 'no-disaggregation': true });
  });
  it('the negatable flags are exactly the allowNo flags the commands declare', async () => {
    const dir = new URL('../src/commands/', import.meta.url);
    const declared = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const mod = await import(new URL(f, dir).href);
      const flags = (mod.default?.flags ?? {}) as Record<string, { allowNo?: boolean }>;
      for (const [name, def] of Object.entries(flags)) if (def?.allowNo) declared.add(name);
    }
    expect([...declared].sort()).toEqual([...NEGATABLE_FLAGS].sort());
  });
  it('--no-cfg in a row prices what the CLI prices: one denoiser pass per step instead of two', () => {
    const cmd = 'hwperf simulate --model sd-1.5 --hardware h100-sxm --steps 4 --resolution 768 --batch 4 --dtype fp32 --runtime diffusers';
    const text = `id,category,hwperf_command,hwperf_json_key,hwperf_expected\nX1,Z,${cmd} --json,step_s,1\nX2,Z,${cmd} --no-cfg --json,step_s,1\n`;
    const [withCfg, noCfg] = runAccuracy(text).rows;
    expect(noCfg!.predicted!).toBeLessThan(0.6 * withCfg!.predicted!);
  });
  it('every bundled row is runnable, skipped, or explained; E (micro-benchmarks) within 15% MAPE', () => {
    const r = runAccuracy(csv, ['E']);
    expect(r.rows.length).toBeGreaterThan(10);
    expect(r.rows.every((x) => x.status === 'ok')).toBe(true);
    expect(r.mape.E!).toBeLessThan(0.15);
    expect(r.max_ratio.E!).toBeLessThan(1.6);
  });
  it('LLM rows (A and B together): MAPE ≤ 15% and no row off by more than 2× (issue 3)', () => {
    const r = runAccuracy(csv, ['A', 'B']);
    expect(r.rows.length).toBeGreaterThan(30);
    expect(r.rows.every((x) => x.status === 'ok')).toBe(true);
    expect(r.mape.overall!).toBeLessThanOrEqual(0.15);
    expect(r.max_ratio.overall!).toBeLessThan(2);
  });
  it('unknown commands are skipped, and runners can be registered', () => {
    const text = 'id,category,hwperf_command,hwperf_json_key,hwperf_expected\nX1,Z,hwperf frobnicate --json,v,1\n';
    expect(runAccuracy(text).rows[0]!.note).toBe('skipped: not implemented');
    registerRunner('frobnicate', () => ({ v: 1.1 }));
    const row = runAccuracy(text).rows[0]!;
    expect(row.error!).toBeCloseTo(0.1, 10);
    delete RUNNERS.frobnicate;
  });
  it('report shape: rows with id, category, command, key, measured, predicted, error; mape per category and overall', () => {
    const r = runAccuracy(csv, ['B']);
    expect(Object.keys(r.rows[0]!)).toEqual(expect.arrayContaining(['id', 'category', 'command', 'key', 'measured', 'predicted', 'error']));
    expect(r.mape).toHaveProperty('B');
    expect(r.mape).toHaveProperty('overall');
  });
});
