import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveHardware } from '../../spec/library.js';
import { withDefaultRuntime } from '../../runtime/resolve.js';
import { fmtBandwidth, fmtFlopRate, fmtFlops, fmtNumber, fmtGB, fmtPercent, fmtSeconds, fmtWatts, grouped, renderTable } from '../../report/format.js';
import type { EfficiencyTable, NormalizedHardware } from '../../spec/types.js';

export function hardwareJson(h: NormalizedHardware) {
  return {
    id: h.id,
    name: h.name,
    vendor: h.vendor,
    architecture: h.architecture ?? null,
    class: h.class,
    year: h.year ?? null,
    matrix_flops_per_s: h.matrixFlopPerS,
    matrix_min_k: h.matrixMinK ?? null,
    vector_flops_per_s: h.vectorFlopPerS,
    memory: {
      technology: h.memory.technology,
      capacity_bytes: h.memory.capacityBytes,
      bandwidth_bytes_per_s: h.memory.bandwidthBytePerS,
      stacks: h.memory.stacks ?? null,
      bus_width_bits: h.memory.busWidthBits ?? null,
      energy_j_per_bit: h.memory.energyJPerBit ?? null,
    },
    on_chip: { l2_bytes: h.onChip.l2Bytes ?? null, sram_bytes: h.onChip.sramBytes ?? null, l2_bandwidth_bytes_per_s: h.onChip.l2BandwidthBytePerS ?? null },
    interconnect: {
      scale_up: h.scaleUp ? { bandwidth_bytes_per_s: h.scaleUp.bandwidthBytePerS, latency_s: h.scaleUp.latencyS, domain: h.scaleUp.domain ?? null } : null,
      scale_out: h.scaleOut ? { bandwidth_bytes_per_s: h.scaleOut.bandwidthBytePerS, latency_s: h.scaleOut.latencyS } : null,
      host: h.host ? { bandwidth_bytes_per_s: h.host.bandwidthBytePerS } : null,
    },
    power: { tdp_w: h.power?.tdpW ?? null, idle_w: h.power?.idleW ?? null },
    price: {
      purchase_usd: h.price?.purchaseUsd ?? null,
      hour_usd: h.price?.hourUsd ?? null,
      hour_date: h.price?.hourDate ?? null,
      hour_source: h.price?.hourSource ?? null,
      purchase_date: h.price?.purchaseDate ?? null,
      purchase_source: h.price?.purchaseSource ?? null,
    },
    runtime: { id: h.runtime?.id ?? null, name: h.runtime?.name ?? null, step_overhead_s: h.runtime?.stepOverheadS ?? 0, static_context: h.runtime?.staticContext ?? null },
    efficiency: {
      memory: h.efficiency.memory,
      gemm: h.efficiency.gemm,
      gemm_by_dtype: h.efficiency.gemmByDtype ?? null,
      gemm_memory_by_dtype: h.efficiency.gemmMemoryByDtype ?? null,
      attention: h.efficiency.attention,
      attention_by_dtype: h.efficiency.attentionByDtype ?? null,
      attention_kv8: h.efficiency.attentionKv8,
      attention_backward: h.efficiency.attentionBackward ?? null,
      gemm_fp8_split_accumulate: h.efficiency.gemmFp8SplitAccumulate ?? null,
      sustained_matrix: h.efficiency.sustainedMatrix ?? null,
      sustained_matrix_by_dtype: h.efficiency.sustainedMatrixByDtype ?? null,
      vector: h.efficiency.vector,
      collective: h.efficiency.collective,
      collective_by_size: h.efficiency.collectiveBySize ?? null,
      collective_algorithm: h.efficiency.collectiveAlgorithm ?? 'ring',
      kernel_overhead_s: h.efficiency.kernelOverheadS,
      source: h.efficiency.source ?? null,
    },
    sources: h.sources,
  };
}

// A size table as three points (its ends and its middle), e.g. "5.5% at 1 MFLOP … 70.5% at 2.15 GFLOP … 96.1% at 2.15 TFLOP"
function tableText(t: EfficiencyTable, unit: (x: number) => string): string {
  const n = t.sizes.length;
  const at = [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
  return at.map((i) => `${fmtNumber(t.values[i]! * 100)}% at ${unit(t.sizes[i]!)}`).join(' … ');
}

/** the efficiencies the roofline prices this part's kernels at (the --json "efficiency" object), as table rows */
export function efficiencyRows(h: NormalizedHardware): [string, string][] {
  const e = h.efficiency;
  const rows: [string, string][] = [['GEMM efficiency', `${tableText(e.gemm, fmtFlops)} (by a GEMM's FLOPs)`]];
  for (const [d, t] of Object.entries(e.gemmByDtype ?? {})) if (t) rows.push([`GEMM efficiency ${d}`, tableText(t, fmtFlops)]);
  for (const [d, v] of Object.entries(e.gemmMemoryByDtype ?? {})) if (v !== undefined) rows.push([`GEMM operand stream ${d}`, `${fmtPercent(v, 1)} of memory bandwidth`]);
  const byDtype = Object.entries(e.attentionByDtype ?? {}).map(([d, v]) => `${d} ${fmtPercent(v, 0)}`);
  rows.push(['attention', [`${fmtPercent(e.attention, 0)} of matrix peak`, ...byDtype, `decode over an 8-bit cache ${fmtPercent(e.attentionKv8, 0)} of memory bandwidth`, e.attentionBackward !== undefined ? `backward ${fmtPercent(e.attentionBackward, 0)} of forward` : ''].filter(Boolean).join('; ')]);
  if (e.gemmFp8SplitAccumulate !== undefined) rows.push(['fp8 split accumulation', `${fmtPercent(e.gemmFp8SplitAccumulate, 0)} of the fast-accumulation rate`]);
  if (e.sustainedMatrix !== undefined) rows.push(['sustained matrix rate', `${fmtPercent(e.sustainedMatrix, 0)} of burst`]);
  rows.push(['vector', `${fmtPercent(e.vector, 0)} of vector peak`]);
  rows.push(['collectives', e.collectiveBySize ? `${tableText(e.collectiveBySize, fmtGB)} (${e.collectiveAlgorithm ?? 'ring'})` : `${fmtPercent(e.collective, 0)} of link bandwidth (${e.collectiveAlgorithm ?? 'ring'})`]);
  rows.push(['kernel launch', fmtSeconds(e.kernelOverheadS)]);
  return rows;
}

export default class ShowHardware extends BaseCommand {
  static summary = 'Show an accelerator: peaks per dtype, memory, interconnect, power, price and efficiency.';
  static examples = ['<%= config.bin %> show hardware h100-sxm', '<%= config.bin %> show hardware mi300x --json', '<%= config.bin %> show hardware ./my-gpu.yaml'];
  static args = { hardware: Args.string({ description: 'library id or path to a YAML file', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(ShowHardware);
    // shown as its default runtime drives it for an LLM (docs/runtimes.md): host time per step, static context
    const h = withDefaultRuntime(await resolveHardware(args.hardware), { family: 'decoder' });
    if (!this.jsonEnabled()) {
      this.log(`${h.name} (${h.id}) — ${h.vendor}${h.architecture ? ` ${h.architecture}` : ''}, ${h.class}${h.year ? `, ${h.year}` : ''}`);
      const rows: [string, string][] = [];
      for (const [d, v] of Object.entries(h.matrixFlopPerS)) rows.push([`matrix ${d}`, fmtFlopRate(v)]);
      for (const [d, v] of Object.entries(h.vectorFlopPerS)) rows.push([`vector ${d}`, fmtFlopRate(v)]);
      if (h.matrixMinK) rows.push(['matrix reduction floor', `a product over K < ${h.matrixMinK} runs at K / ${h.matrixMinK} of the matrix rate`]);
      rows.push(['memory', `${fmtGB(h.memory.capacityBytes)} ${h.memory.technology}${h.memory.stacks ? ` (${h.memory.stacks} stacks)` : ''}${h.memory.busWidthBits ? ` (${h.memory.busWidthBits}-bit bus)` : ''}`]);
      rows.push(['memory bandwidth', `${fmtBandwidth(h.memory.bandwidthBytePerS)} (achievable ${fmtPercent(h.efficiency.memory, 0)})`]);
      if (h.onChip.l2Bytes) rows.push(['L2', `${fmtGB(h.onChip.l2Bytes)}${h.onChip.l2BandwidthBytePerS ? ` (${fmtBandwidth(h.onChip.l2BandwidthBytePerS)}: activations that fit are read there)` : ''}`]);
      if (h.onChip.sramBytes) rows.push(['SRAM', fmtGB(h.onChip.sramBytes)]);
      if (h.scaleUp) rows.push(['scale-up', `${fmtBandwidth(h.scaleUp.bandwidthBytePerS)} per direction, domain ${h.scaleUp.domain ?? '—'}, latency ${fmtSeconds(h.scaleUp.latencyS)}`]);
      if (h.scaleOut) rows.push(['scale-out', `${fmtBandwidth(h.scaleOut.bandwidthBytePerS)} per direction`]);
      if (h.runtime) rows.push(['default runtime (LLMs)', `${h.runtime.name} (${h.runtime.id}); hwperf show runtime ${h.runtime.id}`]);
      if (h.runtime?.stepOverheadS) rows.push(['host time per step', `${fmtSeconds(h.runtime.stepOverheadS)} (${h.runtime.id})`]);
      if (h.runtime?.staticContext) rows.push(['static context', `${h.runtime.staticContext} tokens (${h.runtime.name ?? 'runtime'} graphs)`]);
      if (h.power) rows.push(['TDP', fmtWatts(h.power.tdpW)]);
      if (h.power?.idleW !== undefined) rows.push(['idle power', fmtWatts(h.power.idleW)]);
      const when = (d?: string, src?: string) => (d || src ? ` (${[d, src].filter(Boolean).join(', ')})` : '');
      if (h.price?.hourUsd !== undefined) rows.push(['price per device-hour', `$${h.price.hourUsd}${when(h.price.hourDate, h.price.hourSource)}`]);
      if (h.price?.purchaseUsd !== undefined) rows.push(['purchase price', `$${grouped(h.price.purchaseUsd)}${when(h.price.purchaseDate, h.price.purchaseSource)}`]);
      rows.push(...efficiencyRows(h));
      this.log(renderTable(['field', 'value'], rows));
      if (h.efficiency.source) this.log(`efficiency: ${h.efficiency.source}`);
      this.log(`sources:\n${h.sources.map((s) => `  - ${s}`).join('\n')}`);
    }
    return hardwareJson(h);
  }
}
