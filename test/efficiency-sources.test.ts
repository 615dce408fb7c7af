// Phone-SoC memory efficiencies are measured fractions with a named source, and the Hexagon NPU DMA measurement
// (T-MAN Table 2, Snapdragon 8 Gen 3) is applied to that NPU generation only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';

const lib = getLibrary();
const PHONE_FILES = [
  'hardware/qualcomm/snapdragon-8-gen2.yaml',
  'hardware/qualcomm/snapdragon-8-gen3.yaml',
  'hardware/qualcomm/snapdragon-8-elite.yaml',
  'hardware/qualcomm/snapdragon-8-elite-gen5.yaml',
  'hardware/mediatek/dimensity-9300.yaml',
  'hardware/mediatek/dimensity-9400.yaml',
  'hardware/apple/apple-a17-pro.yaml',
  'hardware/apple/apple-a18-pro.yaml',
];

describe('phone SoC memory efficiency sources', () => {
  it.each(PHONE_FILES)('%s: an explicit efficiency.memory carries a source', (file) => {
    const text = readFileSync(file, 'utf8');
    const block = text.split(/^efficiency:/m)[1]?.split(/^sources:/m)[0] ?? '';
    if (/^\s+memory:\s*[\d.]+/m.test(block)) expect(block).toMatch(/^\s+source:\s*\S/m);
  });

  it('Snapdragon 8 Gen 3 reaches the measured NPU DMA rate (59 GB/s of 76.8)', () => {
    const h = lib.hardware['snapdragon-8-gen3']!;
    expect(h.efficiency.memory).toBe(0.77);
    expect((h.efficiency.memory * h.memory.bandwidthBytePerS) / 1e9).toBeCloseTo(59, 0);
  });
});
