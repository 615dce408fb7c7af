// Build step (after tsc): oclif as one file. @oclif/core's CommonJS graph is ~85 modules (help, ux, parser,
// config, minimatch, ejs, …); resolving and compiling them one by one was most of a `hwperf simulate` process's
// start-up (issue 15: ~230 ms of ~330 ms on a loaded 2-core machine; the bundled file loads in ~5 ms).
// Rolldown (already in the tree as vite's bundler) inlines it into dist/vendor/oclif-core.js, and the compiled
// dist/**/*.js import that file instead of the package — the runner (bin/run.js) too, so Config, Command and
// the error classes are one instance. Tests that import from src/ keep using the package.
import { build } from 'rolldown';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const vendor = join(dist, 'vendor', 'oclif-core.js');
const entry = join(dist, 'vendor', 'oclif-entry.js');

mkdirSync(dirname(vendor), { recursive: true });
// @oclif/core is CommonJS: `export *` from it would export nothing once bundled, so its names are listed.
const names = Object.keys(createRequire(import.meta.url)('@oclif/core')).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
writeFileSync(entry, `import core from '@oclif/core';\nexport const { ${names.join(', ')} } = core;\nexport default core;\n`);
await build({
  input: entry,
  cwd: root,
  platform: 'node',
  logLevel: 'warn',
  output: { file: vendor, format: 'esm', codeSplitting: false },
});

const SPEC = /(from\s+|import\s*\(\s*)(['"])@oclif\/core\2/g;
let rewritten = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== dirname(vendor)) walk(p);
    } else if (e.name.endsWith('.js')) {
      const text = readFileSync(p, 'utf8');
      if (!SPEC.test(text)) continue;
      let rel = relative(dirname(p), vendor).split(sep).join('/');
      if (!rel.startsWith('.')) rel = './' + rel;
      writeFileSync(p, text.replace(SPEC, (_m, pre, q) => `${pre}${q}${rel}${q}`));
      rewritten++;
    }
  }
};
walk(dist);
console.log(`oclif bundle: dist/vendor/oclif-core.js, ${rewritten} modules import it`);
