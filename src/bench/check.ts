// Check against reality (bench --check): bench → host profile → calibrate → opCost, then compare with
// what the machine does: the measured GEMM and triad points, and one transformer layer run by
// kernels/layer.c with the same sgemm, predicted from its op graph (the ops below mirror layer.c).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elementwise, linear, type Op } from '../model/op.js';
import { opCost } from '../sim/roofline.js';
import { calibrate } from './calibrate.js';
import { profileYaml } from './profile.js';
import { buildKernel, findCompiler, runKernel } from './compile.js';
import { fmtPercent, fmtSeconds, renderTable } from '../report/format.js';
import type { BenchResult } from './types.js';
import type { NormalizedHardware } from '../spec/types.js';

export interface LayerShape { tokens: number; hidden: number; heads: number; ffn: number }
export const CHECK_LAYER: LayerShape = { tokens: 256, hidden: 512, heads: 8, ffn: 2048 };

// The op graph of layer.c, fp32 (4 bytes per element), causal attention computed in full.
export function layerOps({ tokens: t, hidden: d, heads: h, ffn: f }: LayerShape): Op[] {
  const hd = d / h;
  return [
    elementwise('ln1', t * d, 5, 8, 'fp32', 1, 'norm'),
    linear('qkv', t, 3 * d, d, 'fp32', 4, 4),
    elementwise('head split', 3 * t * d, 0, 8, 'fp32'),
    linear('scores', t, t, hd, 'fp32', 4, 4, h),
    elementwise('softmax', t * t, 5, 8, 'fp32', h),
    linear('p·v', t, hd, t, 'fp32', 4, 4, h),
    linear('out', t, d, d, 'fp32', 4, 4),
    elementwise('residual', t * d, 2, 12, 'fp32'),
    elementwise('ln2', t * d, 5, 8, 'fp32', 1, 'norm'),
    linear('ffn up', t, f, d, 'fp32', 4, 4),
    elementwise('gelu', t * f, 10, 8, 'fp32'),
    linear('ffn down', t, d, f, 'fp32', 4, 4),
    elementwise('residual', t * d, 2, 12, 'fp32'),
  ];
}

export const predictOps = (ops: Op[], hw: NormalizedHardware) => ops.reduce((s, op) => s + op.count * opCost(op, hw).seconds, 0);

export interface CheckRow { what: string; measured_s: number; predicted_s: number | null; error: number | null }
export interface CheckResult { rows: CheckRow[]; profile_valid: boolean }

export async function realityCheck(bench: BenchResult): Promise<CheckResult> {
  // 1. the host profile, loaded back as simulate would load a user's file
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-check-'));
  let host: NormalizedHardware;
  try {
    const file = join(dir, 'host.yaml');
    writeFileSync(file, profileYaml(bench, 'host-check'));
    const { loadSpecFile } = await import('../spec/load.js');
    const r = await loadSpecFile(file);
    if (!r.value || r.value.kind !== 'hardware') throw new Error(`bench profile does not load: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    host = r.value.spec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // 2. calibrate it on its own measurements, 3. price the points and the layer
  const cal = calibrate(bench, host);
  const calibrated: NormalizedHardware = { ...host, efficiency: { ...host.efficiency } };
  const fit = (await import('./calibrate.js')).fitEfficiency(bench, host);
  calibrated.efficiency = fit.efficiency;
  const rows: CheckRow[] = cal.points.map((p) => ({ what: p.what, measured_s: p.measured_s, predicted_s: p.predicted_after_s, error: p.error_after }));
  if (bench.backend !== 'torch' && findCompiler()) {
    const out = runKernel<{ seconds: number }>(buildKernel('layer'), [CHECK_LAYER.tokens, CHECK_LAYER.hidden, CHECK_LAYER.heads, CHECK_LAYER.ffn]);
    const predicted = predictOps(layerOps(CHECK_LAYER), calibrated);
    const s = CHECK_LAYER;
    rows.push({ what: `transformer layer t${s.tokens} d${s.hidden} h${s.heads} ffn${s.ffn} (layer.c)`, measured_s: out.seconds, predicted_s: predicted, error: (predicted - out.seconds) / out.seconds });
  }
  return { rows, profile_valid: true };
}

export function renderCheck(c: CheckResult): string {
  return `check against reality (predicted from the measured, calibrated profile):\n${renderTable(
    ['what', 'measured', 'predicted', 'error'],
    c.rows.map((r) => [r.what, fmtSeconds(r.measured_s), fmtSeconds(r.predicted_s), fmtPercent(r.error)]),
  )}`;
}
