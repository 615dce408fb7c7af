// report.html renders its charts in a real browser with no network: Debian's chromium, headless, reads the
// file, runs chart.js for a virtual-time budget and dumps the DOM; the page records on <body> how many
// charts it built (data-rendered) and how many canvases hold pixels (data-drawn). Skips where no chromium.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeComparison } from '../src/report/compare.js';
import { rowFromError, rowFromResult } from '../src/report/rows.js';
import { fakeHardware, fakeResult } from './helpers/report-fixtures.js';

const CANDIDATES = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
const chromium = CANDIDATES.find((p) => existsSync(p));
if (!chromium) console.warn('html-render.test: no chromium found (apt-get install -y chromium); skipping the headless render check');

function browse(file: string, mode: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'hwperf-chromium-'));
  try {
    const r = spawnSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-extensions',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=5000',
        ...mode,
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    if (r.error) throw r.error;
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!chromium)('report.html in headless chromium', () => {
  it('draws every chart offline', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hwperf-html-')), 'r');
    const hws = [fakeHardware(), fakeHardware({ id: 'npu', name: 'Phone NPU', class: 'mobile', memory: { technology: 'lpddr5x', capacityBytes: 12e9, bandwidthBytePerS: 85e9 } })];
    const rows = hws.flatMap((h) => [
      rowFromResult('llama', h.id, { ...fakeResult('decoder'), energy_j_per_token: 0.4, cost_usd_per_mtok: 2 }),
      rowFromResult('dit-xl-2', h.id, { ...fakeResult('dit'), energy_j_per_token: 40 }),
      rowFromResult('whisper', h.id, fakeResult('encoder-decoder')),
    ]);
    rows.push(rowFromError('deepseek-v3', 'npu', new Error('does not fit')));
    await writeComparison(dir, false, { title: 'Render check', command: 'test', parameters: {} }, { rows, hardware: new Map(hws.map((h) => [h.id, h])) });
    const html = join(dir, 'report.html');
    const canvases = (readFileSync(html, 'utf8').match(/<canvas /g) ?? []).length;
    expect(canvases).toBe(5 + 2);
    const dom = browse(html, ['--dump-dom']);
    const body = /<body([^>]*)>/.exec(dom)?.[1] ?? '';
    expect(body).not.toMatch(/data-error=/);
    expect(body).toContain(`data-rendered="${canvases}"`);
    expect(body).toContain(`data-drawn="${canvases}"`);
    // the sortable table arrived with its rows
    expect((dom.match(/<tr>/g) ?? []).length).toBe(rows.length + 1); // + the header
    // and a screenshot is not blank
    const shot = join(dir, 'shot.png');
    browse(html, [`--screenshot=${shot}`, '--window-size=1200,1600']);
    expect(existsSync(shot)).toBe(true);
  }, 180_000);
});

it('finds chromium or says why the render check is skipped', () => {
  if (!chromium) {
    expect(chromium).toBeUndefined();
    return;
  }
  expect(execFileSync(chromium, ['--version'], { encoding: 'utf8' })).toMatch(/Chromium|Chrome/);
});
