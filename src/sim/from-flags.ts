// simulate's flags (ids, files or loaded specs) → result: what `hwperf simulate` and the library API's
// simulate() share, so that the two cannot drift apart.
//
//   flags ──resolve model, hardware──▶ specs ──what-ifs (--memory, --set)──▶ buildRequest ──▶ simulate ──▶ result
import { getLibrary, libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { buildRequest, type FlagsLike } from './request.js';
import { simulate } from './simulate.js';
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';

export interface SimulateFlags extends FlagsLike {
  model: string | NormalizedModel;
  hardware: string | NormalizedHardware;
  memory?: string;
  set?: string[];
}

export interface SimulateRun {
  model: NormalizedModel;
  hardware: NormalizedHardware;
  request: SimulateRequest;
  result: SimulateResult;
}

export async function simulateFromFlags(flags: SimulateFlags): Promise<SimulateRun> {
  const model = typeof flags.model === 'string' ? await resolveModel(flags.model) : flags.model;
  const base = typeof flags.hardware === 'string' ? await resolveHardware(flags.hardware) : flags.hardware;
  const hardware = await applyWhatIfs(base, flags.memory, flags.set);
  const resolve = (id: string) => getLibrary().models[id] ?? libraryModel(id);
  const request = buildRequest(flags, model, hardware, resolve);
  const result = simulate(request);
  // what an imported Hugging Face config could not express travels with the result
  const importWarnings = (model as { import_warnings?: string[] }).import_warnings;
  if (importWarnings) result.warnings = [...importWarnings, ...result.warnings];
  return { model, hardware, request, result };
}
