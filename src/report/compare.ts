// compare: every model × hardware pair ──simulate──▶ rows ──▶ charts (PNG, SVG for rooflines) + results.csv
// + report.md + report.html in one directory. Pairs that do not fit or fail are rows with their reason.
import { join } from 'node:path';
import { looksLikePath } from '../spec/library.js';
import type { NormalizedHardware } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from '../sim/types.js';
import { compareCharts, type NamedChart } from './charts/compare.js';
import { renderChart } from './charts/common.js';
import { rooflineConfig, type RooflineGroup } from './charts/roofline.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown, type ReportMeta } from './markdown.js';
import { rowFromError, rowFromResult, type PairRow } from './rows.js';
import { writeDirAtomic } from './write.js';
import { writeFileSync } from 'node:fs';
import { simulateAutoTp } from '../sim/auto-tp.js';

export interface ComparisonInput {
  models: string[];
  hardware: string[];
  // builds one pair's request (model and hardware resolved, what-ifs applied); may throw a UserError
  request: (model: string, hardware: string) => Promise<SimulateRequest>;
  simulate: (req: SimulateRequest) => SimulateResult;
  // decoders that do not fit: retry at tp 2, 4, 8 (within the scale-up domain), then pp 2, 4, 8; keep the first that fits
  autoTp?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Comparison {
  rows: PairRow[];
  hardware: Map<string, NormalizedHardware>; // as simulated (after what-ifs)
}

export async function runComparison(input: ComparisonInput): Promise<Comparison> {
  const rows: PairRow[] = [];
  const hardware = new Map<string, NormalizedHardware>();
  for (const m of input.models) {
    for (const h of input.hardware) {
      let req: SimulateRequest | undefined;
      try {
        req = await input.request(m, h);
        // a spec file is shown by its id, a library id as given
        const label = looksLikePath(h) ? req.hardware.id : h;
        hardware.set(label, req.hardware);
        const r = input.autoTp ? simulateAutoTp(req, input.simulate) : input.simulate(req);
        rows.push(rowFromResult(looksLikePath(m) ? req.model.id : m, label, r, req.hardware.name));
      } catch (e) {
        // A user-level reason (bad parallelism, unknown id) as it is; anything else is an engine bug, kept
        // as the row's reason so one pair cannot sink the whole report.
        const user = e instanceof Error && e.name === 'UserError';
        rows.push(rowFromError(m, h, user ? e : new Error(`internal error: ${(e as Error)?.message ?? String(e)}`), req?.model.family ?? null));
      }
      input.onProgress?.(rows.length, input.models.length * input.hardware.length);
    }
  }
  return { rows, hardware };
}

const PHASE_STYLE: Record<string, RooflineGroup['style']> = { prefill: 'circle', decode: 'triangle', encode: 'rect', step: 'rectRot', denoise: 'rectRot' };

// One roofline per hardware, each model's phases placed at (intensity, achieved FLOP/s per device).
export function comparisonRooflines(c: Comparison): NamedChart[] {
  const models = [...new Set(c.rows.map((r) => r.model))];
  const out: NamedChart[] = [];
  for (const [id, hw] of c.hardware) {
    const groups: RooflineGroup[] = [];
    for (const row of c.rows.filter((r) => r.hardware === id && r.status === 'ok' && r.result)) {
      const mi = models.indexOf(row.model);
      const byPhase = new Map<string, RooflineGroup>();
      for (const p of row.result!.phases ?? []) {
        if (!(p.flops > 0 && p.bytes > 0 && p.seconds > 0)) continue;
        const phase = p.name;
        const key = `${row.model} ${phase}`;
        if (!byPhase.has(key)) {
          byPhase.set(key, { label: key, points: [], style: PHASE_STYLE[phase] ?? 'star', color: ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#9c755f', '#76b7b2', '#edc948'][mi % 8] });
        }
        byPhase.get(key)!.points.push({ x: p.flops / p.bytes, y: p.flops / p.seconds, label: key });
      }
      groups.push(...byPhase.values());
    }
    out.push({
      name: `roofline-${id}`,
      title: `Roofline: ${hw.name}`,
      caption: `Each model’s phases on ${hw.name} (per device): circle = prefill, triangle = decode, square = encoder, diamond = denoising step. Points below the slope are memory-bound, below a ceiling compute-bound; the gap to the roofline is efficiency and overhead.`,
      config: rooflineConfig(hw, groups, `Roofline: ${hw.name} (${id})`),
    });
  }
  return out;
}

export interface WrittenReport {
  dir: string;
  files: string[];
  pairs: number;
  ok: number;
}

export async function writeComparison(dir: string, force: boolean, meta: ReportMeta & { svg?: boolean }, c: Comparison): Promise<WrittenReport> {
  const charts = [...compareCharts(c.rows), ...comparisonRooflines(c)];
  const files: string[] = [];
  // rendered first, then written into a hidden sibling folder that is renamed into place (report/write.ts)
  await writeDirAtomic(dir, force, async (tmp) => {
    const chartFiles: { chart: NamedChart; file: string }[] = [];
    for (const chart of charts) {
      const roof = chart.name.startsWith('roofline');
      const r = await renderChart(chart.config, { width: roof ? 1100 : 960, height: roof ? 620 : 540, svg: roof && !!meta.svg });
      writeFileSync(join(tmp, `${chart.name}.png`), r.png);
      files.push(`${chart.name}.png`);
      if (r.svg) {
        writeFileSync(join(tmp, `${chart.name}.svg`), r.svg);
        files.push(`${chart.name}.svg`);
      }
      chartFiles.push({ chart, file: `${chart.name}.png` });
    }
    writeFileSync(join(tmp, 'results.csv'), renderCsv(c.rows));
    writeFileSync(join(tmp, 'report.md'), renderMarkdown(meta, c.rows, chartFiles));
    writeFileSync(join(tmp, 'report.html'), renderHtml(meta, c.rows, charts));
    files.push('results.csv', 'report.md', 'report.html');
  });
  return { dir, files, pairs: c.rows.length, ok: c.rows.filter((r) => r.status === 'ok').length };
}
