// `--price`: USD per device-hour, either one number for every device (`--price 2.5`) or per hardware
// (`--price h100-sxm=2.49,mi300x=1.99`; hardware not named keep their library price). Ids must name
// hardware of this run; a malformed value or an unknown id is one line (UserError), never ignored.
import { UserError, didYouMean } from '../spec/errors.js';

export interface PriceFlag {
  all?: number; // one price for every device
  byId: Map<string, number>;
}

/**
 * A price per device-hour is 0 (free) or from a millionth of a dollar to a million dollars: 1e-320 priced a
 * million tokens at 1e-308 USD and 1e308 past any budget; no rental or amortised purchase is near either end.
 */
export const PRICE_RANGE = { min: 1e-6, max: 1e6 };
/** what a --price value must be, as every price error says it (PRICE_RANGE written out) */
export const PRICE_EXPECTED = 'expected 0 or USD per device-hour from 1e-6 to 1e6';
export const priceInRange = (n: number): boolean => Number.isFinite(n) && (n === 0 || (n >= PRICE_RANGE.min && n <= PRICE_RANGE.max));

function usd(text: string, where: string): number {
  const t = text.trim().replace(/^\$/, '');
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n) || n < 0) {
    throw new UserError(`--price "${where}": expected USD per device-hour (e.g. 2.49) or HARDWARE=USD,… (e.g. h100-sxm=2.49,mi300x=1.99)`);
  }
  if (!priceInRange(n)) throw new UserError(`--price "${where}": ${PRICE_EXPECTED}, found ${n}`);
  return n;
}

/** Parse --price against the hardware ids of this run (ids or file names as given on the command line). */
export function parsePriceFlag(v: unknown, knownIds: readonly string[]): PriceFlag | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return { all: usd(String(v), String(v)), byId: new Map() };
  const s = String(v).trim();
  if (!s.includes('=')) return { all: usd(s, s), byId: new Map() };
  const byId = new Map<string, number>();
  for (const part of s.split(',').map((x) => x.trim())) {
    if (!part) throw new UserError(`--price "${s}": empty item; expected HARDWARE=USD,…`);
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UserError(`--price "${part}": expected HARDWARE=USD (e.g. mi300x=1.99)`);
    const id = part.slice(0, eq).trim();
    const price = usd(part.slice(eq + 1), part);
    if (!knownIds.includes(id)) {
      const hint = didYouMean(id, knownIds);
      throw new UserError(`--price "${part}": "${id}" is not a hardware of this run (${hint ? `${hint} ` : ''}expected one of ${knownIds.join(', ')})`);
    }
    if (byId.has(id)) throw new UserError(`--price: "${id}" is priced twice`);
    byId.set(id, price);
  }
  return { byId };
}

/** The price for one hardware: the flag's (by the id as given or as resolved), else undefined (library price). */
export function priceFor(p: PriceFlag | undefined, ...ids: (string | undefined)[]): number | undefined {
  if (!p) return undefined;
  if (p.all !== undefined) return p.all;
  for (const id of ids) if (id !== undefined && p.byId.has(id)) return p.byId.get(id);
  return undefined;
}
