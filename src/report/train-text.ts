// Text rendering of `hwperf train` results (the engine never formats).
import type { TrainResult } from '../sim/training/types.js';
import { fmtGB, fmtCount, fmtFlopRate, fmtFlops, fmtNumber, fmtPercent, fmtSeconds, renderTable } from './format.js';

// "selective (core_attn, layernorm), auto", "full, 1 layer per chunk"
export function recomputeText(r: TrainResult): string {
  let t: string = r.recompute;
  if (r.recompute === 'selective') t += r.remat_policy ? ` (remat_policy ${r.remat_policy})` : ` (${r.recompute_modules.join(', ')})`;
  if (r.recompute === 'full' && r.recompute_num_layers !== null) t += `, ${r.recompute_num_layers} layer${r.recompute_num_layers === 1 ? '' : 's'} per ${r.pp > 1 ? 'chunk' : 'model'}`;
  return r.recompute_auto ? `${t}, auto` : t;
}

export function renderTrain(r: TrainResult): string {
  const m = r.memory;
  // A split that does not fit has no step to run: its times and MFU are what it would reach with the memory it
  // lacks, labelled so, never an achievement (the JSON keeps every key; memory.fits says it does not fit).
  const would = m.fits ? '' : ' (if it fit)';
  const rows: [string, string][] = [
    ['split', `tp ${r.tp} · pp ${r.pp}${r.interleave > 1 ? ` (v ${r.interleave})` : ''} · cp ${r.cp} · dp ${r.dp}${r.ep > 1 ? ` (ep ${r.ep})` : ''} = ${r.devices} devices`],
    ['pipeline schedule', r.pp > 1 ? (r.schedule === 'interleaved' ? `interleaved 1F1B, ${r.interleave} chunks per device` : r.schedule === 'dualpipe' ? 'DualPipe (all-to-all hidden behind compute)' : '1F1B') : '—'],
    ['batch', `${r.global_batch} × ${r.seq_len} tokens (${fmtCount(r.tokens_per_step)}), micro-batch ${r.micro_batch}, ${r.micro_batches} per pipeline`],
    ['precision / recompute / ZeRO', `${r.dtype} (GEMMs ${r.gemm_dtype}) / ${recomputeText(r)} / ${r.zero}`],
    ['step time' + would, fmtSeconds(r.step_s)],
    ['tokens/s' + would, fmtNumber(r.tokens_per_s)],
    ['achieved per device (model FLOPs)' + would, fmtFlopRate(r.achieved_flops_per_device)],
    // MFU is against the peak of the dtype the GEMMs ran in (int8 / fp8 training: that peak, not bf16's as MaxText and
    // MLPerf quote it), so the row names it
    ['MFU' + would, `${fmtPercent(r.mfu)} of the ${r.gemm_dtype} peak (${fmtFlopRate(r.peak_flops_per_device)})`],
    ['model FLOPs per token', fmtFlops(r.flops_per_token)],
  ];
  if (r.total_flops !== null) rows.push(['total compute', fmtFlops(r.total_flops)]);
  if (r.total_s !== null) rows.push(['training time', `${fmtSeconds(r.total_s)} (at ${Math.round(r.goodput * 100)}% goodput)`]);
  if (r.gpu_hours !== null) rows.push(['device-hours', fmtNumber(r.gpu_hours)]);
  if (r.cost_usd !== null) rows.push(['cost', `$${fmtNumber(r.cost_usd)} on demand at $${r.price_usd_per_hour}/device-hour`]);
  if (r.tco_usd !== null) rows.push(['cost (TCO)', `$${fmtNumber(r.tco_usd)} at $${fmtNumber(r.tco_usd_per_hour!)}/h for all devices (purchase amortised + energy)`]);
  rows.push(['mean power per device', `${fmtNumber(r.power_w)} W (${r.energy_source})`]);
  rows.push([
    'memory per device',
    `${fmtGB(m.per_device_bytes)} of ${fmtGB(m.usable_bytes)} usable${r.pp > 1 ? ` (pipeline rank ${m.peak_pp_rank})` : ''} — ${m.fits ? 'fits' : 'DOES NOT FIT'} ` +
      `(weights ${fmtGB(m.weights_bytes)}, grads ${fmtGB(m.gradients_bytes)}, optimizer ${fmtGB(m.optimizer_bytes)}, activations ${fmtGB(m.activations_bytes)})`,
  ]);
  const b = r.breakdown;
  const parts = Object.entries(b)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k.replace(/_s$/, '')} ${fmtPercent(v / r.step_s, 0)}`)
    .join(', ');
  rows.push(['step breakdown', parts]);
  const head = `${r.model} on ${r.devices} × ${r.hardware} (runtime ${r.runtime})`;
  const out = m.fits
    ? [head, renderTable(['', 'value'], rows)]
    : [head, `DOES NOT FIT: ${fmtGB(m.per_device_bytes)} per device, ${fmtGB(m.usable_bytes)} usable — more devices, tp/pp, ZeRO or recompute; the figures below are what it would reach if it fit`, renderTable(['', 'value'], rows)];
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

export function renderTrainSearch(configs: TrainResult[], tried: number): string {
  if (configs.length === 0) return `no configuration fits (${tried} tried)`;
  // the total time needs --tokens: without it every row would read '—', so the column is left out
  const withTotal = configs.some((r) => r.total_s !== null);
  // the experts' own TP size, where some split prices it apart from tp (--etp, or a runtime whose default is 1)
  const withEtp = configs.some((r) => r.etp !== r.tp);
  const rows = configs.map((r) => [
    r.tp, r.pp, r.cp, r.dp, r.ep, ...(withEtp ? [r.etp] : []), r.schedule === 'interleaved' ? `interleaved v${r.interleave}` : r.schedule, r.micro_batch, recomputeText(r).replace(/, auto$/, ''),
    fmtSeconds(r.step_s), fmtNumber(r.tokens_per_s), fmtPercent(r.mfu), fmtGB(r.memory.per_device_bytes),
    ...(withTotal ? [r.total_s !== null ? fmtSeconds(r.total_s) : '—'] : []),
  ]);
  return [
    `best ${configs.length} of ${tried} valid splits that fit (global batch ${configs[0]!.global_batch} × ${configs[0]!.seq_len}):`,
    renderTable(['tp', 'pp', 'cp', 'dp', 'ep', ...(withEtp ? ['etp'] : []), 'schedule', 'mb', 'recompute', 'step', 'tokens/s', 'MFU', 'memory', ...(withTotal ? ['total'] : [])], rows),
  ].join('\n');
}
