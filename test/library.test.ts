// Corpus test: every library file compiles (npm run build fails otherwise), every id docs/design.md names
// exists, and every spec carries sources.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { HARDWARE_IDS, MEMORY_IDS, MODEL_IDS } from './helpers/ids.js';

const lib = getLibrary();

describe('library corpus', () => {
  it.each(HARDWARE_IDS)('hardware %s exists with peaks, memory and sources', (id) => {
    const h = lib.hardware[id];
    expect(h, id).toBeDefined();
    expect(Object.keys(h!.matrixFlopPerS).length + Object.keys(h!.vectorFlopPerS).length).toBeGreaterThan(0);
    expect(h!.memory.capacityBytes).toBeGreaterThan(0);
    expect(h!.memory.bandwidthBytePerS).toBeGreaterThan(0);
    expect(lib.memory[h!.memory.technology], `${id} memory technology`).toBeDefined();
    expect(h!.sources.length).toBeGreaterThan(0);
  });
  it.each(MEMORY_IDS)('memory technology %s exists', (id) => {
    const m = lib.memory[id];
    expect(m, id).toBeDefined();
    if (m!.kind === 'stack') expect(m!.perStackBandwidthBytePerS).toBeGreaterThan(0);
    else expect(m!.pinRateBitPerS).toBeGreaterThan(0);
  });
  it.each(MODEL_IDS)('model %s exists with sources', (id) => {
    const m = lib.models[id];
    expect(m, id).toBeDefined();
    expect(m!.sources.length).toBeGreaterThan(0);
  });
  it('marks the GPT-4 MoE as rumoured', () => {
    expect(lib.models['gpt4-moe-1.8t']!.rumoured).toBe(true);
  });
  it('pipeline stages reference library models', () => {
    for (const m of Object.values(lib.models)) {
      if (m.family !== 'pipeline') continue;
      for (const s of m.stages) expect(lib.models[s.model], `${m.id} → ${s.model}`).toBeDefined();
    }
  });
});

describe('library sources stand alone', () => {
  it('no hardware, model or runtime cites a path outside the repository (a reader of `show` cannot open /work/…)', () => {
    const specs = [...Object.values(lib.hardware), ...Object.values(lib.models), ...Object.values(lib.runtimes)] as { id: string; sources?: string[] }[];
    const bad = specs.flatMap((s) => (s.sources ?? []).filter((x) => /(^|[\s(])\/(work|tmp|home|root)\//.test(x)).map((x) => `${s.id}: ${x}`));
    expect(bad).toEqual([]);
  });
});
