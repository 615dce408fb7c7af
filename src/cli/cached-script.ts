// A CommonJS bundle run from V8's code cache (start-up, issue 15). Compiling oclif's ~570 KB bundle was about a
// quarter of a `hwperf simulate` process; Node 20 caches no compiled code of its own (module.enableCompileCache
// came in 22), but vm.Script takes a cache that V8 produced for the same source (`cachedData`). The cache is made
// at build (scripts/code-cache.js), never at run time. V8 checks a cache's version, flags and source length but,
// in release builds, not its bytes (a damaged cache with a valid header crashes the process), so the file starts
// with the SHA-256 of the source it was made for and of the cache itself, and is used only when both match; a
// missing, stale, damaged or rejected cache (another Node, other V8 flags) compiles the source as usual.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const HASH_BYTES = 32; // file: sha256(source) ‖ sha256(cache) ‖ cache

export interface CachedScript {
  exports: Record<string, unknown>;
  /** whether V8 used the cache (false: none, stale, or rejected) */
  cached: boolean;
  /** the cache for this source as it stands now (scripts/code-cache.js writes it after a representative run) */
  createCache(): Buffer;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

export function loadCachedScript(file: string, cacheFile: string): CachedScript {
  const source = readFileSync(file, 'utf8');
  const hash = sha256(source);
  let cachedData: Buffer | undefined;
  try {
    const c = readFileSync(cacheFile);
    const data = c.subarray(2 * HASH_BYTES);
    if (data.length && c.subarray(0, HASH_BYTES).equals(hash) && c.subarray(HASH_BYTES, 2 * HASH_BYTES).equals(sha256(data))) cachedData = data;
  } catch {
    cachedData = undefined; // no cache: compile
  }
  // __hwperfImport: the bundle's `await import(x)` calls (scripts/bundle-cli.js); a vm.Script has no module loader
  // of its own in Node 20 without an experimental flag, so they go to this module's import()
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __hwperfImport) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), (s: string) => import(s));
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    createCache: () => {
      const data = script.createCachedData();
      return Buffer.concat([hash, sha256(data), data]);
    },
  };
}
