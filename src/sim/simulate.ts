// simulate(request) ──runtime (given, or the default for this hardware and family)──▶ family engine ──▶
// SimulateResult ──energy & cost──▶ SimulateResult
import { FAMILY_SIMULATORS } from './families.js';
import { energyAndCost } from './energy-cost.js';
import { UserError } from '../spec/errors.js';
import { withDefaultRuntime } from '../runtime/resolve.js';
import { graphsOffWarning } from '../runtime/override.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import type { DecoderModel } from '../spec/types.js';
import { applySpecDecode, type SpecConfig } from '../serve/spec-decode.js';
import { buildLayout, dpMoeOf } from './parallel.js';
import { resolvePrecision } from '../model/quant.js';
import { modelForRuntime } from '../runtime/mla-cache.js';
import { kvCacheFor, kvCacheRule } from '../runtime/kv-cache.js';

export function simulate(req: SimulateRequest): SimulateResult {
  // 1. the runtime that drives the hardware: bound by the command (--runtime), else the default one
  const hardware = withDefaultRuntime(req.hardware, req.model);
  if (hardware !== req.hardware) req = { ...req, hardware };
  // 1a. the model as this runtime runs it (an MLA model under a runtime without an MLA kernel caches per-head K/V)
  const model = modelForRuntime(req.model, hardware);
  if (model !== req.model) req = { ...req, model };
  // 1b. the KV-cache dtype the runtime keeps when --kv-cache does not say (vLLM / SGLang: the model's 16-bit dtype)
  const kvRule = kvCacheRule(hardware.runtime);
  const kv = kvCacheFor(hardware.runtime, req.dtype, req.kvCache);
  if (kv !== req.kvCache) req = { ...req, kvCache: kv as SimulateRequest['kvCache'] };
  // 2. the family's engine (pure arithmetic on plain numbers)
  const engine = FAMILY_SIMULATORS[req.model.family];
  if (!engine) throw new UserError(`simulate: no engine for family "${req.model.family}"`);
  const result = engine(req);
  // the runtime the numbers assume, so that a number never hides its assumption
  result.runtime = hardware.runtime!.id;
  if (hardware.runtime!.vendorWarning) result.warnings.push(hardware.runtime!.vendorWarning);
  const gw = graphsOffWarning(hardware);
  if (gw) result.warnings.push(gw);
  if (result.kv_cache_dtype !== undefined) result.kv_cache_default = kvRule;
  // 1b. speculative decoding on a decoder's steady state (a ratio of step prices, after the engine)
  if (req.spec) {
    if (req.model.family !== 'decoder') throw new UserError(`--spec-model/--mtp: speculative decoding applies to decoder LLMs, not ${req.model.family}`);
    if (result.memory.fits) {
      const m = req.model as DecoderModel;
      const L = buildLayout(m, req.tp, req.pp, req.ep, req.devices, !!req.attentionDp, dpMoeOf(req.hardware));
      const p = resolvePrecision(req.dtype, req.weights as string | undefined, req.activations as string | undefined, req.kvCache as string | undefined, req.hardware.runtime?.kernels);
      applySpecDecode(req.spec as SpecConfig, m, req.hardware, L, p, result);
    }
  }
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
