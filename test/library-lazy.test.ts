// dist/library.json is parsed an entry at a time (src/spec/library.ts parseLibrary; start-up, issue 15): the same
// library as parsing the whole document, entry by entry, with the same keys in the same order.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { COMPILED_LIBRARY } from '../src/spec/paths.js';
import { parseLibrary } from '../src/spec/library.js';

const text = readFileSync(COMPILED_LIBRARY, 'utf8');

describe('parseLibrary', () => {
  it('reads the compiled library as JSON.parse does', () => {
    expect(text.split('\n')[0]).toBe('{'); // the layout scripts/compile-library.js writes: one entry per line
    const lazy = parseLibrary(text);
    const whole = JSON.parse(text);
    for (const k of ['models', 'hardware', 'memory', 'runtimes'] as const) {
      expect(Object.keys(lazy[k])).toEqual(Object.keys(whole[k]));
      expect(Object.keys(lazy[k]).length).toBeGreaterThan(0);
    }
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(whole);
  });

  it('parses an entry once, on first read; an entry can be replaced', () => {
    const lib = parseLibrary(text);
    const before = Object.getOwnPropertyDescriptor(lib.hardware, 'h100-sxm')!;
    expect(before.get).toBeTypeOf('function'); // not parsed yet
    const h = lib.hardware['h100-sxm']!;
    expect(h.id).toBe('h100-sxm');
    expect(lib.hardware['h100-sxm']).toBe(h); // the same object afterwards
    expect(Object.getOwnPropertyDescriptor(lib.hardware, 'h100-sxm')).toMatchObject({ value: h, enumerable: true, writable: true });
    expect(Object.hasOwn(lib.models, 'gpt2')).toBe(true);
    (lib.models as Record<string, unknown>).gpt2 = 'replaced';
    expect((lib.models as Record<string, unknown>).gpt2).toBe('replaced');
  });

  it('a document in another layout is parsed whole', () => {
    const compact = JSON.stringify({ models: { a: { id: 'a' } }, hardware: {}, memory: {}, runtimes: {} });
    expect(parseLibrary(compact)).toEqual(JSON.parse(compact));
    const odd = '{\n"models":{\n"a":{"id":"a"}\n},\n"x": 1\n}\n';
    expect(parseLibrary(odd)).toEqual(JSON.parse(odd));
  });
});
