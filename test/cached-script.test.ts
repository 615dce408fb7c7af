// src/cli/cached-script.ts: a CommonJS bundle run from a V8 code cache made at build (start-up, issue 15). The
// cache is used only for the exact source it was made for and only when intact; anything else compiles as usual.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCachedScript } from '../src/cli/cached-script.js';

const dir = mkdtempSync(join(tmpdir(), 'hwperf-cache-'));
const src = join(dir, 'bundle.cjs');
const cache = join(dir, 'bundle.cache');
const SOURCE = `const os = require('node:os');
function twice(x) { return 2 * x; }
exports.value = twice(21);
exports.file = __filename;
exports.platform = os.platform();
exports.load = async () => (await __hwperfImport('node:path')).sep;
`;

describe('loadCachedScript', () => {
  it('runs the source without a cache, and from the cache it made', async () => {
    writeFileSync(src, SOURCE);
    const first = loadCachedScript(src, cache);
    expect(first.cached).toBe(false);
    expect(first.exports).toMatchObject({ value: 42, file: src, platform: process.platform });
    expect(await (first.exports.load as () => Promise<string>)()).toBe('/');
    writeFileSync(cache, first.createCache());
    const second = loadCachedScript(src, cache);
    expect(second.cached).toBe(true);
    expect(second.exports).toMatchObject({ value: 42, file: src });
  });

  it('ignores a cache made for other source, even of the same length', () => {
    writeFileSync(src, SOURCE);
    writeFileSync(cache, loadCachedScript(src, cache).createCache());
    writeFileSync(src, SOURCE.replace('2 * x', '3 * x'));
    const r = loadCachedScript(src, cache);
    expect(r.cached).toBe(false);
    expect(r.exports.value).toBe(63);
  });

  it('ignores a damaged cache whose header names the right source (V8 would run it and crash)', () => {
    writeFileSync(src, SOURCE);
    writeFileSync(cache, loadCachedScript(src, cache).createCache());
    const bytes = readFileSync(cache);
    bytes.fill(7, 8);
    writeFileSync(cache, bytes);
    const r = loadCachedScript(src, cache);
    expect(r.cached).toBe(false);
    expect(r.exports.value).toBe(42);
  });

  it('ignores a truncated or empty cache file', () => {
    writeFileSync(src, SOURCE);
    writeFileSync(cache, loadCachedScript(src, cache).createCache().subarray(0, 6));
    expect(loadCachedScript(src, cache).cached).toBe(false);
    writeFileSync(cache, '');
    expect(loadCachedScript(src, cache).exports.value).toBe(42);
  });
});
