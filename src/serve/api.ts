// plan as a library function (serve's is in src/index.ts): the command's flags as an object (kebab-case, snake_case or camelCase),
// models and hardware as ids, files or loaded specs; returns what --json prints.
import { libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { UserError } from '../spec/errors.js';
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { parseSeconds } from '../sim/request.js';
import { plan, type PlanResult } from './plan.js';
import { number } from './flags.js';

const kebab = (k: string) => k.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
function normalizeKeys(f: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [kebab(k), v]));
}
const asModel = async (m: unknown) => (typeof m === 'string' ? resolveModel(m) : (m as NormalizedModel));
const asHw = async (h: unknown) => (typeof h === 'string' ? resolveHardware(h) : (h as NormalizedHardware));

export type PlanApiOptions = Record<string, unknown> & { model: string | NormalizedModel; hardware: string | (string | NormalizedHardware)[]; rate: number };

export async function planFromFlags(options: PlanApiOptions): Promise<PlanResult> {
  const f = normalizeKeys(options);
  const list = Array.isArray(f.hardware) ? f.hardware : String(f.hardware).split(',');
  const hardware: NormalizedHardware[] = [];
  for (const h of list) hardware.push(await asHw(typeof h === 'string' ? h.trim() : h));
  const price = f.price;
  return plan({
    model: await asModel(f.model),
    hardware,
    resolveModel: libraryModel, // own keys only (never Object.prototype)
    rate: number('rate', f.rate)!,
    sloTtftS: parseSeconds('slo-ttft', f['slo-ttft']),
    sloTpotS: parseSeconds('slo-tpot', f['slo-tpot']),
    inputTokens: f['input-tokens'] as string | number | undefined,
    outputTokens: f['output-tokens'] as string | number | undefined,
    maxDevices: (number('max-devices', f['max-devices']) ?? 64),
    runtime: f.runtime as string | undefined,
    dtype: f.dtype as string | undefined,
    requests: number('requests', f.requests),
    seed: number('seed', f.seed),
    prices: new Map(),
    priceAll: typeof price === 'number' ? price : number('price', price),
    disaggregation: f['no-disaggregation'] ? false : true,
  });
}
