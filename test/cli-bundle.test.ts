// The bundled command line (scripts/bundle-cli.js, issue 15: start-up) against oclif as published: bin/run.js runs
// oclif and every command from one CommonJS file (dist/app/cli.cjs: lazy requires, edits for start-up) through
// V8's code cache and oclif.manifest.json; the @oclif/core in node_modules, finding tsc's dist/commands/*.js by
// itself (no manifest, no bundle), must print the same bytes and exit with the same code: results, user errors,
// oclif's parse errors, help and the version.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const env = { ...process.env, OCLIF_DISABLE_ENGINE_WARNING: '1', NO_COLOR: '1', COLUMNS: '100' };

// oclif from node_modules, as a plain oclif CLI runs from tsc's output: its own Config and command discovery, in a
// folder that holds the package's files but no manifest (oclif would read dist/app's paths from it)
const plain = mkdtempSync(join(tmpdir(), 'hwperf-plain-'));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(plain, 'package.json'), JSON.stringify({ ...pjson, oclif: { ...pjson.oclif, commands: './dist/commands' } }));
for (const f of ['dist', 'node_modules']) symlinkSync(join(root, f), join(plain, f));
const bundled = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, cwd: plain });
const published = (args: string[]) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { execute } = await import('@oclif/core'); await execute({ args: ${JSON.stringify(args)}, dir: ${JSON.stringify(plain)} });`], {
    encoding: 'utf8',
    env,
    cwd: plain,
  });
// Node's warnings name the process
const same = (r: { status: number | null; stdout: string; stderr: string }) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^\(node:\d+\)/gm, '(node)') });

const CASES: string[][] = [
  ['simulate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--tp', '2', '--json'],
  ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'],
  ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tp', '3'], // user error: heads not divisible
  ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tp', 'two', '--json'], // oclif parse error, JSON
  ['simulate', '--model', 'nosuch', '--hardware', 'h100-sxm'],
  ['simulate', '--help'],
  ['--help'],
  ['--version'],
  ['list', 'hardware'],
  ['list'], // a missing required argument (was an internal error: the help renderer's wrap-ansi through a lazy require)
  ['list', '--json'],
  ['show', 'model', 'mixtral-8x7b', '--json'],
  ['show', 'hardware'],
  ['validate', join(root, 'hardware/nvidia/h100-sxm.yaml')],
  ['op', 'gemm', '--m', '4096', '--n', '4096', '--k', '4096', '--hardware', 'h100-sxm', '--json'],
  ['nosuch'],
];

describe('the bundled command line prints what oclif itself prints', () => {
  it.each(CASES.map((c) => [c.join(' '), c] as const))('hwperf %s', (_name, args) => {
    const a = bundled(args);
    const b = published(args);
    expect(same(a)).toEqual(same(b));
    expect(a.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a missing required argument is one line and exit 2', () => {
    const r = bundled(['list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: Missing 1 required arg: .*kind.*\n$/);
  });
});

describe('dist/app', () => {
  it('the bundle is ASCII (read without UTF-8 decoding) and its code cache is taken by this Node', () => {
    const text = readFileSync(new URL('../dist/app/cli.cjs', import.meta.url));
    expect(text.every((b) => b < 0x80)).toBe(true);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(new URL('../dist/app/cli.js', import.meta.url).href)}); console.log(m.script.cached)`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('true');
  });
});
