// Build step (after tsc): the command line as one CommonJS file run from V8's code cache (issue 15: start-up;
// docs/design.md "Start-up"). tsc's dist/ is ~100 ES modules and oclif is ~85 CommonJS ones; resolving, compiling
// and initialising them one by one was most of a `hwperf simulate` process, and Node 20 keeps no compiled code of
// an ES module between runs. Rolldown (already in the tree as vite's bundler) makes dist/app/:
//   cli.cjs        oclif, the runner and every command as one CommonJS file: oclif with only what hwperf uses as
//                  entry points (Command, Flags, Args, Errors, execute) and its internal top-level require()s
//                  made lazy (below), so help, ux, semver, globbing and templates initialise only when a path
//                  needs them; each command module initialises when oclif loads that command (a dynamic import
//                  in the source, a lazy init function in the bundle). It is run through src/cli/cached-script.ts
//                  from V8's code cache (cli.cache, scripts/code-cache.js), so what a command runs at start comes
//                  compiled.
//   cli.js         the ES module that loads cli.cjs: one copy of oclif and of every hwperf module, whether a command
//                  comes through bin/run.js or through a file below.
//   commands/<id>.js  (package.json "oclif.commands", the manifest's paths) one line each: the command from cli.js,
//                  for oclif's discovery and for a Config loaded from outside (@oclif/test). oclif's own
//                  `import()` of these files, from inside cli.cjs, goes to the bundled command without them.
// Packages other than oclif (ajv, yaml, mathjs, chart.js, canvas) stay external: they load from node_modules
// only on the paths that import them. The library API (dist/index.js), the sweep and bench workers and tests stay
// on tsc's output; paths that depend on where code sits go through src/spec/paths.ts.
import { build } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'app');
const NM = /[\\/]node_modules[\\/]/;
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
const oclifEntry = join(dist, 'app-oclif-entry.cjs');
writeFileSync(oclifEntry, Object.entries(OCLIF_NAMES).map(([n, r]) => `Object.defineProperty(exports, '${n}', { enumerable: true, get: () => ${r} });`).join('\n') + '\n');
// oclif's lib/ is TypeScript's CommonJS output: `const x_1 = require("./x");` (or wrapped in __importDefault /
// __importStar) at the top of each file. Each becomes a proxy that requires on first use, so a module that a
// path never touches is never initialised (oclif's main, flags and config all require the whole help system, and
// config requires ejs, semver and the globbing libraries, at load). The proxy's target is a function, so a module
// that is itself a function (wrap-ansi's `wordwrap(…)`) can be called through it. A require that a file's own top
// level uses is simply loaded then. A line that does not match stays eager: correct, just not lazy.
const LAZY_REQUIRE = /^(const|var|let) ([\w$]+) = ((?:__importDefault|__importStar)\()?require\(("[^"\n]+"|'[^'\n]+')\)(\)?);$/gm;
const LAZY_HELPER =
  'function __hwperfLazy(load) { let m; const get = () => (m ??= load()); ' +
  'return new Proxy(function () {}, { get: (_, k) => get()[k], has: (_, k) => k in get(), set: (_, k, v) => ((get()[k] = v), true), ' +
  'apply: (_, t, a) => Reflect.apply(get(), t, a), construct: (_, a) => Reflect.construct(get(), a) }); }\n';
let lazy = 0;
let collation = 0;
let quietDebug = 0;
const lazyOclif = {
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
    let sorted = text.replace('.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))');
    if (sorted !== text) collation++;
    // oclif's logger makes a `debug` instance per namespace on every start; the debug package (with supports-color,
    // tty and os) then initialises, ~3 ms of CPU a process. Its node build enables namespaces from process.env.DEBUG
    // alone (debug/src/node.js load()), and oclif never calls debug.enable(): with DEBUG unset or empty every instance
    // is off, so each is a no-op function with the same shape (enabled, namespace, extend); with DEBUG set, the real one.
    const quiet = sorted.replace(
      'const debug_1 = __hwperfLazy(() => __importDefault(require("debug")));',
      'const debug_1 = process.env.DEBUG ? __hwperfLazy(() => __importDefault(require("debug"))) : { default: (namespace) => Object.assign(() => {}, { enabled: false, namespace, extend: () => () => {} }) };',
    );
    if (quiet !== sorted) quietDebug++;
    sorted = quiet;
    return n || sorted !== text ? { code: LAZY_HELPER + sorted, map: null } : null;
  },
};

// every name hwperf imports from oclif must be one the entry exports (OCLIF_NAMES): fail here, not at run time
const oclifNames = {
  name: 'oclif-names',
  transform(code, id) {
    if (NM.test(id)) return null;
    for (const m of code.matchAll(/(?:import|export)\s*\{([^}]*)\}\s*from\s*(['"])@oclif\/core\2/g)) {
      for (const spec of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
        const name = spec.replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        if (!spec.startsWith('type ') && !(name in OCLIF_NAMES)) throw new Error(`bundle-cli: ${relative(root, id)} imports ${name} from @oclif/core: add it to OCLIF_NAMES in scripts/bundle-cli.js`);
      }
    }
    return null;
  },
};

// ── the runner and the commands ──────────────────────────────────────────────────────────────────────────────
const commands = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) commands.push(relative(join(dist, 'commands'), p).split(sep).join('/'));
  }
};
walk(join(dist, 'commands'));
commands.sort();
// the entry: oclif's runner, and each command behind a dynamic import (initialised when first loaded)
const entry = join(dist, 'app-entry.js');
writeFileSync(
  entry,
  `export { execute } from '@oclif/core';\nexport const commands = {\n${commands.map((c) => `  ${JSON.stringify(c)}: () => import('./commands/${c}'),`).join('\n')}\n};\n`,
);
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
await build({
  input: entry,
  cwd: root,
  platform: 'node',
  logLevel: 'warn',
  // bundled: our own modules, oclif and what oclif requires; external: Node's built-ins and the packages hwperf's
  // own code imports (ajv, yaml, mathjs, chart.js, canvas)
  external: (id, importer) => builtins.has(id) || id.startsWith('node:') || (!id.startsWith('@oclif/core') && !NM.test(importer ?? '') && !/^[./\0]/.test(id)),
  resolve: { alias: { '@oclif/core': oclifEntry } },
  plugins: [lazyOclif, oclifNames],
  // no comments (a third of the text, read at every start): licence comments stay
  output: { file: join(out, 'cli.cjs'), format: 'cjs', codeSplitting: false, comments: { legal: true, annotation: false, jsdoc: false } },
});
rmSync(oclifEntry, { force: true });
rmSync(entry, { force: true });

// ── edits to the bundle ──────────────────────────────────────────────────────────────────────────────────────
let text = readFileSync(join(out, 'cli.cjs'), 'utf8');
// Rolldown hoists every external import to the top of the file, whichever module (initialised lazily or not)
// imports it: ajv and yaml (the spec layer, for user files), node:crypto, node:child_process (wsl-utils, to ask
// PowerShell about WSL on Windows), node:worker_threads (the sweep)… Each loads on first use instead; the
// modules every start needs (fs, path, url) stay as they are.
const EAGER = new Set(['node:fs', 'node:path', 'node:url']);
let lazyExternal = 0;
text = text.replace(/^let ([\w$]+) = require\(("[^"\n]+")\);\n(?:\1 = (__toESM[\w$]*)\(\1, 1\);\n)?/gm, (m, name, spec, toEsm) => {
  if (EAGER.has(JSON.parse(spec))) return m;
  lazyExternal++;
  return `let ${name} = __hwperfLazy(() => ${toEsm ? `${toEsm}(require(${spec}), 1)` : `require(${spec})`});\n`;
});
// wsl-utils promisifies execFile when it loads: only when called, so that node:child_process stays unloaded
text = text.replace(/\(0, node_util\.promisify\)\(node_child_process\.default\.execFile\)/g, '((...a) => (0, node_util.promisify)(node_child_process.default.execFile)(...a))');
// `await import(…)` (oclif loading a command or a config file; hwperf loading mathjs, chart.js or canvas): a
// vm.Script has no module loader of its own in Node 20 without an experimental flag, so these calls go to the
// importer that dist/app/cli.js passes in (a real import() from an ES module, or a bundled command).
let imports = 0;
text = text.replace(/\bawait(\s+)import\(/g, (_m, sp) => (imports++, `await${sp}__hwperfImport(`));
if (imports < 6) throw new Error(`bundle-cli: expected oclif's and hwperf's dynamic imports, found ${imports}: check scripts/bundle-cli.js against this @oclif/core`);
if (/[^\w$.]import\(\s*["'`]/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) throw new Error('bundle-cli: an import() the bundle cannot run (not awaited): see scripts/bundle-cli.js');
// ASCII only: hwperf's sources and oclif's dependencies hold non-ASCII text (≤, →, spinners' Braille, …), which makes
// Node decode the whole file as UTF-8 into a two-byte string on every start (~4 ms for this file); each such
// character becomes a \uXXXX escape, which means the same in strings, regular expressions, identifiers and
// comments. Only a tagged template's raw text would differ: the build fails if one holds such a character.
text = LAZY_HELPER + text;
const walkAst = (node, visit) => {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walkAst(n, visit));
  if (typeof node.type === 'string') visit(node);
  for (const k in node) if (k !== 'parent' && node[k] && typeof node[k] === 'object') walkAst(node[k], visit);
};
walkAst(parseAst(text), (n) => {
  if (n.type === 'TaggedTemplateExpression' && /[^\x00-\x7f]/.test(text.slice(n.quasi.start, n.quasi.end))) {
    throw new Error(`bundle-cli: a tagged template holds non-ASCII text (${JSON.stringify(text.slice(n.start, n.start + 60))}): escape it in the source`);
  }
});
let escaped = 0;
text = text.replace(/[^\x00-\x7f]/g, (c) => (escaped++, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
writeFileSync(join(out, 'cli.cjs'), text);

// ── the loader and the ES modules around it ──────────────────────────────────────────────────────────────────
// index.cjs loads cli.cjs through src/cli/cached-script.ts (bundled in): CommonJS, so that bin/run.js reaches the
// command line through one require() rather than a chain of ES modules (each one resolved, linked and, for a
// built-in such as node:fs, given an ES facade that initialises every export: fs's streams). oclif's import() of a
// file under commands/ gets the bundled command; every other import() is a real one.
const loaderEntry = join(dist, 'app-load-entry.cjs');
writeFileSync(
  loaderEntry,
  `const { loadCachedScript } = require('./cli/cached-script.js');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const COMMANDS = pathToFileURL(join(__dirname, 'commands')).href + '/';
const bundled = (s) => (typeof s === 'string' && s.startsWith(COMMANDS) ? script.exports.commands[s.slice(COMMANDS.length)] : undefined);
const script = loadCachedScript(join(__dirname, 'cli.cjs'), join(__dirname, 'cli.cache'), (s) => (bundled(s) ?? (() => import(s)))());
module.exports = {
  script,
  execute: script.exports.execute,
  /** a command's module by its file under commands/ ('simulate.js', 'show/model.js') */
  command: (file) => script.exports.commands[file](),
};
`,
);
await build({
  input: loaderEntry,
  cwd: root,
  platform: 'node',
  logLevel: 'warn',
  external: (id) => builtins.has(id) || id.startsWith('node:'),
  output: { file: join(out, 'index.cjs'), format: 'cjs', codeSplitting: false },
});
rmSync(loaderEntry, { force: true });
writeFileSync(
  join(out, 'cli.js'),
  `// Generated by scripts/bundle-cli.js: the command line (cli.cjs, loaded by index.cjs) as an ES module.
import { createRequire } from 'node:module';
const cli = createRequire(import.meta.url)('./index.cjs');
export const script = cli.script;
export const execute = cli.execute;
export const command = cli.command;
`,
);
for (const c of commands) {
  const p = join(out, 'commands', c);
  mkdirSync(dirname(p), { recursive: true });
  const rel = relative(dirname(p), join(out, 'cli.js')).split(sep).join('/');
  writeFileSync(p, `import { command } from '${rel.startsWith('.') ? rel : './' + rel}';\nexport default (await command(${JSON.stringify(c)})).default;\n`);
}
console.log(`cli bundle: dist/app/cli.cjs (${commands.length} commands; ${lazy} of oclif's requires and ${lazyExternal} external imports lazy, ${collation} ICU sort replaced, ${quietDebug} debug logger off without DEBUG)`);
