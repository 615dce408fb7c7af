// Hardware and memory-technology specs → SI numbers (units via mathjs, only for user files) + rules.
import { maskWords } from './errors.js';
import { parseQuantity, type Dimension } from '../units/quantity.js';
import { issueAt, type SpecContext } from './load.js';
import { MIN_EFFICIENCY, hardwareSchema, memorySchema, inRange, rangeAt, rangeText, runtimeSchema } from './schemas.js';

export const SI_UNIT: Record<Dimension, string> = {
  bytes: 'B', bytes_per_s: 'B/s', flop_per_s: 'FLOP/s', watts: 'W', joules: 'J', joules_per_bit: 'J/bit',
  joules_per_flop: 'J/FLOP', seconds: 's', hertz: 'Hz', bits_per_s: 'bit/s', usd: 'USD',
};
import { defaultEfficiency, fp8SplitAccumulateDefault, gemmTable } from '../hardware/efficiency.js';

import type { Dtype, EfficiencyTable, LinkSpec, MemoryTechnology, NormalizedHardware } from './types.js';

type Raw = Record<string, any>;

export async function quantityAt(
  ctx: SpecContext,
  raw: Raw,
  path: (string | number)[],
  dim: Dimension,
  opts: { required?: boolean; positive?: boolean } = {},
): Promise<number | undefined> {
  let v: any = raw;
  for (const p of path) v = v?.[p];
  if (v === undefined || v === null) {
    if (opts.required) ctx.errors.push(issueAt(ctx, path, `missing required quantity`, 'add it with its unit'));
    return undefined;
  }
  const r = await parseQuantity(v, dim);
  if ('error' in r) {
    ctx.errors.push(issueAt(ctx, path, r.error));
    return undefined;
  }
  if (opts.positive && r.value <= 0) {
    ctx.errors.push(issueAt(ctx, path, `must be > 0, found "${v}"`));
    return undefined;
  }
  // the schema of the file's kind (a runtime file's quantities were looked up in the hardware schema: no range at all)
  const range = rangeAt(raw.kind === 'stack' || raw.kind === 'bus' ? memorySchema : raw.kind === 'runtime' ? runtimeSchema : hardwareSchema, path);
  if (range && !inRange(r.value, range)) {
    const unit = SI_UNIT[dim];
    ctx.errors.push(issueAt(ctx, path, `must be ${rangeText(range, unit)}, found "${v}"`));
    return undefined;
  }
  return r.value;
}

async function dtypeMap(ctx: SpecContext, raw: Raw, path: string[]): Promise<Partial<Record<Dtype, number>>> {
  const out: Partial<Record<Dtype, number>> = {};
  let obj: any = raw;
  for (const p of path) obj = obj?.[p];
  for (const k of Object.keys(obj ?? {})) {
    const v = await quantityAt(ctx, raw, [...path, k], 'flop_per_s', { positive: true });
    if (v !== undefined) out[k as Dtype] = v;
  }
  return out;
}

async function link(ctx: SpecContext, raw: Raw, name: string): Promise<LinkSpec | undefined> {
  const l = raw.interconnect?.[name];
  if (!l) return undefined;
  const bw = await quantityAt(ctx, raw, ['interconnect', name, 'bandwidth'], 'bytes_per_s', { required: true, positive: true });
  const lat = await quantityAt(ctx, raw, ['interconnect', name, 'latency'], 'seconds');
  const rate = l.link_rate === undefined ? undefined : await quantityAt(ctx, raw, ['interconnect', name, 'link_rate'], 'bytes_per_s', { positive: true });
  if (bw === undefined) return undefined;
  // one link's share of the device bandwidth on a full mesh is bandwidth / (domain - 1); the realized rate as a
  // fraction of it (kept as a fraction so that a faster link scales it)
  const perLink = l.domain && l.domain > 1 ? bw / (l.domain - 1) : bw;
  return {
    bandwidthBytePerS: bw,
    latencyS: lat ?? (name === 'scale_up' ? 3e-6 : 10e-6),
    domain: l.domain,
    technology: l.technology === undefined ? undefined : maskWords(l.technology),
    ...(rate === undefined ? {} : { linkEfficiency: rate / perLink }),
    ...(typeof l.links === 'number' ? { links: l.links } : {}),
  };
}

// GEMM efficiency is measured throughput over the *rated* peak; GeForce cards boost past their rated clock and
// sustain up to ~1.15 of it in matmul sweeps (rtx-3090 / rtx-5090 specs), so GEMM tables may go a little above 1.
const GEMM_MAX = 1.25;

/** efficiency.<field>: a fraction per dtype, each checked as `fraction` checks one */
function fractionsByDtype(ctx: SpecContext, field: string, m: Record<string, unknown>): Partial<Record<Dtype, number>> {
  const out: Partial<Record<Dtype, number>> = {};
  for (const [k, v] of Object.entries(m)) {
    const f = fraction(ctx, ['efficiency', field, k], v);
    if (f !== undefined) out[k as Dtype] = f;
  }
  return out;
}

function fraction(ctx: SpecContext, path: (string | number)[], v: unknown, max = 1): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= MIN_EFFICIENCY && v <= max)) {
    const what = max === 1 ? `a fraction from ${MIN_EFFICIENCY} to 1` : `from ${MIN_EFFICIENCY} to ${max} (measured over rated peak)`;
    ctx.errors.push(issueAt(ctx, path, `efficiency must be ${what}, found ${JSON.stringify(v)}`));
    return undefined;
  }
  return v;
}

// `classTable`: what a GEMM table's `class` marker stands for (the class default, before the spec's own `gemm`)
async function table(ctx: SpecContext, path: (string | number)[], v: any, max = 1, classTable?: EfficiencyTable): Promise<EfficiencyTable | undefined> {
  if (v === undefined) return undefined;
  if (v === 'class' && classTable) return { sizes: [...classTable.sizes], values: [...classTable.values] };
  if (typeof v === 'number') {
    const f = fraction(ctx, path, v, max);
    return f === undefined ? undefined : gemmTable(f);
  }
  const sizes: number[] = v.sizes.map((s: unknown) => (typeof s === 'string' ? Number(s) : s));
  const values: number[] = v.values;
  if (sizes.length !== values.length || sizes.length < 1) {
    ctx.errors.push(issueAt(ctx, path, 'sizes and values must be lists of the same length'));
    return undefined;
  }
  for (let i = 0; i < values.length; i++) {
    fraction(ctx, [...path, 'values', i], values[i], max);
    if (!Number.isFinite(sizes[i])) ctx.errors.push(issueAt(ctx, [...path, 'sizes', i], 'must be a number of FLOPs'));
    if (i > 0 && sizes[i]! <= sizes[i - 1]!) ctx.errors.push(issueAt(ctx, [...path, 'sizes', i], 'sizes must increase'));
    if (i > 0 && values[i]! < values[i - 1]!) {
      ctx.errors.push(issueAt(ctx, [...path, 'values', i], `efficiency must not fall as ops grow (${values[i - 1]} → ${values[i]})`, 'make the table monotone'));
    }
  }
  // Time is size / efficiency: a bigger op never finishes sooner than a table point below it. Between points the lookup
  // caps that (src/hardware/efficiency.ts lookupEfficiency); at the points themselves a measured sweep can climb faster
  // than its sizes (A100 all-reduce 1 KiB -> 16 KiB: x16.75 in efficiency for x16 in size; H100 256 KiB -> 1 MiB: x4.02
  // for x4), which made the time fall just past the point: a running cap keeps each point's time at least the last's.
  const capped = values.slice();
  for (let i = 1; i < capped.length; i++) capped[i] = Math.min(capped[i]!, (capped[i - 1]! * sizes[i]!) / sizes[i - 1]!);
  return { sizes, values: capped };
}

export async function normalizeHardware(raw: Raw, ctx: SpecContext): Promise<NormalizedHardware | undefined> {
  // 1. compute peaks
  const matrix = await dtypeMap(ctx, raw, ['compute', 'matrix']);
  const vector = await dtypeMap(ctx, raw, ['compute', 'vector']);
  if (Object.keys(matrix).length + Object.keys(vector).length === 0) {
    ctx.errors.push(issueAt(ctx, ['compute'], 'needs at least one peak under compute.matrix or compute.vector', 'e.g. matrix: {bf16: 989 TFLOP/s}'));
  }
  // 2. memory
  const capacity = await quantityAt(ctx, raw, ['memory', 'capacity'], 'bytes', { required: true, positive: true });
  const bandwidth = await quantityAt(ctx, raw, ['memory', 'bandwidth'], 'bytes_per_s', { required: true, positive: true });
  const memEnergy = await quantityAt(ctx, raw, ['memory', 'energy'], 'joules_per_bit');
  // free text, echoed in energy labels and warnings: the words that only ever mean a fault spelled out (maskWords)
  const technology: string = maskWords(raw.memory?.technology ?? 'unknown');
  // 3. on-chip, links, power, price
  const l2 = await quantityAt(ctx, raw, ['on_chip', 'l2'], 'bytes');
  const sram = await quantityAt(ctx, raw, ['on_chip', 'sram'], 'bytes');
  const l2Bw = await quantityAt(ctx, raw, ['on_chip', 'l2_bandwidth'], 'bytes_per_s', { positive: true });
  const tdp = await quantityAt(ctx, raw, ['power', 'tdp'], 'watts', { positive: true });
  const idle = await quantityAt(ctx, raw, ['power', 'idle'], 'watts');
  const computeEnergy = await quantityAt(ctx, raw, ['energy', 'compute'], 'joules_per_flop');
  const purchase = await quantityAt(ctx, raw, ['price', 'purchase'], 'usd');
  const hour = await quantityAt(ctx, raw, ['price', 'hour'], 'usd');
  const clock = await quantityAt(ctx, raw, ['compute', 'clock'], 'hertz');
  const fp16Acc = await quantityAt(ctx, raw, ['compute', 'fp16_accumulate'], 'flop_per_s', { positive: true });
  const [scaleUp, scaleOut, host] = [await link(ctx, raw, 'scale_up'), await link(ctx, raw, 'scale_out'), await link(ctx, raw, 'host')];
  // 4. efficiency: spec values over defaults
  const cls: string = raw.class ?? 'datacenter';
  const eff = defaultEfficiency(technology, cls, raw.vendor);
  const e = raw.efficiency ?? {};
  eff.memory = fraction(ctx, ['efficiency', 'memory'], e.memory) ?? eff.memory;
  const classGemm = eff.gemm;
  eff.gemm = (await table(ctx, ['efficiency', 'gemm'], e.gemm, GEMM_MAX, classGemm)) ?? eff.gemm;
  if (e.gemm_by_dtype) {
    eff.gemmByDtype = {};
    for (const [k, v] of Object.entries(e.gemm_by_dtype)) {
      const t = await table(ctx, ['efficiency', 'gemm_by_dtype', k], v, GEMM_MAX, classGemm);
      if (t) eff.gemmByDtype[k as Dtype] = t;
    }
  }
  if (e.gemm_memory_by_dtype) eff.gemmMemoryByDtype = fractionsByDtype(ctx, 'gemm_memory_by_dtype', e.gemm_memory_by_dtype);
  eff.attention = fraction(ctx, ['efficiency', 'attention'], e.attention) ?? eff.attention;
  if (e.attention_by_dtype) eff.attentionByDtype = fractionsByDtype(ctx, 'attention_by_dtype', e.attention_by_dtype);
  eff.attentionKv8 = fraction(ctx, ['efficiency', 'attention_kv8'], e.attention_kv8) ?? eff.attentionKv8;
  const attnBwd = fraction(ctx, ['efficiency', 'attention_backward'], e.attention_backward);
  if (attnBwd !== undefined) eff.attentionBackward = attnBwd;
  const split = fraction(ctx, ['efficiency', 'gemm_fp8_split_accumulate'], e.gemm_fp8_split_accumulate) ?? fp8SplitAccumulateDefault(raw.architecture);
  if (split !== undefined) eff.gemmFp8SplitAccumulate = split;
  const sustained = fraction(ctx, ['efficiency', 'sustained_matrix'], e.sustained_matrix);
  if (sustained !== undefined) eff.sustainedMatrix = sustained;
  if (e.sustained_matrix_by_dtype) eff.sustainedMatrixByDtype = fractionsByDtype(ctx, 'sustained_matrix_by_dtype', e.sustained_matrix_by_dtype);
  eff.vector = fraction(ctx, ['efficiency', 'vector'], e.vector) ?? eff.vector;
  if (typeof e.collective === 'object' && e.collective !== null) {
    // measured all-reduce efficiency by message size (nccl-tests sweep): the largest size is the large-message value
    const t = await table(ctx, ['efficiency', 'collective'], e.collective);
    if (t) {
      eff.collectiveBySize = t;
      eff.collective = t.values[t.values.length - 1]!;
    }
  } else {
    eff.collective = fraction(ctx, ['efficiency', 'collective'], e.collective) ?? eff.collective;
  }
  if (e.collective_algorithm !== undefined) eff.collectiveAlgorithm = e.collective_algorithm;
  eff.kernelOverheadS = (await quantityAt(ctx, raw, ['efficiency', 'kernel_overhead'], 'seconds')) ?? eff.kernelOverheadS;
  if (e.source) eff.source = maskWords(String(e.source));
  // 5. rules
  if (matrix.fp8 !== undefined && matrix.bf16 !== undefined && matrix.fp8 < matrix.bf16) {
    ctx.errors.push(issueAt(ctx, ['compute', 'matrix', 'fp8'], 'fp8 peak is below the bf16 peak', 'check for a sparse/dense mix-up'));
  }
  if (matrix.fp4 !== undefined && matrix.fp8 !== undefined && matrix.fp4 < matrix.fp8) {
    ctx.errors.push(issueAt(ctx, ['compute', 'matrix', 'fp4'], 'fp4 peak is below the fp8 peak', 'check for a sparse/dense mix-up'));
  }
  if (ctx.errors.length || capacity === undefined || bandwidth === undefined) return undefined;
  return {
    id: raw.id,
    name: maskWords(raw.name),
    vendor: maskWords(raw.vendor ?? 'other'),
    ...(raw.architecture === undefined ? {} : { architecture: raw.architecture }),
    class: cls,
    year: raw.year,
    matrixFlopPerS: matrix,
    ...(fp16Acc === undefined ? {} : { fp16AccumulateFlopPerS: fp16Acc }),
    vectorFlopPerS: vector,
    units: raw.compute?.units,
    clockHz: clock,
    ...(raw.compute?.matrix_min_k === undefined ? {} : { matrixMinK: raw.compute.matrix_min_k }),
    memory: {
      technology,
      capacityBytes: capacity,
      bandwidthBytePerS: bandwidth,
      stacks: raw.memory?.stacks,
      busWidthBits: raw.memory?.bus_width,
      energyJPerBit: memEnergy,
    },
    onChip: { l2Bytes: l2, sramBytes: sram, ...(l2Bw !== undefined ? { l2BandwidthBytePerS: l2Bw } : {}) },
    scaleUp,
    scaleOut,
    host,
    power: tdp !== undefined ? { tdpW: tdp, ...(idle !== undefined ? { idleW: idle } : {}) } : undefined,
    energy: computeEnergy !== undefined ? { computeJPerFlop: computeEnergy } : undefined,
    price: purchase !== undefined || hour !== undefined ? priceOf(raw.price, purchase, hour) : undefined,
    efficiency: eff,
    runtimeOverride: raw.runtime
      ? {
          name: raw.runtime.name === undefined ? undefined : maskWords(raw.runtime.name),
          staticContext: raw.runtime.static_context,
          stepOverheadS: await quantityAt(ctx, raw, ['runtime', 'step_overhead'], 'seconds'),
        }
      : undefined,
    rumoured: raw.rumoured,
    sources: raw.sources?.map(maskWords),
  };
}

export async function normalizeMemory(raw: Raw, ctx: SpecContext): Promise<MemoryTechnology | undefined> {
  const out: MemoryTechnology = {
    id: raw.id,
    name: maskWords(raw.name),
    kind: raw.kind,
    perStackBandwidthBytePerS: await quantityAt(ctx, raw, ['per_stack_bandwidth'], 'bytes_per_s', { positive: true }),
    perStackCapacityBytes: await quantityAt(ctx, raw, ['per_stack_capacity'], 'bytes', { positive: true }),
    pinRateBitPerS: await quantityAt(ctx, raw, ['pin_rate'], 'bits_per_s', { positive: true }),
    capacityPerChannelBytes: await quantityAt(ctx, raw, ['capacity_per_channel'], 'bytes', { positive: true }),
    channelWidthBits: raw.channel_width,
    energyJPerBit: await quantityAt(ctx, raw, ['energy'], 'joules_per_bit', { positive: true }),
    sources: raw.sources?.map(maskWords),
  };
  if (out.kind === 'stack' && out.perStackBandwidthBytePerS === undefined) {
    ctx.errors.push(issueAt(ctx, ['per_stack_bandwidth'], 'a stacked memory needs per_stack_bandwidth', 'e.g. per_stack_bandwidth: 819 GB/s'));
  }
  if (out.kind === 'bus' && out.pinRateBitPerS === undefined) {
    ctx.errors.push(issueAt(ctx, ['pin_rate'], 'a bus memory needs pin_rate', 'e.g. pin_rate: 8.533 Gbit/s'));
  }
  return ctx.errors.length ? undefined : out;
}

// Prices with their dates and sources as written (strings, the fault words masked); undefined fields dropped.
function priceOf(p: Raw, purchase: number | undefined, hour: number | undefined): NonNullable<NormalizedHardware['price']> {
  const out: NonNullable<NormalizedHardware['price']> = {};
  if (purchase !== undefined) out.purchaseUsd = purchase;
  if (hour !== undefined) out.hourUsd = hour;
  for (const [k, f] of [['hour_date', 'hourDate'], ['purchase_date', 'purchaseDate'], ['hour_source', 'hourSource'], ['purchase_source', 'purchaseSource']] as const) {
    if (p?.[k] !== undefined && p[k] !== null) out[f] = maskWords(String(p[k]));
  }
  return out;
}
