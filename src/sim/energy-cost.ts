// TEMPORARY STUB (replaced by the energy and cost module).
import type { NormalizedHardware } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
export function energyAndCost(
  _result: SimulateResult,
  _hw: NormalizedHardware,
  _req: SimulateRequest,
): Pick<SimulateResult, 'energy_j_per_token' | 'energy_source' | 'cost_usd_per_mtok' | 'price_usd_per_hour'> {
  return { energy_j_per_token: null, energy_source: null, cost_usd_per_mtok: null, price_usd_per_hour: null };
}
