// TEMPORARY STUB: replaced by the family's engine.
import type { SimulateRequest, SimulateResult } from './types.js';
import { UserError } from '../spec/errors.js';
export function simulateDit(req: SimulateRequest): SimulateResult {
  throw new UserError(`simulate: family ${req.model.family} is not implemented yet`);
}
