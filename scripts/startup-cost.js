// Start-up cost of the command line, in CPU time (not wall time: on a shared machine wall time is mostly other
// processes' turns). Each run is a fresh process whose own CPU time (process.cpuUsage at exit, from a preloaded
// hook) is read back; runs of the commands are interleaved so that a change in machine load touches each alike,
// and the median and minimum of each are printed. Then, in this process, the steps of loading dist/app/cli.cjs
// (src/cli/cached-script.ts): reading the bundle and its code cache, the checksums, V8 deserialising the cache, and
// running the bundle's top level. Nothing here is asserted (npm test has no wall- or CPU-clock test).
//
//   node scripts/startup-cost.js [runs=15]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import zlib from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const tmp = mkdtempSync(join(tmpdir(), 'hwperf-startup-'));
const hook = join(tmp, 'cpu-at-exit.cjs');
writeFileSync(hook, "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String((u.user + u.system) / 1000)); });\n");
const bin = join(root, 'bin', 'run.js');
const commands = {
  'node (bare)': ['-e', '0'],
  '--version': [bin, '--version'],
  'list hardware': [bin, 'list', 'hardware'],
  'simulate --json': [bin, 'simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--json'],
};
const ms = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const r = spawnSync(process.execPath, ['-r', hook, ...args], { cwd: tmp, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`startup-cost: ${name} exited ${r.status}`);
    ms[name].push(Number(r.output[3].toString()));
  }
}
rmSync(tmp, { recursive: true, force: true });
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`CPU time per process, ${runs} interleaved runs (median / min, ms):`);
for (const [name, v] of Object.entries(ms)) console.log(`  ${name.padEnd(16)} ${median(v).toFixed(1).padStart(6)} / ${Math.min(...v).toFixed(1).padStart(6)}`);

// the steps of loading the bundle, in this process (CPU time, ms)
const app = join(root, 'dist', 'app');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = cpu();
const bytes = readFileSync(join(app, 'cli.cjs'));
const source = bytes.toString('latin1');
const t1 = cpu();
const cache = readFileSync(join(app, 'cli.cache'));
const t2 = cpu();
const valid = cache.readUInt32LE(0) === zlib.crc32(bytes) && cache.readUInt32LE(4) === zlib.crc32(cache.subarray(8));
const t3 = cpu();
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __hwperfImport) {${source}\n})`, { filename: join(app, 'cli.cjs'), cachedData: valid ? cache.subarray(8) : undefined });
const t4 = cpu();
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(join(app, 'cli.cjs')), mod, join(app, 'cli.cjs'), app, (s) => import(s));
const t5 = cpu();
console.log(`loading dist/app/cli.cjs (${(bytes.length / 1e6).toFixed(2)} MB, cache ${(cache.length / 1e3).toFixed(0)} kB${valid && !script.cachedDataRejected ? '' : ', NOT USED'}), CPU ms:`);
console.log(`  read bundle ${(t1 - t0).toFixed(1)}, read cache ${(t2 - t1).toFixed(1)}, checksums ${(t3 - t2).toFixed(1)}, deserialise ${(t4 - t3).toFixed(1)}, top level ${(t5 - t4).toFixed(1)}`);
