// A pipeline's stages run on the same hardware: an energy warning about that hardware is said once, not once per
// stage again with the stage's name in front.
import { describe, expect, it } from 'vitest';
import { loadHardware, simulate } from '../src/index.js';

describe('pipeline warnings', () => {
  it('a hardware energy warning appears once, unprefixed', async () => {
    const hw = await loadHardware('h100-sxm');
    const noTdp = { ...hw, id: 'h100-no-tdp', power: { ...hw.power, tdpW: undefined } };
    const r = await simulate({ model: 'flux.1-dev', hardware: noTdp, steps: 4 });
    const energy = r.warnings.filter((w) => /energy: .*has no TDP/.test(w));
    expect(energy).toEqual(['energy: h100-no-tdp has no TDP; static power is not counted and energy is a lower bound (set power.tdp)']);
  });
});
