// Charts are chart.js configurations that are plain JSON (no functions), so the same object is drawn to
// PNG/SVG here (chart.js on @napi-rs/canvas) and embedded in the HTML report, where the browser's chart.js
// draws it interactively. Tick formatters are named by `_fmt` on a scale and installed by `hydrate`, which
// is self-contained so that its source text can be inlined into the HTML page too.

export type ChartConfig = { type: string; data: any; options: any; _title?: string };

export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const color = (i: number) => PALETTE[i % PALETTE.length]!;

// Installs tick and tooltip formatters named by `_fmt` (si, seconds, bytes, usd, joules, flops, plain) and
// thins log-axis labels to 1-2-5 mantissas. Must not reference anything outside itself (see above).
export function hydrate(config: any): any {
  const si = (v: number, unit: string) => {
    if (v === 0) return '0' + (unit ? ' ' + unit : '');
    const a = Math.abs(v);
    const p: [number, string][] = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n'], [1e-12, 'p']];
    for (const [f, s] of p) {
      if (a >= f * 0.9995) return Number((v / f).toPrecision(3)) + ' ' + s + unit;
    }
    return v.toExponential(1) + ' ' + unit;
  };
  const fmts: Record<string, (v: number) => string> = {
    si: (v) => si(v, '').trim(),
    seconds: (v) => si(v, 's'),
    bytes: (v) => si(v, 'B'),
    bandwidth: (v) => si(v, 'B/s'),
    flops: (v) => si(v, 'FLOP/s'),
    intensity: (v) => si(v, '').trim(),
    joules: (v) => si(v, 'J'),
    usd: (v) => '$' + (Math.abs(v) >= 1 ? Number(v.toPrecision(3)).toLocaleString('en-US') : Number(v.toPrecision(2))),
    plain: (v) => String(Number(v.toPrecision(3))),
  };
  for (const scale of Object.values<any>(config.options?.scales ?? {})) {
    const f = fmts[scale._fmt];
    if (!f) continue;
    scale.ticks = scale.ticks ?? {};
    const log = scale.type === 'logarithmic';
    scale.ticks.callback = (value: number | string) => {
      const v = Number(value);
      if (!Number.isFinite(v)) return '';
      if (log) {
        const m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
        if (![1, 2, 5].some((k) => Math.abs(m - k) < 1e-6)) return '';
      }
      return f(v);
    };
  }
  const tf = fmts[config.options?._tooltipFmt];
  if (tf) {
    const plugins = (config.options.plugins = config.options.plugins ?? {});
    plugins.tooltip = plugins.tooltip ?? {};
    plugins.tooltip.callbacks = {
      label: (ctx: any) => {
        const raw = ctx.raw;
        const v = raw && typeof raw === 'object' ? raw.y : raw;
        const extra = raw && typeof raw === 'object' && raw.label ? ' ' + raw.label : '';
        return (ctx.dataset.label ?? '') + ': ' + (v == null ? '—' : tf(Number(v))) + extra;
      },
    };
  }
  return config;
}

// Base options shared by every chart: a title, readable fonts at report size.
export function baseOptions(title: string, extra: any = {}, subtitle?: string): any {
  const { plugins, ...rest } = extra;
  return {
    responsive: false,
    animation: false,
    devicePixelRatio: 1,
    plugins: {
      title: { display: true, text: title, font: { size: 16, weight: 'bold' }, color: '#222' },
      ...(subtitle ? { subtitle: { display: true, text: subtitle, font: { size: 12 }, color: '#555', padding: { bottom: 6 } } } : {}),
      legend: { position: 'top', labels: { font: { size: 12 } } },
      ...(plugins ?? {}),
    },
    ...rest,
  };
}

export interface Rendered {
  png: Buffer;
  svg?: string;
}

let registered = false;

// Draw a config to PNG (and SVG when asked), white background, at width × height CSS pixels.
export async function renderChart(config: ChartConfig, opts: { width?: number; height?: number; svg?: boolean; scale?: number } = {}): Promise<Rendered> {
  const { createCanvas, SvgExportFlag } = await import('@napi-rs/canvas');
  const { Chart, registerables } = await import('chart.js');
  if (!registered) {
    Chart.register(...registerables);
    registered = true;
  }
  const width = opts.width ?? 960;
  const height = opts.height ?? 540;
  const scale = opts.scale ?? 2; // crisp at report size
  const draw = (canvas: any, dpr: number) => {
    const cfg = hydrate(structuredClone(config));
    cfg.options = { ...cfg.options, responsive: false, animation: false, devicePixelRatio: dpr };
    cfg.plugins = [
      {
        id: 'white-background',
        beforeDraw: (chart: any) => {
          const c = chart.ctx;
          c.save();
          c.fillStyle = '#ffffff';
          c.fillRect(0, 0, chart.width, chart.height);
          c.restore();
        },
      },
    ];
    const chart = new Chart(canvas, cfg);
    return chart;
  };
  const canvas = createCanvas(width, height); // chart.js multiplies by devicePixelRatio
  (canvas as any).style = {};
  const chart = draw(canvas, scale);
  const png = canvas.toBuffer('image/png');
  chart.destroy();
  let svg: string | undefined;
  if (opts.svg) {
    const sc = createCanvas(width, height, SvgExportFlag.ConvertTextToPaths);
    (sc as any).style = {};
    const c2 = draw(sc, 1);
    svg = sc.getContent().toString('utf8');
    c2.destroy();
  }
  return { png, svg };
}
