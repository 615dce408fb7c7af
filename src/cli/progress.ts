// Progress on stderr for work that may take more than a second: a one-line bar (known total) or a spinner
// (unknown total), redrawn at most every 100 ms. Silent unless stderr is a terminal and the command is not
// printing --json; and silent for the first `delayMs`, so that fast runs never flash a bar. A command owns
// one Progress: start it, call update() as work completes, call done() in a `finally`.
//
//   const p = startProgress({ label: 'sweep', total: n, json: this.jsonEnabled() });
//   try { … p.update(done); … } finally { p.done(); }

export interface ProgressOptions {
  label?: string;
  total?: number; // unknown → a spinner with the count
  json?: boolean; // the command prints --json: stay quiet
  delayMs?: number; // nothing is drawn before this (default 1000 ms: "anything over a second")
  stream?: { isTTY?: boolean; write(s: string): unknown }; // default process.stderr
  now?: () => number; // tests
}

export interface Progress {
  /** done items (and optionally a new total and label); cheap enough to call per item */
  update(done: number, total?: number, label?: string): void;
  /** erase the line (if anything was drawn); safe to call twice */
  done(): void;
  readonly enabled: boolean;
}

const WIDTH = 30;
const REDRAW_MS = 100;
const SPIN = ['|', '/', '-', '\\'];

export function startProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = !!stream.isTTY && !opts.json && process.env.HWPERF_NO_PROGRESS === undefined;
  if (!enabled) return { update() {}, done() {}, enabled: false };
  const now = opts.now ?? Date.now;
  const t0 = now();
  const delay = opts.delayMs ?? 1000;
  let total = opts.total;
  let label = opts.label ?? '';
  let last = -Infinity;
  let shown = false;
  let frame = 0;
  let finished = false;
  return {
    enabled: true,
    update(done, newTotal, newLabel) {
      if (finished) return;
      if (newTotal !== undefined) total = newTotal;
      if (newLabel !== undefined) label = newLabel;
      const t = now();
      if (t - t0 < delay || t - last < REDRAW_MS) return;
      last = t;
      shown = true;
      stream.write(`\r${render(done, total, label, frame++)}\x1b[K`);
    },
    done() {
      if (finished) return;
      finished = true;
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

export function render(done: number, total: number | undefined, label: string, frame: number): string {
  const prefix = label ? `${label} ` : '';
  if (!total || !(total > 0)) return `${prefix}${SPIN[frame % SPIN.length]} ${done}`;
  const f = Math.min(1, Math.max(0, done / total));
  const full = Math.round(f * WIDTH);
  return `${prefix}[${'#'.repeat(full)}${'.'.repeat(WIDTH - full)}] ${done}/${total} ${Math.floor(f * 100)}%`;
}
