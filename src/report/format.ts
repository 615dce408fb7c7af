// Human formatting of SI numbers, for reporters only (the engine never formats).

function scaled(v: number, unit: string, base: number, prefixes: string[], digits = 3): string {
  if (v === 0) return `0 ${unit}`;
  if (!Number.isFinite(v)) return '—';
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < prefixes.length - 1) {
    x /= base;
    i++;
  }
  const sign = v < 0 ? '-' : '';
  return `${sign}${Number(x.toPrecision(digits))} ${prefixes[i]}${unit}`;
}

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
const BIN = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

export const fmtBytes = (b: number | null | undefined) => (b == null ? '—' : scaled(b, 'B', 1024, BIN));
export const fmtGB = (b: number | null | undefined) => (b == null ? '—' : scaled(b, 'B', 1000, SI));
export const fmtBandwidth = (b: number | null | undefined) => (b == null ? '—' : scaled(b, 'B/s', 1000, SI, 4));
// beyond exa-FLOP (training runs: 1e23–1e26) scientific notation reads better than "38000000 EFLOP"
export const fmtFlops = (f: number | null | undefined) => (f == null ? '—' : Math.abs(f) >= 1e21 ? `${f.toExponential(2)} FLOP` : scaled(f, 'FLOP', 1000, SI));
export const fmtFlopRate = (f: number | null | undefined) => (f == null ? '—' : scaled(f, 'FLOP/s', 1000, SI, 4));
export const fmtCount = (n: number | null | undefined) => (n == null ? '—' : scaled(n, '', 1000, ['', 'K', 'M', 'B', 'T']).replace(' ', ''));
export const fmtWatts = (w: number | null | undefined) => (w == null ? '—' : scaled(w, 'W', 1000, SI));

export function fmtSeconds(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '—';
  if (s === 0) return '0 s';
  if (s < 1e-6) return `${Number((s * 1e9).toPrecision(3))} ns`;
  if (s < 1e-3) return `${Number((s * 1e6).toPrecision(3))} µs`;
  if (s < 1) return `${Number((s * 1e3).toPrecision(3))} ms`;
  if (s < 3600) return `${Number(s.toPrecision(3))} s`;
  if (s < 86400 * 2) return `${Number((s / 3600).toPrecision(3))} h`;
  return `${Number((s / 86400).toPrecision(3))} days`;
}

export function fmtNumber(x: number | null | undefined, digits = 3): string {
  if (x == null || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)) return x.toExponential(digits - 1);
  return grouped(Number(x.toPrecision(digits)));
}

/**
 * `n.toLocaleString('en-US')` without Intl: thousands grouped by commas, at most three fraction digits rounded half
 * away from zero on the shortest decimal form (1.0005 → 1.001, as ICU). Intl's first call loads ICU's locale data,
 * 40-190 ms of a command's start-up (simulate's whole process is ~120 ms on a quiet machine), for one comma.
 */
export function grouped(n: number): string {
  const text = String(Math.abs(n));
  if (!Number.isFinite(n) || text.includes('e')) return n.toLocaleString('en-US'); // beyond the reports' numbers
  const dot = text.indexOf('.');
  let int = dot < 0 ? text : text.slice(0, dot);
  let frac = dot < 0 ? '' : text.slice(dot + 1);
  if (frac.length > 3) {
    const up = frac.charCodeAt(3) >= 53; // '5'
    frac = frac.slice(0, 3);
    if (up) {
      const sum = String(BigInt(int + frac) + 1n).padStart(int.length + 3, '0');
      int = sum.slice(0, sum.length - 3);
      frac = sum.slice(sum.length - 3);
    }
  }
  frac = frac.replace(/0+$/, '');
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  return `${sign}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

export const fmtPercent = (x: number | null | undefined, digits = 1) => (x == null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`);

// Aligned text table; numbers (cells starting with a digit or sign) are right-aligned.
export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => cells.length > 0 && cells.every((r) => /^[-+]?[\d.,]|^—$/.test(r[i] ?? '')));
  const line = (r: string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

