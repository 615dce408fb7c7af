// Gaudi GEMM fractions from the MAMF v2 benchmark (stas00/ml-engineering PRs #117 and #118): caches flushed, device
// trace checked. Sources: hardware/intel/gaudi2.yaml, gaudi3.yaml.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { lookupEfficiency } from '../src/hardware/efficiency.js';

const lib = getLibrary();
const large = 8.8e12; // FLOP: the top of the size tables, where a scalar spec value applies in full

describe('Gaudi MAMF v2', () => {
  it('Gaudi 2: bf16 418.7 / 432 and fp8 826.5 / 865 (v1 bf16 429.3 did not flush caches)', () => {
    const e = lib.hardware['gaudi2']!.efficiency;
    expect(lookupEfficiency(e.gemm, large)).toBeCloseTo(0.969, 3);
    expect(lookupEfficiency(e.gemmByDtype!.fp8!, large)).toBeCloseTo(0.955, 3);
  });
  it('Gaudi 3: fp8 1289.5 / 1677 above the bf16 1243 / 1677 (the clock drops less under fp8)', () => {
    const e = lib.hardware['gaudi3']!.efficiency;
    expect(lookupEfficiency(e.gemmByDtype!.fp8!, large)).toBeCloseTo(0.769, 3);
    expect(lookupEfficiency(e.gemm, large)).toBeCloseTo(0.741, 3);
  });
});
