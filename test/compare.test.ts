// hwperf compare: every pair simulated (mixed families), all files written atomically, real PNG charts,
// a CSV row per pair, and no silent overwrite.
import { describe, expect, it, beforeAll } from 'vitest';
import { runCommand } from '@oclif/test';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { renderCsv } from '../src/report/csv.js';
import { rowFromError, rowFromResult } from '../src/report/rows.js';
import { fakeResult } from './helpers/report-fixtures.js';

const root = new URL('..', import.meta.url).pathname;
const MODELS = ['llama-3.1-70b', 'deepseek-v3', 'whisper-large-v3', 'dit-xl-2'];
const HARDWARE = ['h100-sxm', 'mi300x', 'ascend-910c', 'snapdragon-8-elite'];

// Distinct colours (quantized to 4 bits per channel) and the share of the most common one.
export async function pixelStats(file: string): Promise<{ width: number; height: number; colours: number; dominant: number }> {
  const img = await loadImage(readFileSync(file));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  const counts = new Map<number, number>();
  for (let i = 0; i < d.length; i += 4 * 3) {
    const k = ((d[i]! >> 4) << 8) | ((d[i + 1]! >> 4) << 4) | (d[i + 2]! >> 4);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const total = d.length / 12;
  return { width: img.width, height: img.height, colours: counts.size, dominant: Math.max(...counts.values()) / total };
}

describe('hwperf compare (4 models × 4 accelerators)', () => {
  let dir: string;
  let result: any;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'hwperf-compare-')), 'report');
    const r = await runCommand(['compare', '--models', MODELS.join(','), '--hardware', HARDWARE.join(','), '--out', dir, '--svg', '--json'], { root });
    expect(r.error).toBeUndefined();
    result = r.result;
  }, 120_000);

  it('writes the report, the CSV and every chart', () => {
    const files = readdirSync(dir).sort();
    for (const f of ['report.md', 'report.html', 'results.csv', 'throughput.png', 'latency.png', 'memory.png', 'energy.png', 'cost.png']) expect(files).toContain(f);
    for (const h of HARDWARE) {
      expect(files).toContain(`roofline-${h}.png`);
      expect(readFileSync(join(dir, `roofline-${h}.svg`), 'utf8')).toMatch(/^<\?xml[^>]*>\s*<svg/);
    }
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(result.pairs).toBe(16);
  });

  it('has one CSV row per pair, with the reason where there is no result', () => {
    const lines = readFileSync(join(dir, 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]!.startsWith('model,hardware,family,status,reason,')).toBe(true);
    expect(lines).toHaveLength(1 + 16);
    for (const m of MODELS) for (const h of HARDWARE) expect(lines.some((l) => l.startsWith(`${m},${h},`))).toBe(true);
    const deepseekPhone = lines.find((l) => l.startsWith('deepseek-v3,snapdragon-8-elite,'))!;
    expect(deepseekPhone).toMatch(/,does-not-fit,/);
    const whisper = lines.find((l) => l.startsWith('whisper-large-v3,h100-sxm,'))!;
    expect(whisper).toMatch(/,encoder-decoder,ok,/);
  });

  it.each(['throughput', 'latency', 'memory', 'energy', 'cost', 'roofline-h100-sxm', 'roofline-snapdragon-8-elite'])('%s.png is a real chart', async (name) => {
    const s = await pixelStats(join(dir, `${name}.png`));
    expect(s.width).toBeGreaterThanOrEqual(960);
    expect(s.colours).toBeGreaterThan(8); // axes, text, several series
    expect(s.dominant).toBeGreaterThan(0.5); // a white background
    expect(s.dominant).toBeLessThan(0.97); // and something drawn on it
  });

  it('report.md embeds the charts and lists the pairs without a result', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^# /);
    expect(md).toContain('![Throughput](throughput.png)');
    expect(md).toContain('![Roofline: NVIDIA H100 SXM5 80GB](roofline-h100-sxm.png)');
    expect(md).toMatch(/\*\*deepseek-v3\*\* on \*\*snapdragon-8-elite\*\*: does-not-fit/);
    expect(md.split('\n').filter((l) => /^\| (llama|deepseek|whisper|dit)/.test(l))).toHaveLength(16);
  });

  it('report.html is self-contained: chart.js and the data inline, nothing fetched', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect((html.match(/<canvas /g) ?? []).length).toBe(5 + HARDWARE.length);
    expect(html).toContain('class="sortable"');
  });

  it('does not overwrite an existing report without --force', async () => {
    const again = await runCommand(['compare', '--models', 'dit-xl-2', '--hardware', 'h100-sxm', '--out', dir], { root });
    expect(again.error?.oclif?.exit).toBe(2);
    expect(again.stderr).toMatch(/exists and is not empty; pass --force/);
    const forced = await runCommand(['compare', '--models', 'dit-xl-2', '--hardware', 'h100-sxm', '--out', dir, '--force', '--json'], { root });
    expect(forced.error).toBeUndefined();
    expect(readFileSync(join(dir, 'results.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('--auto-tp finds the tensor-parallel degree at which a model fits', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hwperf-compare-')), 'r');
    const r = await runCommand(['compare', '--models', 'llama-3.1-70b', '--hardware', 'h100-sxm,mi300x', '--auto-tp', '--out', out, '--json'], { root });
    const rows = (r.result as any).rows;
    expect(rows.map((x: any) => [x.hardware, x.status, x.tp])).toEqual([
      ['h100-sxm', 'ok', 2],
      ['mi300x', 'ok', 1],
    ]);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});

describe('results.csv', () => {
  it('quotes text with commas and leaves unknowns empty', () => {
    const csv = renderCsv([rowFromResult('m', 'h', fakeResult('decoder')), rowFromError('m2', 'h', new Error('tp 3 does not divide 32 heads, "x"'))]);
    const [head, ok, err] = csv.trimEnd().split('\n');
    expect(head!.split(',')).toContain('cost_usd_per_mtok');
    expect(ok).toMatch(/^m,h,decoder,ok,,1,1,1,1,1,bf16,66,tok\/s,66,/);
    expect(err).toBe('m2,h,,error,"tp 3 does not divide 32 heads, ""x"""' + ','.repeat(head!.split(',').length - 5));
  });
});
