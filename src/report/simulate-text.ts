// Human output of `simulate`: a short summary (latency, throughput, memory, the bound of each phase) and,
// with --verbose, per-op tables for prefill and decode.
import type { SimulateResult } from '../sim/types.js';
import type { NormalizedModel } from '../spec/types.js';
import { fmtFlops, fmtGB, fmtNumber, fmtSeconds, renderTable } from './format.js';
import { itemOf } from './rows.js';
import { cycleSteps } from '../sim/decoder.js';

/** what one `images_per_s` item is, for the label only (the JSON key stays `images_per_s`, docs/design.md):
 *  a clip for video pipelines and video DiTs at more than one frame, else an image */
export function mediaItem(model: Pick<NormalizedModel, 'family'> & { defaults?: Record<string, number>; temporal?: unknown }, frames?: number): 'image' | 'video' {
  if (model.family === 'pipeline') return (frames ?? model.defaults?.frames ?? 1) > 1 ? 'video' : 'image';
  if (model.family === 'dit' && model.temporal) return (frames ?? 2) > 1 ? 'video' : 'image';
  return 'image';
}

/** the text label of a decoder phase row. The engine shows the step that occurs most often in the steady-state
 *  cycle (src/sim/decoder.ts evaluate, same cycleSteps and the same first-most-frequent pick): when that step also
 *  carries new requests' prefills (batch per microbatch above half the output length), plain "decode" would
 *  misread as a pure decode step, so the label says what it holds. The JSON phase name stays "decode". `mixed`: the
 *  steady state mixes prompts into decode steps (src/sim/decoder.ts stepsMix; else the shown step is a pure decode). */
export function phaseLabel(r: SimulateResult, name: string, mixed = true): string {
  if (r.family !== 'decoder' || !r.batch) return name;
  // the prefill row is the whole batch from cold (ttft_cold_s), not the steady-state time to first token
  if (name === 'prefill') return r.in_flight !== undefined ? `prefill, ${r.in_flight} in flight cold` : r.batch > 1 ? 'prefill, whole batch cold' : name;
  if (name !== 'decode' || !r.output_tokens) return name;
  const running = r.in_flight ?? r.batch; // the engine's cap where it queues the rest (src/sim/engine-queue.ts)
  const mb = running / Math.min(r.pp, running);
  const shown = cycleSteps(mb, r.output_tokens, mixed).reduce((a, b) => (b.count > a.count ? b : a));
  if (!(shown.prefills > 0)) return name;
  const n = Number(shown.prefills.toPrecision(3));
  return `decode step + ${n} prefill${n === 1 ? '' : 's'}`;
}

export function renderSimulate(r: SimulateResult, verbose = false, media: 'image' | 'video' = 'image', mixed = true): string {
  const out: string[] = [];
  const par = `tp ${r.tp} · pp ${r.pp}${r.ep > 1 ? ` · ep ${r.ep}` : ''}${r.attention_dp ? ' (attention data-parallel)' : ''} · ${r.devices} device${r.devices > 1 ? 's' : ''} (${r.replicas} replica${r.replicas > 1 ? 's' : ''})`;
  out.push(`${r.model} on ${r.hardware}${r.runtime ? ` (runtime ${r.runtime})` : ''} — ${par}`);
  const shape = r.input_tokens !== undefined ? ` · ${r.input_tokens} in / ${r.output_tokens} out` : '';
  out.push(`batch ${r.batch ?? '—'}${r.in_flight !== undefined ? ` (${r.in_flight} in flight, the rest queued)` : ''}${shape} · weights ${r.weights_dtype}, GEMMs ${r.activations_dtype}, KV ${r.kv_cache_dtype}${r.kv_cache_default && r.kv_cache_default !== 'checkpoint' ? ` (runtime KV default: ${r.kv_cache_default})` : ''}`);
  out.push('');
  const m = r.memory;
  const rows: [string, string][] = [];
  if (!m.fits) out.push(`does not fit: ${m.reason ?? ''}`, '');
  if (r.family === 'decoder') {
    rows.push(['time to first token', fmtSeconds(r.ttft_s)]);
    if (r.batch !== null && r.batch > 1) rows.push(['  whole batch from cold', fmtSeconds(r.ttft_cold_s)]);
    rows.push(['time per output token', fmtSeconds(r.tpot_s)]);
    rows.push(['end to end (one request)', fmtSeconds(r.e2e_s)]);
    rows.push(['throughput (output)', r.throughput_tok_s == null ? '—' : `${fmtNumber(r.throughput_tok_s)} tok/s`]);
    rows.push(['prefill throughput', r.prefill_tok_s == null ? '—' : `${fmtNumber(r.prefill_tok_s)} tok/s`]);
  } else {
    rows.push(['latency', fmtSeconds(r.latency_s)]);
    if (r.ttft_s != null) rows.push(['time to first token', fmtSeconds(r.ttft_s)]);
    if (r.step_s != null) rows.push(['denoising step', fmtSeconds(r.step_s)]);
    if (r.images_per_s != null) rows.push([`${media}s per second`, fmtNumber(r.images_per_s)]);
    if (r.encoder_s != null) rows.push(['encoder', fmtSeconds(r.encoder_s)]);
    if (r.decoder_s != null) rows.push(['decoder', fmtSeconds(r.decoder_s)]);
    if (r.rtf != null) rows.push(['real-time factor', fmtNumber(r.rtf)]);
  }
  // energy_j_per_token / cost_usd_per_mtok are per output item of the family (token, image, window, run)
  const item = r.family === 'pipeline' && r.output_tokens !== undefined ? 'token' : itemOf(r.family);
  const src = r.energy_source ? ` (${r.energy_source})` : '';
  if (r.energy_j_per_token != null) rows.push([`energy per ${item}`, `${fmtNumber(r.energy_j_per_token)} J${src}`]);
  if (r.energy_j_per_run != null) rows.push(['energy per run', `${fmtNumber(r.energy_j_per_run)} J${r.energy_j_per_token != null ? '' : src}`]);
  if (r.power_w != null) rows.push(['mean power per device', `${fmtNumber(r.power_w)} W`]);
  if (r.cost_usd_per_mtok != null) rows.push([`cost per million ${item}s`, `$${fmtNumber(r.cost_usd_per_mtok)} on demand at $${r.price_usd_per_hour}/device-hour`]);
  if (r.tco_usd_per_mtok != null) rows.push([`TCO per million ${item}s`, `$${fmtNumber(r.tco_usd_per_mtok)} ($${fmtNumber(r.tco_usd_per_hour!)}/h: purchase amortised + energy)`]);
  if (r.tokens_per_s_per_mw != null) rows.push([`${item}s per second per MW`, `${fmtNumber(r.tokens_per_s_per_mw)} (facility power, PUE included)`]);
  rows.push(['memory per device', `${fmtGB(m.per_device_bytes)} of ${fmtGB(m.usable_bytes)} usable (${fmtGB(m.capacity_bytes)})`]);
  rows.push(['  weights', fmtGB(m.weights_bytes)]);
  rows.push(['  KV cache', fmtGB(m.kv_cache_bytes)]);
  rows.push(['  activations', fmtGB(m.activations_bytes)]);
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.push(`${k.padEnd(keyWidth)}  ${v}`);
  if (r.stages?.length) {
    out.push('');
    out.push(
      renderTable(
        ['stage', 'runs', 'latency', 'share'],
        r.stages.map((st) => [st.model, fmtNumber(st.runs), fmtSeconds(st.latency_s), st.share == null ? '—' : `${(st.share * 100).toFixed(1)}%`]),
      ),
    );
  }
  if (r.phases.length) {
    out.push('');
    out.push(
      renderTable(
        ['phase', 'time', 'bound', 'compute', 'memory', 'comm', 'FLOP/device'],
        r.phases.map((p) => [phaseLabel(r, p.name, mixed), fmtSeconds(p.seconds), p.bound, fmtSeconds(p.compute_s), fmtSeconds(p.memory_s), fmtSeconds(p.comm_s), fmtFlops(p.flops)]),
      ),
    );
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  if (verbose && r.ops?.length) {
    for (const phase of ['prefill', 'decode']) {
      const ops = r.ops.filter((o) => o.phase === phase);
      if (!ops.length) continue;
      const total = ops.reduce((s, o) => s + o.seconds, 0);
      out.push('');
      const held = phase === 'decode' && phaseLabel(r, 'decode', mixed) !== 'decode' ? ` (${phaseLabel(r, 'decode', mixed)})` : '';
      out.push(`${phase} ops (one device, one ${phase === 'prefill' ? 'batch prefill' : `step at the mean context${held}`})`);
      out.push(
        renderTable(
          ['op', 'kind', 'count', 'FLOP', 'bytes', 'time', 'share', 'bound'],
          ops.map((o) => [o.name, o.kind, fmtNumber(o.count), fmtFlops(o.flops), fmtGB(o.bytes), fmtSeconds(o.seconds), `${((o.seconds / total) * 100).toFixed(1)}%`, o.bound]),
        ),
      );
    }
  }
  return out.join('\n');
}
