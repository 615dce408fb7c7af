// Start-up (issue 15): `hwperf simulate` on library ids loads only what it needs. Checked by the modules a
// process loads, not by wall-clock time (timings are `npm run bench`): no semver (oclif's engine check), no ajv,
// yaml or mathjs (the spec layer and units are for user files; library specs are compiled JSON).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;

describe('start-up loads only what a command needs', () => {
  it('simulate --json on library ids: no semver, ajv, yaml or mathjs', () => {
    const pre = join(mkdtempSync(join(tmpdir(), 'hwperf-start-')), 'count.cjs');
    writeFileSync(
      pre,
      `const m = require('module'); const seen = new Set(); const o = m._load;
m._load = function (r, p, ...a) { try { seen.add(m._resolveFilename(r, p)); } catch {} return o.call(this, r, p, ...a); };
process.on('exit', () => { process.stderr.write('LOADED ' + JSON.stringify([...seen].filter((x) => x.includes('node_modules'))) + '\\n'); });`,
    );
    const r = spawnSync(process.execPath, ['-r', pre, BIN, 'simulate', '-m', 'llama-3.1-8b', '-H', 'h100-sxm', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const loaded: string[] = JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]!);
    const pkgs = new Set(loaded.map((f) => f.split('node_modules/').pop()!.split('/')[0]));
    for (const p of ['semver', 'ajv', 'yaml', 'mathjs']) expect(pkgs.has(p), p).toBe(false);
  });
});
