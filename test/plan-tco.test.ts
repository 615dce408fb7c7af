// plan's options carry the TCO keys (issue 14: TCO wherever cost is reported), from the same tco() serve uses:
// the whole deployment's purchase price amortised plus its energy at the modelled power.
import { describe, expect, it } from 'vitest';
import { plan } from '../src/index.js';

describe('plan TCO', () => {
  it('every option has tco_usd_per_hour, tco_usd_per_mtok and tokens_per_s_per_mw; a priced part gets numbers', async () => {
    const r = await plan({ model: 'llama-3.1-8b', rate: 5, sloTpot: '50ms', maxDevices: 2, requests: 200, hardware: 'h100-sxm' });
    expect(r.options.length).toBeGreaterThan(0);
    for (const o of r.options) {
      expect(o).toHaveProperty('tco_usd_per_hour');
      expect(o).toHaveProperty('tco_usd_per_mtok');
      expect(o).toHaveProperty('tokens_per_s_per_mw');
      // h100-sxm has a cited purchase price and TDP: TCO is a positive number, per Mtok consistent with per hour
      expect(o.tco_usd_per_hour!).toBeGreaterThan(0);
      expect(o.tokens_per_s_per_mw!).toBeGreaterThan(0);
      expect(o.tco_usd_per_mtok!).toBeGreaterThan(0);
    }
  });
});
