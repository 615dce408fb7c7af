// A comparison is a list of rows, one per model × hardware pair: the simulate result, or why there is none.
// The per-family "throughput" and "energy per item" carry their own unit (tokens, images, audio seconds),
// so that mixed families sit on one chart with honest labels.
import type { SimulateResult } from '../sim/types.js';
import { maskEcho, maskWords } from '../spec/errors.js';

export interface PairRow {
  model: string;
  hardware: string;
  hardwareName?: string;
  family: string | null;
  status: 'ok' | 'does-not-fit' | 'error';
  reason: string | null;
  result: SimulateResult | null;
}

export interface Metric {
  value: number | null;
  unit: string; // e.g. tok/s
  item: string; // token | image | window | run
}

// Items per second of the whole system, in the family's unit.
export function throughputOf(r: SimulateResult): Metric {
  switch (r.family) {
    case 'decoder':
      return { value: r.throughput_tok_s ?? null, unit: 'tok/s', item: 'token' };
    case 'dit':
    case 'encoder':
    case 'vae':
      return { value: r.images_per_s ?? null, unit: 'images/s', item: 'image' };
    case 'encoder-decoder':
      return { value: r.rtf ? 1 / r.rtf : null, unit: 'audio s/s', item: 'window' };
    default: {
      const w = r.work;
      const v = w && w.seconds > 0 ? (w.items / w.seconds) * (r.replicas || 1) : r.latency_s ? 1 / r.latency_s : null;
      return { value: v, unit: 'runs/s', item: 'run' };
    }
  }
}

// Latency of one request end to end (decoders: ttft + (output − 1) · tpot).
export function latencyOf(r: SimulateResult): number | null {
  return r.e2e_s ?? r.latency_s ?? null;
}

export function itemOf(family: string | null): string {
  switch (family) {
    case 'decoder':
      return 'token';
    case 'dit':
    case 'encoder':
    case 'vae':
      return 'image';
    case 'encoder-decoder':
      return 'window';
    default:
      return 'run';
  }
}

export function rowFromResult(model: string, hardware: string, r: SimulateResult, hardwareName?: string): PairRow {
  const fits = r.memory?.fits !== false;
  return {
    model,
    hardware,
    hardwareName,
    family: r.family,
    status: fits ? 'ok' : 'does-not-fit',
    reason: fits ? null : (r.memory?.reason ?? 'does not fit in device memory'),
    result: r,
  };
}

export function rowFromError(model: string, hardware: string, err: unknown, family: string | null = null): PairRow {
  const msg = err instanceof Error ? err.message : String(err);
  // the ids are what the user typed (compare reports an unknown id as a row): spelled out like every echo
  return { model: maskWords(model), hardware: maskWords(hardware), family, status: 'error', reason: maskEcho(msg.split('\n')[0]!), result: null };
}
