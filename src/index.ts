// The library API: the commands' cores as functions. Each takes the command's flags as an object (kebab-case,
// snake_case or camelCase names; models and hardware as library ids, spec files, Hugging Face config.json
// paths or specs already loaded) and returns what `--json` prints. Nothing is printed; a user mistake throws
// a UserError (one line per problem in `message`, the problems as data in `issues`), a bug a plain Error.
//
//   import { simulate, serve, train, sweep, loadModel, loadHardware } from 'hwperf';
//   const r = await simulate({ model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 4, batch: 16 });
//   r.tpot_s, r.throughput_tok_s, r.memory.fits, r.runtime
import { libraryModel, resolveHardware, resolveModel } from './spec/library.js';
import { applyWhatIfs } from './hardware/whatif.js';
import { serve as runServe, type ServeResult } from './serve/serve.js';
import { serveOptions } from './serve/flags.js';
import type { Launch } from './emit/launch.js';
import { simulateFromFlags, type SimulateFlags } from './sim/from-flags.js';
import { runTrain, type TrainFlags } from './sim/training/from-args.js';
import { runSweep, type SweepOptions, type SweepSummary } from './sweep/run.js';
import { countParams, forwardFlops, type ParamCount } from './model/params.js';
import type { NormalizedHardware, NormalizedModel, NormalizedRuntime } from './spec/types.js';
import { resolveRuntime } from './runtime/resolve.js';
import type { SimulateResult } from './sim/types.js';
import type { TrainResult } from './sim/training/types.js';

export { UserError, type SpecIssue } from './spec/errors.js';
export type { NormalizedHardware, NormalizedModel, NormalizedRuntime, DecoderModel, EncoderDecoderModel, Dtype } from './spec/types.js';
export type { SimulateResult, QuantScheme } from './sim/types.js';
export type { TrainResult } from './sim/training/types.js';
export type { SweepSummary, ParamCount, ServeResult, Launch };

/** simulate's flags: `model` and `hardware` are required, the rest default as on the command line */
export type SimulateOptions = SimulateFlags & {
  devices?: number;
  tp?: number;
  pp?: number;
  ep?: number;
  attentionDp?: boolean;
  batch?: number | 'max';
  inputTokens?: number;
  outputTokens?: number;
  dtype?: string;
  weights?: string;
  activations?: string;
  kvCache?: string;
  resolution?: number;
  frames?: number;
  steps?: number;
  cfg?: boolean;
  audioSeconds?: number;
  price?: number;
  maxTpot?: string | number;
  maxTtft?: string | number;
  /** what-if memory system, e.g. "hbm3e:8" */
  memory?: string;
  /** what-if spec overrides, e.g. ['compute.matrix.bf16=1200 TFLOP/s'] */
  set?: string[];
  verbose?: boolean;
  /** also the launch command for an engine: vllm, sglang or tensorrt-llm (`result.launch`) */
  emit?: string;
};

/** `hwperf simulate --json` */
export async function simulate(options: SimulateOptions): Promise<SimulateResult & { launch?: Launch }> {
  return (await simulateFromFlags(options)).result;
}

/** serve's flags (`hwperf serve`): model, hardware and a load (rate, concurrency or trace); the rest as on the command line */
export type ServeApiOptions = Record<string, unknown> & { model: string | NormalizedModel; hardware: string | NormalizedHardware; memory?: string; set?: string[] };

const kebab = (k: string) => k.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `hwperf serve --json`: a discrete-event serving simulation (no --timeline file) */
export async function serve(options: ServeApiOptions): Promise<ServeResult> {
  const f = Object.fromEntries(Object.entries(options).map(([k, v]) => [kebab(k), v]));
  const model = typeof options.model === 'string' ? await resolveModel(options.model) : options.model;
  const base = typeof options.hardware === 'string' ? await resolveHardware(options.hardware) : options.hardware;
  const hardware = await applyWhatIfs(base, options.memory, options.set);
  return runServe(serveOptions(f, model, hardware, libraryModel)).result;
}

/** train's flags (`hwperf train --json`): model, hardware, devices required; seqLen, globalBatch, zero, … */
export type TrainOptions = TrainFlags;

/** `hwperf train --json` (with `search: true`, `{configs, tried}`) */
export async function train(options: TrainOptions): Promise<TrainResult | { configs: TrainResult[]; tried: number }> {
  return runTrain(options);
}

/** `hwperf sweep <file> --json`: the CSV (and Pareto file) are written as the command writes them */
export async function sweep(file: string, options: Omit<SweepOptions, 'simulate' | 'simulatorModule' | 'onProgress'> = {}): Promise<SweepSummary> {
  return runSweep(file, options);
}

/** a model by library id, spec file (YAML) or Hugging Face config.json / folder */
export async function loadModel(ref: string): Promise<NormalizedModel> {
  return resolveModel(ref);
}

/** a hardware by library id or spec file (YAML) */
export async function loadHardware(ref: string): Promise<NormalizedHardware> {
  return resolveHardware(ref);
}

/** a runtime by library id or spec file (YAML): pass it as `runtime` to simulate() or train() */
export async function loadRuntime(ref: string): Promise<NormalizedRuntime> {
  return resolveRuntime(ref);
}

/** the runtime id a result assumes when none is named, for this hardware and model family (docs/runtimes.md) */
export { defaultRuntime } from './runtime/resolve.js';

/** parameter counts (total, active, embedding, breakdown) and one forward pass's FLOPs, as `show model` */
export function modelStats(model: NormalizedModel): ParamCount & { forward_flops: number } {
  return { ...countParams(model, libraryModel), forward_flops: forwardFlops(model, libraryModel) };
}

export type { PlanResult, PlanOption } from './serve/plan.js';
/** `hwperf plan --json`: `{model, hardware: ['h100-sxm', 'mi300x'], rate, sloTtft: '2s', sloTpot: '50ms', …}` */
export { planFromFlags as plan } from './serve/api.js';
