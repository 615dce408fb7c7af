// A sweep row's flags → a SimulateRequest, through the one mapping `simulate` uses (src/sim/request.ts),
// so that a sweep row and `hwperf simulate` with the same flags give the same answer. Pipelines resolve
// their stage models from the compiled library (loaded once per worker, on first use).
import type { SimulateRequest } from '../sim/types.js';
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { buildRequest } from '../sim/request.js';
import { libraryModel } from '../spec/library.js';
import type { SweepFlags } from './evaluate.js';

export function sweepRequest(flags: SweepFlags, model: NormalizedModel, hardware: NormalizedHardware): SimulateRequest {
  return buildRequest(flags, model, hardware, libraryModel);
}
