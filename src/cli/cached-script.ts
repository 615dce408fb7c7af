// A CommonJS bundle run from V8's code cache (start-up, issue 15). Compiling the command line (oclif and hwperf,
// dist/app/cli.cjs) was about a quarter of a `hwperf simulate` process; Node 20 caches no compiled code of its own (module.enableCompileCache
// came in 22), but vm.Script takes a cache that V8 produced for the same source (`cachedData`). The cache is made
// at build (scripts/code-cache.js), never at run time. V8 checks a cache's version, flags and source length but,
// in release builds, not its bytes (a damaged cache with a valid header crashes the process), so the file starts
// with the CRC-32 of the source it was made for and of the cache itself (as Node 22's own compile cache does), and
// is used only when both match; a missing, stale, damaged or rejected cache (another Node, other V8 flags), or a
// Node without zlib.crc32 (before 20.15), compiles the source as usual. CRC-32 rather than a cryptographic hash:
// it guards against accidents, not attackers (who could edit the source itself), and node:crypto costs ~5 ms
// to load where zlib, whose streams are already loaded, costs ~1.
import { readFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const HEADER = 8; // file: crc32(source bytes) ‖ crc32(cache) (u32 LE each) ‖ cache

export interface CachedScript {
  exports: Record<string, unknown>;
  /** whether V8 used the cache (false: none, stale, or rejected) */
  cached: boolean;
  /** the cache for this source as it stands now (scripts/code-cache.js writes it after a representative run) */
  createCache(): Buffer;
}

const crc32 = (zlib as { crc32?: (data: string | Buffer) => number }).crc32;

/** the bundle's dynamic imports go to `importer` (default: this module's import()) */
export function loadCachedScript(file: string, cacheFile: string, importer: (specifier: string) => Promise<unknown> = (s) => import(s)): CachedScript {
  const bytes = readFileSync(file);
  // the bundle is ASCII (scripts/bundle-cli.js escapes the rest): read as Latin-1, a one-byte string with no UTF-8
  // decoding; the same text as UTF-8 for any ASCII file
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  try {
    const c = crc32 && readFileSync(cacheFile);
    if (c && c.length > HEADER) {
      const data = c.subarray(HEADER);
      if (c.readUInt32LE(0) === crc32!(bytes) && c.readUInt32LE(4) === crc32!(data)) cachedData = data;
    }
  } catch {
    cachedData = undefined; // no cache: compile
  }
  // __hwperfImport: the bundle's `await import(x)` calls (scripts/bundle-cli.js); a vm.Script has no module loader
  // of its own in Node 20 without an experimental flag, so they go to the importer
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __hwperfImport) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importer);
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    createCache: () => {
      if (!crc32) throw new Error('a code cache needs zlib.crc32 (Node ≥ 20.15)');
      const data = script.createCachedData();
      const header = Buffer.alloc(HEADER);
      header.writeUInt32LE(crc32(bytes), 0);
      header.writeUInt32LE(crc32(data), 4);
      return Buffer.concat([header, data]);
    },
  };
}
