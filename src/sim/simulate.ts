// simulate(request) ──family engine──▶ SimulateResult ──energy & cost──▶ SimulateResult
import { FAMILY_SIMULATORS } from './families.js';
import { energyAndCost } from './energy-cost.js';
import { UserError } from '../spec/errors.js';
import type { SimulateRequest, SimulateResult } from './types.js';

export function simulate(req: SimulateRequest): SimulateResult {
  // 1. the family's engine (pure arithmetic on plain numbers)
  const engine = FAMILY_SIMULATORS[req.model.family];
  if (!engine) throw new UserError(`simulate: no engine for family "${req.model.family}"`);
  const result = engine(req);
  // 2. energy per token and cost per million tokens from the work done
  Object.assign(result, energyAndCost(result, req.hardware, req));
  // 3. pipelines: energy of one run (one request through every stage) under its own key; per token only where a
  //    decoder makes tokens
  if (result.family === 'pipeline') {
    const w = result.work;
    const perItem = result.energy_j_per_token ?? null;
    result.energy_j_per_run = perItem !== null && w ? (perItem * w.items) / Math.max(1, result.batch ?? 1) : null;
    if (result.output_tokens === undefined) result.energy_j_per_token = null;
  }
  return result;
}
