// report.html: one self-contained page that opens offline. chart.js's UMD bundle and the chart configs are
// inlined; the page draws every chart, makes the tables sortable (click a header), and records on <body>
// how many charts it rendered (data-rendered) and how many canvases hold pixels (data-drawn), so a headless
// browser can check it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NamedChart } from './charts/compare.js';
import { hydrate } from './charts/common.js';
import type { ReportMeta } from './markdown.js';
import type { PairRow } from './rows.js';
import { summaryTable, type SummaryTable } from './table.js';

let chartJsSource: string | undefined;
export function chartJsBundle(): string {
  if (chartJsSource) return chartJsSource;
  const require = createRequire(import.meta.url);
  // chart.js's exports map hides package.json and the UMD file; both sit beside its CommonJS entry in dist/.
  const main = require.resolve('chart.js');
  chartJsSource = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
  return chartJsSource;
}

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// JSON inside <script>: no "</script>", no HTML comment openers, no line separators.
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function tableHtml(t: SummaryTable, id = 'results'): string {
  const head = t.headers.map((h, i) => `<th data-col="${i}" data-numeric="${t.numeric[i] ? 1 : 0}" title="click to sort">${escHtml(h)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r
          .map((c, i) => `<td${t.numeric[i] ? ' class="num"' : ''} data-sort="${escHtml(String(c.sort ?? ''))}">${escHtml(c.text)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table class="sortable" id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:1.6em}h2{margin-top:1.6em;font-size:1.25em}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border:1px solid #ddd;padding:4px 8px}
th{background:#f4f4f4;cursor:pointer;user-select:none;white-space:nowrap}th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even){background:#fafafa}
.chart{margin:16px 0 28px}.chart canvas{width:100%;max-width:1000px;border:1px solid #eee}.caption{color:#555;font-size:13px}
code{background:#f4f4f4;padding:1px 4px;border-radius:3px}.meta{color:#555;font-size:13px}
`;

// Runs in the page. Written as a plain function so its text can be inlined (no outside references).
function pageMain(configs: any[], hydrateFn: (c: any) => any): void {
  const w = window as any;
  const body = document.body;
  let rendered = 0;
  configs.forEach((cfg, i) => {
    const canvas = document.getElementById('chart' + i) as HTMLCanvasElement | null;
    if (!canvas) return;
    try {
      const c = hydrateFn(cfg);
      c.options = Object.assign({}, c.options, { responsive: true, maintainAspectRatio: true, aspectRatio: 16 / 9, animation: false });
      delete c.options.devicePixelRatio;
      new w.Chart(canvas, c);
      rendered++;
    } catch (e) {
      body.setAttribute('data-error', String(e));
    }
  });
  let drawn = 0;
  document.querySelectorAll('canvas').forEach((cv) => {
    const ctx = (cv as HTMLCanvasElement).getContext('2d');
    if (!ctx || !cv.width || !cv.height) return;
    const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
    for (let p = 3; p < d.length; p += 4 * 7) {
      if (d[p]! > 0) {
        drawn++;
        break;
      }
    }
  });
  body.setAttribute('data-rendered', String(rendered));
  body.setAttribute('data-drawn', String(drawn));
  // sortable tables: click a header to sort by it (numbers numerically, blanks last)
  document.querySelectorAll('table.sortable').forEach((table) => {
    const ths = table.querySelectorAll('th');
    ths.forEach((th) => {
      th.addEventListener('click', () => {
        const col = Number(th.getAttribute('data-col'));
        const numeric = th.getAttribute('data-numeric') === '1';
        const asc = !th.classList.contains('asc');
        ths.forEach((o) => o.classList.remove('asc', 'desc'));
        th.classList.add(asc ? 'asc' : 'desc');
        const tbody = table.querySelector('tbody')!;
        const rows = Array.from(tbody.querySelectorAll('tr'));
        const key = (tr: Element) => tr.children[col]?.getAttribute('data-sort') ?? '';
        rows.sort((a, b) => {
          const ka = key(a);
          const kb = key(b);
          if (ka === '' && kb === '') return 0;
          if (ka === '') return 1;
          if (kb === '') return -1;
          const r = numeric ? Number(ka) - Number(kb) : ka.localeCompare(kb);
          return asc ? r : -r;
        });
        rows.forEach((r) => tbody.appendChild(r));
      });
    });
  });
}

export function renderHtml(meta: ReportMeta, rows: PairRow[], charts: NamedChart[], csvFile = 'results.csv'): string {
  const t = summaryTable(rows);
  const params = Object.entries(meta.parameters).filter(([, v]) => v !== undefined && v !== '');
  const chartsHtml = charts
    .map(
      (c, i) =>
        `<div class="chart"><h2>${escHtml(c.title)}</h2><canvas id="chart${i}" width="960" height="540" role="img" aria-label="${escHtml(c.config.options?.plugins?.title?.text ?? c.title)}"></canvas><p class="caption">${escHtml(c.caption)}</p></div>`,
    )
    .join('\n');
  const failed = rows.filter((r) => r.status !== 'ok');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escHtml(meta.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escHtml(meta.title)}</h1>
<p class="meta">Generated by <code>${escHtml(meta.command)}</code>${params.length ? ' · ' + params.map(([k, v]) => `<b>${escHtml(k)}</b>: ${escHtml(String(v))}`).join(' · ') : ''}</p>
<h2>Results</h2>
${tableHtml(t)}
<p class="meta">Raw numbers (SI units): <a href="${escHtml(csvFile)}">${escHtml(csvFile)}</a>. Click a column header to sort.</p>
${chartsHtml}
${failed.length ? `<h2>Pairs without a result</h2><ul>${failed.map((r) => `<li><b>${escHtml(r.model)}</b> on <b>${escHtml(r.hardware)}</b>: ${escHtml(r.status)} — ${escHtml(r.reason ?? '')}</li>`).join('')}</ul>` : ''}
${warnedHtml(rows)}
${meta.notes?.length ? `<h2>Notes</h2><ul>${meta.notes.map((n) => `<li>${escHtml(n)}</li>`).join('')}</ul>` : ''}
<script>${chartJsBundle()}</script>
<script>
var __name = function (f) { return f; };
var hydrate = ${hydrate.toString()};
var pageMain = ${pageMain.toString()};
pageMain(${scriptJson(charts.map((c) => c.config))}, hydrate);
</script>
</body></html>
`;
}

// What simulate would print for each pair (a precision fallback, an assumed pJ/bit), carried into the report.
function warnedHtml(rows: PairRow[]): string {
  const items = rows.flatMap((r) => (r.result?.warnings ?? []).map((w) => `<li><b>${escHtml(r.model)}</b> on <b>${escHtml(r.hardware)}</b>: ${escHtml(w)}</li>`));
  return items.length ? `<h2>Warnings</h2><ul>${items.join('')}</ul>` : '';
}
