// serve's and plan's flags → ServeOptions, a pure function (as src/sim/request.ts does for simulate).
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
import { parseSeconds } from '../sim/request.js';
import { parseSpec } from './spec-decode.js';
import { parsePriceFlag, priceFor } from '../sim/price.js';
import type { ServeOptions } from './serve.js';

export type ServeFlags = Record<string, unknown>;

export function number(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n) || n < 0) throw new UserError(`--${name}: expected a non-negative number, found "${v}"`);
  return n;
}

function integer(name: string, v: unknown): number | undefined {
  const n = number(name, v);
  if (n !== undefined && !Number.isInteger(n)) throw new UserError(`--${name}: expected an integer, found "${v}"`);
  return n;
}

export function serveOptions(f: ServeFlags, model: NormalizedModel, hardware: NormalizedHardware, resolveModel: (id: string) => NormalizedModel): ServeOptions {
  const str = (k: string) => (f[k] === undefined || f[k] === null || f[k] === '' ? undefined : String(f[k]));
  const spec = parseSpec(
    { specModel: str('spec-model'), specTokens: integer('spec-tokens', f['spec-tokens']), mtp: integer('mtp', f.mtp), acceptance: number('acceptance', f.acceptance) },
    resolveModel,
  );
  return {
    model,
    hardware,
    tp: integer('tp', f.tp),
    pp: integer('pp', f.pp),
    ep: integer('ep', f.ep),
    devices: integer('devices', f.devices),
    attentionDp: !!f['attention-dp'],
    dtype: str('dtype'),
    weights: str('weights'),
    activations: str('activations'),
    kvCache: str('kv-cache'),
    rate: number('rate', f.rate),
    burstiness: number('burstiness', f.burstiness),
    maxConcurrency: integer('max-concurrency', f['max-concurrency']),
    concurrency: integer('concurrency', f.concurrency),
    trace: str('trace'),
    requests: integer('requests', f.requests),
    seed: integer('seed', f.seed),
    inputTokens: str('input-tokens'),
    outputTokens: str('output-tokens'),
    maxNumBatchedTokens: integer('max-num-batched-tokens', f['max-num-batched-tokens']),
    maxNumSeqs: integer('max-num-seqs', f['max-num-seqs']),
    maxModelLen: integer('max-model-len', f['max-model-len']),
    prefixHit: number('prefix-hit', f['prefix-hit']),
    prefillDevices: integer('prefill-devices', f['prefill-devices']),
    decodeDevices: integer('decode-devices', f['decode-devices']),
    prefillTp: integer('prefill-tp', f['prefill-tp']),
    decodeTp: integer('decode-tp', f['decode-tp']),
    router: str('router'),
    spec,
    slo: { ttftS: parseSeconds('slo-ttft', f['slo-ttft']), tpotS: parseSeconds('slo-tpot', f['slo-tpot']), e2eS: parseSeconds('slo-e2e', f['slo-e2e']) },
    runtime: str('runtime'),
    frontend: str('frontend') as ServeOptions['frontend'],
    priceUsdPerHour: priceFor(parsePriceFlag(f.price, [hardware.id]), hardware.id), // simulate's --price: one parser, one message
  };
}
