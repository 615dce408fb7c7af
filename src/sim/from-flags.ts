// simulate's flags (ids, files or loaded specs) → result: what `hwperf simulate` and the library API's
// simulate() share, so that the two cannot drift apart.
//
//   flags ──resolve model, hardware──▶ specs ──what-ifs (--memory, --set)──▶ flags that apply? ──▶ buildRequest
//         ──▶ simulate (or --auto-tp) ──▶ result (+ warnings: flags without effect, what an HF import left out)
import { libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { buildRequest, type FlagsLike } from './request.js';
import { checkFlagsApply } from './applicable.js';
import { simulateAutoTp } from './auto-tp.js';
import { simulate } from './simulate.js';
import { emitLaunch, parseEngine, type Launch } from '../emit/launch.js';
import type { NormalizedHardware, NormalizedModel, NormalizedRuntime } from '../spec/types.js';
import { bindRuntime, runtimeForRequest } from '../runtime/resolve.js';
import type { SimulateRequest, SimulateResult } from './types.js';

export interface SimulateFlags extends FlagsLike {
  model: string | NormalizedModel;
  hardware: string | NormalizedHardware;
  runtime?: string | NormalizedRuntime; // an id or file, or a loaded spec; default by hardware and family
  memory?: string;
  set?: string[];
  emit?: string; // vllm | sglang | tensorrt-llm: also the launch command (result.launch)
}

export interface SimulateRun {
  model: NormalizedModel;
  hardware: NormalizedHardware;
  request: SimulateRequest;
  result: SimulateResult & { launch?: Launch };
}

const kebab = (k: string) => k.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `flags` holds only what the user gave (defaults are the engine's to apply, and a flag that does not apply to
 *  the model's family is an error only when given) */
export async function simulateFromFlags(flags: SimulateFlags): Promise<SimulateRun> {
  const given = Object.keys(flags).filter((k) => flags[k] !== undefined).map(kebab);
  const model = typeof flags.model === 'string' ? await resolveModel(flags.model) : flags.model;
  const base = typeof flags.hardware === 'string' ? await resolveHardware(flags.hardware) : flags.hardware;
  // the runtime binds before the what-ifs, so that --set runtime.… edits the bound runtime (docs/runtimes.md)
  // --emit ENGINE without --runtime simulates that engine, so that the launch command deploys what was priced
  const engine = flags.emit === undefined || flags.emit === null ? undefined : parseEngine(String(flags.emit));
  const runtime = flags.runtime ?? engine;
  const driven = typeof runtime === 'object' ? bindRuntime(base, runtime) : await runtimeForRequest(base, model, runtime);
  const hardware = await applyWhatIfs(driven, flags.memory, flags.set);
  const resolve = (id: string) => libraryModel(id); // own keys only (never Object.prototype)
  const notes = checkFlagsApply(given, model, resolve, flags.batch as string | number | undefined);
  const request = buildRequest(flags, model, hardware, resolve);
  const autoTp = flags['auto-tp'] ?? flags.autoTp ?? flags.auto_tp;
  const result: SimulateResult & { launch?: Launch } = autoTp ? simulateAutoTp(request) : simulate(request);
  result.warnings.push(...notes);
  // what an imported Hugging Face config could not express travels with the result
  const importWarnings = (model as { import_warnings?: string[] }).import_warnings;
  if (importWarnings) result.warnings = [...importWarnings, ...result.warnings];
  if (engine) result.launch = emitLaunch(engine, result, model);
  return { model, hardware, request, result };
}
