// Flag values typed by people: parsed here once, one clear error each.
import { UserError } from '../spec/errors.js';

const BYTE_UNITS: Record<string, number> = {
  B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15,
  KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50,
};

/** A byte count: a number (8e9) or a number with a unit (64MB, 8 GB, 256 MiB); GB is 1e9 and GiB 2^30. */
export function bytesFlag(flag: string, text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kKMGTP]i?B|B)?\s*$/.exec(text);
  const scale = m ? BYTE_UNITS[m[2] ?? 'B'] : undefined;
  if (!m || scale === undefined) throw new UserError(`${flag}: expected a byte count such as 8e9, 64MB or 256MiB, found "${text}"`);
  const bytes = Number(m[1]) * scale;
  if (!Number.isFinite(bytes) || bytes > 1e21) throw new UserError(`${flag}: expected at most 1e21 bytes (a zettabyte), found "${text}"`);
  // a fraction of a byte moves nothing (4.9e-324 GB priced 8e-316 FLOP): 0 or at least one byte
  if (bytes !== 0 && bytes < 1) throw new UserError(`${flag}: expected 0 or at least 1 byte, found "${text}"`);
  return bytes;
}
