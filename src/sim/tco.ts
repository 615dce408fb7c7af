// Total cost of ownership of a system of `devices` accelerators, next to the on-demand (cloud) cost.
// A pure function on plain numbers: `simulate`, `sweep`, `compare`, `train` and `plan` all call it.
//
//   capex per hour   = devices · purchase price / (years · 8766 h)             straight-line amortisation
//   energy per hour  = devices · power_w · PUE / 1000 · $/kWh                 facility power at the modelled utilisation
//   tco_usd_per_hour = capex per hour + energy per hour
//   tco_usd_per_mtok = tco_usd_per_hour / (items per second · 3600) · 1e6
//   tokens_per_s_per_mw = items per second / (devices · power_w · PUE / 1e6)   facility MW, PUE included
//   cost_usd_per_mtok   = devices · hour price / (items per second · 3600) · 1e6   (on-demand)
//
// Capex is the accelerator's price only (no host, network, building): a lower bound on owning it, stated
// in docs/design.md ("Cost"). Null where the figure it needs is missing, never NaN.

import { UserError } from '../spec/errors.js';

export interface TcoOptions {
  /** straight-line amortisation period, years */
  years: number;
  /** power usage effectiveness: facility power / IT power */
  pue: number;
  /** electricity price, USD per kWh */
  usdPerKwh: number;
}

// Defaults, cited:
//   years 5: Amazon's 10-K for 2024 shortened the useful life of "a subset of servers and networking
//     equipment" (AI/ML) from 6 to 5 years from 1 Jan 2025; Lambda depreciates GPUs over 5 years
//     (CoreWeave 6, Nebius 4) — compiled at research-viewer.pages.dev/pages/gpu-useful-life.
//   pue 1.56: Uptime Institute Global Data Center Survey 2024, average annual PUE of respondents' largest
//     data center (1.58 in 2023; 1.55–1.59 since 2020, intelligence.uptimeinstitute.com, Nov 2023).
//   usd_per_kwh 0.08: US industrial average retail price of electricity, ≈8 ¢/kWh in 2023–2024 (EIA
//     Electric Power Monthly, Tables 5.3 and 5.6.B: industrial 7–9 ¢/kWh in most census divisions, YTD July 2024).
export const DEFAULT_TCO: TcoOptions = { years: 5, pue: 1.56, usdPerKwh: 0.08 };
export const HOURS_PER_YEAR = 8766; // 365.25 days

/**
 * What each TCO option may be (the --years, --pue, --usd-per-kwh flags of every command): an amortisation of
 * 0.01 year (3.65 days) to a century; a PUE from 1 (no overhead) to 10 (about 4× the worst data centres in the
 * Uptime survey); electricity from free to $100/kWh (about 300× the dearest retail price). Past these a figure
 * is no cost (--years 1e-300 made tco_usd_per_hour 3e300, and 5e-324 overflowed it to null).
 */
export const TCO_RANGE: Record<keyof TcoOptions, { flag: string; min: number; max: number; what: string }> = {
  years: { flag: 'years', min: 0.01, max: 100, what: 'years of amortisation' },
  pue: { flag: 'pue', min: 1, max: 10, what: 'a PUE (facility power / IT power, e.g. 1.2)' },
  usdPerKwh: { flag: 'usd-per-kwh', min: 0, max: 100, what: 'USD per kWh' },
};

/** A TCO flag's value (a string as typed, or a number), checked against TCO_RANGE; undefined when not given. */
export function parseTcoOption(key: keyof TcoOptions, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const { flag, min, max, what } = TCO_RANGE[key];
  const n = typeof v === 'number' ? v : Number(String(v).replace(/^\$/, '').trim());
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UserError(`--${flag}: expected ${what}, from ${min} to ${max}, found "${String(v).slice(0, 40)}"`);
  }
  return n;
}

export interface TcoInput extends Partial<TcoOptions> {
  devices: number;
  /** purchase (list/street) price per device, USD */
  purchaseUsd: number | null | undefined;
  /** on-demand cloud price per device-hour, USD */
  hourUsd: number | null | undefined;
  /** mean power per device at the modelled utilisation, W */
  powerW: number | null | undefined;
  /** output items (tokens, images, runs) per second of the whole system of `devices` */
  itemsPerS: number | null | undefined;
}

export interface TcoResult {
  tco_usd_per_hour: number | null;
  tco_usd_per_mtok: number | null;
  tokens_per_s_per_mw: number | null;
  cost_usd_per_mtok: number | null;
}

const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const pos = (x: number | null | undefined): x is number => ok(x) && x > 0;

export function tco(input: TcoInput): TcoResult {
  // a usable option, else its default (written out: two objects per call were a sweep's garbage, issue 15)
  const years = ok(input.years) && input.years > 0 ? input.years : DEFAULT_TCO.years;
  const pue = ok(input.pue) && input.pue >= 1 ? input.pue : DEFAULT_TCO.pue;
  const usdPerKwh = ok(input.usdPerKwh) && input.usdPerKwh >= 0 ? input.usdPerKwh : DEFAULT_TCO.usdPerKwh;
  const out: TcoResult = { tco_usd_per_hour: null, tco_usd_per_mtok: null, tokens_per_s_per_mw: null, cost_usd_per_mtok: null };
  if (!pos(input.devices)) return out;
  const perMtok = (usdPerHour: number) => (pos(input.itemsPerS) ? (usdPerHour / (input.itemsPerS * 3600)) * 1e6 : null);
  if (ok(input.hourUsd) && input.hourUsd >= 0) out.cost_usd_per_mtok = perMtok(input.devices * input.hourUsd);
  if (pos(input.powerW) && pos(input.itemsPerS)) out.tokens_per_s_per_mw = input.itemsPerS / ((input.devices * input.powerW * pue) / 1e6);
  if (ok(input.purchaseUsd) && input.purchaseUsd >= 0 && ok(input.powerW) && input.powerW >= 0) {
    const capex = (input.devices * input.purchaseUsd) / (years * HOURS_PER_YEAR);
    const energy = ((input.devices * input.powerW * pue) / 1000) * usdPerKwh;
    out.tco_usd_per_hour = capex + energy;
    out.tco_usd_per_mtok = perMtok(out.tco_usd_per_hour);
  }
  return out;
}
