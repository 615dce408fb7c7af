// Build step (after tsc): the command line as a few files. tsc's dist/ is ~100 ES modules plus oclif's ~85
// CommonJS ones; resolving and compiling them one by one was most of a `hwperf simulate` process's start-up
// (issue 15). Rolldown (already in the tree as vite's bundler) bundles each command, and the runner, from tsc's
// output into dist/app/: dist/app/commands/<id>.js (package.json "oclif.commands") and shared chunks in
// dist/app/chunks/, so a command reads its own file and a few chunks. oclif and its dependencies are bundled in
// (one copy, shared by the runner and every command: Config, Command and the error classes are one instance);
// every other package (ajv, yaml, mathjs, chart.js, canvas) stays external and loads from node_modules only on
// the paths that import it. The library API (dist/index.js), the sweep and bench workers (dist/sweep/worker.js,
// dist/bench/node-worker.js) and tests stay on tsc's output; paths that depend on where code sits go through
// src/spec/paths.ts, which finds the package root from any of these places.
import { build } from 'rolldown';
import { readdirSync, rmSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'app');

const commands = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) commands.push(p);
  }
};
walk(join(dist, 'commands'));
const input = { run: join(dist, 'cli', 'run.js') };
for (const f of commands) input[relative(dist, f).split(sep).join('/').replace(/\.js$/, '')] = f;

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// bundled: our own modules (relative paths) and oclif with everything it requires; external: other packages
const external = (id, importer) => {
  if (builtins.has(id) || id.startsWith('node:')) return true;
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
  if (id === '@oclif/core' || id.startsWith('@oclif/core/')) return false;
  // oclif's own dependencies (ejs, minimatch, ansis, …) come with it
  if (importer && importer.includes(`${sep}node_modules${sep}`)) return false;
  return true;
};

// First pass: the module graph, to know what each command loads before its first dynamic import().
const graph = new Map(); // id → static imports
await build({
  input,
  cwd: root,
  platform: 'node',
  logLevel: 'silent',
  external,
  plugins: [{
    name: 'graph',
    buildEnd() {
      for (const id of this.getModuleIds()) graph.set(id, this.getModuleInfo(id)?.importedIds ?? []);
    },
  }],
  write: false,
  output: { dir: out, format: 'esm' },
});
const closure = (entry) => {
  const seen = new Set();
  const stack = [entry];
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id) || !graph.has(id)) continue;
    seen.add(id);
    stack.push(...graph.get(id));
  }
  return seen;
};
const uses = new Map(); // own module → how many entries load it at start (statically)
for (const e of Object.values(input)) for (const id of closure(e)) if (!id.includes(`${sep}node_modules${sep}`)) uses.set(id, (uses.get(id) ?? 0) + 1);
// `simulate` is the command whose start-up is budgeted (npm run bench); what it loads at start and another command
// loads too goes into one chunk, so that it reads three files (runner, command, core) beside oclif's.
const hot = closure(input['commands/simulate']);
const core = (id) => hot.has(id) && (uses.get(id) ?? 0) > 1;

rmSync(out, { recursive: true, force: true });
await build({
  input,
  cwd: root,
  platform: 'node',
  logLevel: 'warn',
  external,
  output: {
    dir: out,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    codeSplitting: {
      groups: [
        { name: 'oclif', test: (id) => id.includes(`${sep}node_modules${sep}`), priority: 2 },
        { name: 'core', test: core, priority: 1 },
      ],
    },
  },
});
console.log(`cli bundle: dist/app/ (${commands.length} commands)`);
