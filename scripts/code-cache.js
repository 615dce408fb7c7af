// Build step (last, after the manifest): V8's code cache for dist/app/cli.cjs (src/cli/cached-script.ts reads
// it). V8 caches the functions compiled so far, so the cache is taken after representative commands have run in
// this process (their output discarded): what `hwperf simulate … --json` compiles at start-up then comes from the
// cache. Made here, at build, never at run time; a cache V8 rejects (another Node, other flags) is ignored.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'dist', 'app', 'cli.cache');
rmSync(cache, { force: true });
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { script, execute } = await import('../dist/app/cli.js');
const write = process.stdout.write;
process.stdout.write = () => true;
try {
  await execute({ args: ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--json'], dir: root });
} finally {
  process.stdout.write = write;
}
if (process.exitCode) throw new Error(`code-cache: the representative simulate failed (exit ${process.exitCode}): see above`);
let data;
try {
  data = script.createCache();
} catch (e) {
  console.log(`code cache: none (${e.message}); the command line compiles at each start`);
  process.exit(0);
}
writeFileSync(cache + '.tmp', data);
renameSync(cache + '.tmp', cache);
console.log(`code cache: dist/app/cli.cache, ${(data.length / 1024).toFixed(0)} KB`);
