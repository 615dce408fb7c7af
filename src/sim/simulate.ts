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
  return result;
}
