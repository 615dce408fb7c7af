// The library API as a user gets it: `npm pack`, install the tarball into a fresh project (offline: its
// dependencies come from the npm cache that `npm ci` filled, pinned by this repository's lockfile), then
// `import { … } from 'hwperf'` from there — JavaScript at run time and TypeScript against the shipped types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'hwperf-pack-'));
const app = join(tmp, 'app');
let packed: { filename: string; files: { path: string }[] };

// A lockfile for the user's project: hwperf from the tarball, its dependencies exactly as this repository
// pins them (so `npm ci --offline` needs no registry metadata, only the cached tarballs).
function appLockfile(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const own = lock.packages[''];
  const packages: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: { hwperf: `file:../${tarball}` } },
    'node_modules/hwperf': { version: own.version, resolved: `file:../${tarball}`, license: own.license, dependencies: own.dependencies, bin: own.bin, engines: own.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
    if (path.startsWith('node_modules/') && !entry.dev) packages[path] = entry;
  }
  return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  // dist/ is built (npm test runs the build first); pack it as npm publish would, without rebuilding
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
  packed = JSON.parse(out)[0];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module', dependencies: { hwperf: `file:../${packed.filename}` } }));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(packed.filename)));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack → install → import', () => {
  it('ships what main, types and exports name', () => {
    const files = packed.files.map((f) => f.path);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const f of [pkg.main, pkg.types, pkg.exports['.'].import, pkg.exports['.'].types, 'dist/library.json']) expect(files).toContain(f.replace(/^\.\//, ''));
  });

  it('runs simulate, loadModel, loadHardware and throws typed errors from the installed package', () => {
    writeFileSync(
      join(app, 'use.mjs'),
      `import { simulate, train, serve, loadModel, loadHardware, modelStats, UserError } from 'hwperf';
const model = await loadModel('llama-3.1-8b');
const hw = await loadHardware('h100-sxm');
const byId = await simulate({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 8, inputTokens: 1024 });
const bySpec = await simulate({ model, hardware: hw, batch: 8, input_tokens: 1024 });
const t = await train({ model: 'llama-3.2-1b', hardware: 'h100-sxm', devices: 8 });
const s = await serve({ model: 'llama-3.2-1b', hardware: 'l4', rate: 2, requests: 50 });
const e = await simulate({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 8, emit: 'vllm' });
let error;
try { await simulate({ model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 3 }); } catch (e) { error = { typed: e instanceof UserError, name: e.name, message: e.message }; }
console.log(JSON.stringify({ same: JSON.stringify(byId) === JSON.stringify(bySpec), tpot: byId.tpot_s, fits: byId.memory.fits, params: modelStats(model).total, mfu: t.mfu, served: s.requests, launch: e.launch.command.split(' ')[0], error }));
`,
    );
    const r = JSON.parse(execFileSync('node', ['use.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(r.same).toBe(true);
    expect(r.tpot).toBeGreaterThan(0);
    expect(r.fits).toBe(true);
    expect(r.params).toBe(8030261248);
    expect(r.mfu).toBeGreaterThan(0);
    expect([r.served, r.launch]).toEqual([50, 'vllm']);
    expect(r.error).toMatchObject({ typed: true, name: 'UserError' });
    expect(r.error.message).toMatch(/tp/);
  });

  it('runs the README example (examples/api.mjs) from the installed package', () => {
    writeFileSync(join(app, 'api.mjs'), readFileSync(join(root, 'examples/api.mjs')));
    const out = execFileSync('node', ['api.mjs'], { cwd: app, encoding: 'utf8' });
    expect(out).toMatch(/^TPOT [\d.]+ ms, \d+ tok\/s, fits: true\nllama-3\.1-8b: 8030261248 parameters\nrejected: .*tp 3\n$/);
  });

  it('runs the command line from the installed package (bundled dist/app, its code cache shipped)', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['bin/run.js', 'dist/app/index.cjs', 'dist/app/cli.cjs', 'dist/app/cli.cache', 'dist/app/commands/simulate.js', 'oclif.manifest.json']) expect(files).toContain(f);
    const bin = join(app, 'node_modules', '.bin', 'hwperf');
    expect(execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8' })).toMatch(/^hwperf\/\d+\.\d+\.\d+ /);
    const r = JSON.parse(execFileSync(bin, ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--json'], { cwd: tmp, encoding: 'utf8' }));
    expect(r.memory.fits).toBe(true);
    expect(r.tpot_s).toBeGreaterThan(0);
    // a path inside the package (the bundled validation CSV), found from the bundled chunk's location
    const a = JSON.parse(execFileSync(bin, ['accuracy', '--category', 'A', '--json'], { cwd: tmp, encoding: 'utf8' }));
    expect(a.rows.length).toBeGreaterThan(0);
  });

  it('type-checks a TypeScript user against the shipped declarations', () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { simulate, type SimulateResult, type NormalizedModel, loadModel } from 'hwperf';
const m: NormalizedModel = await loadModel('mixtral-8x7b');
const r: SimulateResult = await simulate({ model: m, hardware: 'h100-sxm', tp: 2, batch: 'max' });
const t: number | null = r.tpot_s ?? null;
const fits: boolean = r.memory.fits;
export { t, fits };
`,
    );
    const tsc = join(root, 'node_modules/.bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), 'use.ts'];
    let problems = '';
    try {
      execFileSync(tsc, args, { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      problems = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(problems).toBe('');
    // and the declarations are real types, not `any`: a wrong use fails
    writeFileSync(join(app, 'bad.ts'), `import { simulate } from 'hwperf';\nconst r = await simulate({ model: 'gpt2', hardware: 'l4' });\nexport const s: string = r.memory.fits;\n`);
    let bad = '';
    try {
      execFileSync(tsc, [...args.slice(0, -1), 'bad.ts'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      bad = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(bad).toMatch(/TS2322/);
  });
});
