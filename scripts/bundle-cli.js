// Build step (after tsc): the command line as a few files (issue 15: start-up; docs/design.md "Start-up").
// tsc's dist/ is ~100 ES modules and oclif is ~85 CommonJS ones; resolving, compiling and initialising them one
// by one was most of a `hwperf simulate` process. Rolldown (already in the tree as vite's bundler) makes dist/app/:
//   oclif.cjs     oclif as one CommonJS file, with only what hwperf uses as entry points (Command, Flags, Args,
//                 Errors, execute) and its internal top-level require()s made lazy (below), so help, ux, semver,
//                 globbing and templates initialise only when a path needs them. It is run through
//                 src/cli/cached-script.ts from V8's code cache (oclif.cache, scripts/code-cache.js).
//   oclif.js      the ES module the rest imports oclif from: one copy, so Config, Command and the error classes
//                 are one instance for the runner and every command.
//   run.js, commands/<id>.js (package.json "oclif.commands"), chunks/  the runner and each command bundled from
//                 tsc's output; what `simulate` loads at start and another command loads too is one chunk (core),
//                 so simulate reads run.js, its command file and core beside oclif.
// Packages other than oclif (ajv, yaml, mathjs, chart.js, canvas) stay external: they load from node_modules
// only on the paths that import them. The library API (dist/index.js), the sweep and bench workers and tests stay
// on tsc's output; paths that depend on where code sits go through src/spec/paths.ts.
import { build } from 'rolldown';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'app');
const NM = `${sep}node_modules${sep}`;
rmSync(out, { recursive: true, force: true });

// ── oclif ────────────────────────────────────────────────────────────────────────────────────────────────────
// The names hwperf imports from '@oclif/core' (src/), each loaded on first use; the build fails on any other.
const OCLIF_NAMES = {
  Args: "require('@oclif/core/args')",
  Command: "require('@oclif/core/command').Command",
  Errors: "require('@oclif/core/errors')",
  Flags: "require('@oclif/core/flags')",
  execute: "require('@oclif/core/execute').execute",
};
writeFileSync(
  join(out, '..', 'app-oclif-entry.cjs'),
  Object.entries(OCLIF_NAMES).map(([n, r]) => `Object.defineProperty(exports, '${n}', { enumerable: true, get: () => ${r} });`).join('\n') + '\n',
);
// oclif's lib/ is TypeScript's CommonJS output: `const x_1 = require("./x");` (or wrapped in __importDefault /
// __importStar) at the top of each file. Each becomes a proxy that requires on first property access, so a module
// that a path never touches is never initialised (oclif's main, flags and config all require the whole help
// system, and config requires ejs, semver and the globbing libraries, at load). A require that a file's own
// top level uses is simply loaded then. A line that does not match stays eager: correct, just not lazy.
const LAZY_REQUIRE = /^(const|var|let) ([\w$]+) = ((?:__importDefault|__importStar)\()?require\(("[^"\n]+"|'[^'\n]+')\)(\)?);$/gm;
const LAZY_HELPER =
  'function __hwperfLazy(load) { let m; const get = () => (m ??= load()); ' +
  'return new Proxy({}, { get: (_, k) => get()[k], has: (_, k) => k in get(), set: (_, k, v) => ((get()[k] = v), true) }); }\n';
let lazy = 0;
let collation = 0;
await build({
  input: join(out, '..', 'app-oclif-entry.cjs'),
  cwd: root,
  platform: 'node',
  logLevel: 'warn',
  plugins: [
    {
      name: 'lazy-oclif-requires',
      transform(code, id) {
        if (!/[\\/]node_modules[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/.test(id)) return null;
        let n = 0;
        const text = code.replace(LAZY_REQUIRE, (_m, kw, name, wrap, spec, close) => {
          n++;
          return `${kw} ${name} = __hwperfLazy(() => ${wrap ?? ''}require(${spec})${close});`;
        });
        lazy += n;
        // Plugin.load sorts the manifest's commands with localeCompare: its first call starts ICU's collator,
        // ~15 ms of every start. Command ids are file names (ASCII: lower case, digits, '-', ':'), for which
        // code-unit order is the same order.
        const sorted = text.replace('.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))');
        if (sorted !== text) collation++;
        return n || sorted !== text ? { code: LAZY_HELPER + sorted, map: null } : null;
      },
    },
  ],
  output: { file: join(out, 'oclif.cjs'), format: 'cjs', codeSplitting: false },
});
rmSync(join(out, '..', 'app-oclif-entry.cjs'), { force: true });
// oclif loads command modules (and lilconfig config files) with `await import(…)`. A vm.Script has no module
// loader of its own in Node 20 without an experimental flag, so these calls go to an importer that
// src/cli/cached-script.ts passes in (a real import() from an ES module).
const cjs = readFileSync(join(out, 'oclif.cjs'), 'utf8');
let imports = 0;
let text = cjs.replace(/\b(await\s+)import\(/g, (_m, aw) => (imports++, `${aw}__hwperfImport(`));
// Rolldown hoists the Node built-ins of the ES-module packages inside oclif (is-wsl, wsl-utils, which Config.load
// reaches to name the platform) to the top of the file, and those packages promisify execFile when they load;
// node:child_process, used only to ask PowerShell about WSL on Windows, takes a few ms to load: it loads on first use.
text = text
  .replace(
    /^let node_child_process = require\("node:child_process"\);\nnode_child_process = (__toESM[\w$]*)\(node_child_process, 1\);$/m,
    (_m, toEsm) => `${LAZY_HELPER}let node_child_process = __hwperfLazy(() => ${toEsm}(require("node:child_process"), 1));`,
  )
  .replace(/\(0, node_util\.promisify\)\(node_child_process\.default\.execFile\)/g, '((...a) => (0, node_util.promisify)(node_child_process.default.execFile)(...a))');
writeFileSync(join(out, 'oclif.cjs'), text);
if (imports < 3) throw new Error(`bundle-cli: expected oclif's dynamic imports, found ${imports}: check scripts/bundle-cli.js against this @oclif/core`);
writeFileSync(
  join(out, 'oclif.js'),
  `// Generated by scripts/bundle-cli.js: oclif (oclif.cjs), run from the code cache made at build (oclif.cache).
import { fileURLToPath } from 'node:url';
import { loadCachedScript } from '../cli/cached-script.js';
const core = loadCachedScript(fileURLToPath(new URL('./oclif.cjs', import.meta.url)), fileURLToPath(new URL('./oclif.cache', import.meta.url)));
export const oclifScript = core;
${Object.keys(OCLIF_NAMES).map((n) => `export const ${n} = core.exports.${n};`).join('\n')}
`,
);

// ── the runner and the commands ──────────────────────────────────────────────────────────────────────────────
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
// bundled: our own modules; external: node builtins and every package (oclif: rewritten to dist/app/oclif.js below)
const external = (id) => builtins.has(id) || id.startsWith('node:') || !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0'));

// First pass: the module graph, to know what each command loads before its first dynamic import().
const graph = new Map(); // id → static imports
await build({
  input,
  cwd: root,
  platform: 'node',
  logLevel: 'silent',
  external,
  plugins: [
    {
      name: 'graph',
      buildEnd() {
        for (const id of this.getModuleIds()) graph.set(id, this.getModuleInfo(id)?.importedIds ?? []);
      },
    },
  ],
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
for (const e of Object.values(input)) for (const id of closure(e)) uses.set(id, (uses.get(id) ?? 0) + 1);
// `simulate` is the command whose start-up is budgeted (npm run bench); what it loads at start and another command
// loads too goes into one chunk.
const hot = closure(input['commands/simulate']);
const core = (id) => !id.includes(NM) && hot.has(id) && (uses.get(id) ?? 0) > 1;

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
    codeSplitting: { groups: [{ name: 'core', test: core }] },
  },
});
// the oclif import, as a path relative to each file
let rewired = 0;
const SPEC = /(from\s*|import\s*\(\s*)(['"])@oclif\/core\2/g;
const fix = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) fix(p);
    else if (e.name.endsWith('.js') && p !== join(out, 'oclif.js')) {
      const text = readFileSync(p, 'utf8');
      let rel = relative(dirname(p), join(out, 'oclif.js')).split(sep).join('/');
      if (!rel.startsWith('.')) rel = './' + rel;
      // every name imported from oclif must be one oclif.js exports (OCLIF_NAMES above): fail here, not at run time
      for (const m of text.matchAll(/(?:import|export)\s*\{([^}]*)\}\s*from\s*(['"])@oclif\/core\2/g)) {
        for (const spec of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
          const name = spec.split(/\s+as\s+/)[0];
          if (!(name in OCLIF_NAMES)) throw new Error(`bundle-cli: ${relative(root, p)} imports ${name} from @oclif/core: add it to OCLIF_NAMES in scripts/bundle-cli.js`);
        }
      }
      const next = text.replace(SPEC, (_m, pre, q) => `${pre}${q}${rel}${q}`);
      if (next !== text) {
        writeFileSync(p, next);
        rewired++;
      }
    }
  }
};
fix(out);
console.log(`cli bundle: dist/app/ (${commands.length} commands, ${rewired} files import oclif; ${lazy} of oclif's requires lazy, ${collation} ICU sort replaced)`);
