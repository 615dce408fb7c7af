// issue 12: `compare` dropped the warnings `simulate` shows (e.g. a precision fallback). They are now in
// the --json rows, in report.md / report.html under "Warnings", and in the `warnings` column of results.csv.
import { describe, expect, it } from 'vitest';
import { runCommand as oclifRun } from '@oclif/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// this checkout's commands (without root, @oclif/test finds the package through node_modules, which may be another checkout's)
const root = new URL('..', import.meta.url).pathname;
const runCommand = (args: string[]) => oclifRun(args, { root });

describe('compare carries simulate’s warnings', () => {
  it('fp8 on an A100 (runs weight-only) is said in JSON, Markdown, HTML and CSV', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hwperf-cw-'));
    try {
      const out = join(base, 'r');
      const { stdout } = await runCommand(['compare', '--models', 'llama-3.2-1b', '--hardware', 'a100-sxm4-80gb,h100-sxm', '--dtype', 'fp8', '--out', out, '--json']);
      const r = JSON.parse(stdout);
      const a100 = r.rows.find((x: any) => x.hardware === 'a100-sxm4-80gb');
      const h100 = r.rows.find((x: any) => x.hardware === 'h100-sxm');
      expect(a100.warnings.join()).toMatch(/no native fp8 tensor cores/);
      expect(h100.warnings).toEqual([]);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Warnings\n\n- \*\*llama-3.2-1b\*\* on \*\*a100-sxm4-80gb\*\*: a100-sxm4-80gb has no native fp8 tensor cores/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<h2>Warnings<\/h2><ul><li><b>llama-3.2-1b<\/b> on <b>a100-sxm4-80gb<\/b>: a100-sxm4-80gb has no native fp8 tensor cores/);
      const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
      const header = csv[0]!.split(',');
      const col = header.indexOf('warnings');
      expect(col).toBeGreaterThan(0);
      for (const k of ['tco_usd_per_hour', 'tco_usd_per_mtok', 'tokens_per_s_per_mw', 'power_w']) expect(header).toContain(k);
      const row = csv.find((l) => l.includes('a100-sxm4-80gb'))!;
      expect(row).toMatch(/no native fp8 tensor cores: fp8 GEMMs run weight-only/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
