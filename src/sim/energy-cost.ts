// Energy per output item (token, image, window) and cost per million items, from the work one replica
// does (result.work: {flops, bytes, seconds, items, devices}). ONE method for every part and memory:
//
//   energy = bytes · 8 · E_bit(memory technology)        DRAM traffic (cited pJ/bit, or a labelled assumption)
//          + flops · E_flop(dtype)                       arithmetic + on-chip movement
//          + devices · P_static · seconds                leakage, clocks, fabric (cited idle, or 10% of TDP)
//   mean power per device = energy / (devices · seconds), capped at the TDP: a chip at its power limit
//   throttles, so the dynamic part is scaled down until the total is the TDP (said in energy_source).
//   cost   = devices · price per device-hour · seconds / 3600 / items · 1e6      (on-demand $ per M items)
//   TCO    = src/sim/tco.ts (purchase amortised + facility energy at this power)
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { matrixPeak } from './roofline.js';
import { tco } from './tco.js';

// Share of TDP a chip spends on arithmetic and on-chip data movement when it runs dense GEMMs at peak.
// The rest is DRAM I/O (counted by pJ/bit) and static power. H100 SXM: 700 W at 989 TFLOP/s bf16 is
// 0.71 pJ/FLOP for the whole board; its HBM3 at 3.35 TB/s × 8 × ≈4 pJ/bit is ≈110 W (≈15%) and idle ≈70 W
// (≈10%, nvidia-smi idle draw of SXM boards), leaving ≈75% for compute.
export const COMPUTE_SHARE_OF_TDP = 0.75;
// Static (idle) power as a share of TDP, charged for the whole busy time, where the spec gives no measured
// `power.idle`: the ≈70 W nvidia-smi idle draw of a 700 W H100 SXM board (see above).
export const STATIC_SHARE_OF_TDP = 0.1;

// Energy per 16-bit FLOP where a hardware has neither energy.compute nor a TDP. Horowitz (ISSCC 2014,
// "Computing's energy problem", 45 nm): fp16 multiply 1.1 pJ + add 0.4 pJ = 0.75 pJ/FLOP for the
// arithmetic alone; scaled to 5–7 nm (≈ 4× less per op, IRDS logic scaling) and doubled for operand
// delivery from register files/SRAM gives ≈ 0.4 pJ/FLOP datacenter, ≈ 0.3 for mobile NPUs (lower voltage).
export function defaultComputeJPerFlop16(cls: string): number {
  return cls === 'mobile' || cls === 'edge' || cls === 'laptop' ? 0.3e-12 : 0.4e-12;
}

const DTYPE_SET = new Set<string>(['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6', 'fp4', 'int4']);
function asDtype(d: string | undefined): Dtype {
  return d && DTYPE_SET.has(d) ? (d as Dtype) : 'bf16';
}

// Energy per FLOP at a GEMM dtype. Narrower dtypes cost less in proportion to how much faster the same
// silicon runs them (peak16 / peak(dtype)), the same power spread over more operations.
export function computeJPerFlop(hw: NormalizedHardware, dtype: Dtype): { jPerFlop: number; source: string } {
  const peak = matrixPeak(hw, dtype).flopPerS;
  const peak16 = matrixPeak(hw, 'bf16').flopPerS;
  const scale = peak > 0 && peak16 > 0 ? Math.min(1, peak16 / peak) : 1;
  if (hw.energy?.computeJPerFlop !== undefined) return { jPerFlop: hw.energy.computeJPerFlop * scale, source: 'spec energy.compute' };
  if (hw.power?.tdpW && peak > 0) return { jPerFlop: (COMPUTE_SHARE_OF_TDP * hw.power.tdpW) / peak, source: `${COMPUTE_SHARE_OF_TDP * 100}% of ${hw.power.tdpW} W TDP / ${dtype} peak` };
  return { jPerFlop: defaultComputeJPerFlop16(hw.class) * scale, source: 'class default, Horowitz 2014 scaled' };
}

// Access energy per bit where the memory technology has no figure in the library (HBM4, GDDR7 and DDR5 have
// none; hardware-facts.md §8.4 found no primary source). ASSUMPTIONS, labelled as such in energy_source
// ('ASSUMED') and in a warning:
//   stacked (HBM*): 3.9 pJ/bit, the HBM2 figure attributed to O'Connor et al., "Fine-Grained DRAM",
//     MICRO-50 2017 (hardware/memory/hbm2.yaml); later generations are not worse per bit.
//   LPDDR*: 5 pJ/bit, between HBM2 (3.9, short on-package wires) and GDDR6 (7.5, Micron average device
//     power, hardware/memory/gddr6.yaml): LPDDR has low-swing I/O but package-on-package traces.
//   GDDR*: 7.5 pJ/bit (GDDR6, as above). DDR*: 10 pJ/bit (DIMM traces and termination; assumption).
export function assumedMemoryJPerBit(technology: string): number {
  const t = technology.toLowerCase();
  if (t.startsWith('hbm')) return 3.9e-12;
  if (t.startsWith('lpddr')) return 5e-12;
  if (t.startsWith('gddr')) return 7.5e-12;
  if (t.startsWith('ddr')) return 10e-12;
  return 5e-12;
}

// Static power per device: a cited measured idle figure, else a share of the TDP, else none (said so).
export function staticPowerW(hw: NormalizedHardware): { watts: number; source: string } {
  if (hw.power?.idleW !== undefined) return { watts: hw.power.idleW, source: 'spec power.idle' };
  if (hw.power?.tdpW) return { watts: STATIC_SHARE_OF_TDP * hw.power.tdpW, source: `${STATIC_SHARE_OF_TDP * 100}% of ${hw.power.tdpW} W TDP` };
  return { watts: 0, source: 'none: no TDP or idle figure' };
}

export function memoryJPerBit(hw: NormalizedHardware): { jPerBit: number; assumed: boolean; source: string } {
  const e = hw.memory.energyJPerBit;
  if (e !== undefined && e > 0) return { jPerBit: e, assumed: false, source: hw.memory.technology };
  return { jPerBit: assumedMemoryJPerBit(hw.memory.technology), assumed: true, source: `${hw.memory.technology} ASSUMED, no published figure` };
}

export interface EnergyBreakdown {
  joules: number;
  memoryJ: number;
  computeJ: number;
  staticJ: number;
  /** mean power per device while busy, W */
  powerW: number;
  /** true where the sum exceeded the TDP and the dynamic part was scaled down to it */
  capped: boolean;
  assumedJPerBit: boolean;
  jPerBit: number;
  jPerFlop: number;
  staticW: number;
  /** the values used, for humans: "hbm3 7 pJ/bit + 0.53 pJ/FLOP (…) + static 70 W (…)" */
  source: string;
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();

// The per-(hardware, dtype) constants and the energy_source text depend on neither the work nor the request:
// computed once per hardware object (sweeps and searches call this per row; formatting it each time cost ~1 µs).
interface EnergyConstants {
  mem: ReturnType<typeof memoryJPerBit>;
  comp: ReturnType<typeof computeJPerFlop>;
  stat: ReturnType<typeof staticPowerW>;
  prefix: string; // source, not capped
  suffix: string; // source, capped at the TDP
}
const ENERGY_CONSTANTS = new WeakMap<NormalizedHardware, Map<Dtype, EnergyConstants>>();
function energyConstants(hw: NormalizedHardware, dtype: Dtype): EnergyConstants {
  let byDtype = ENERGY_CONSTANTS.get(hw);
  if (!byDtype) ENERGY_CONSTANTS.set(hw, (byDtype = new Map()));
  let k = byDtype.get(dtype);
  if (!k) {
    const mem = memoryJPerBit(hw);
    const comp = computeJPerFlop(hw, dtype);
    const stat = staticPowerW(hw);
    const prefix =
      `${mem.source} ${fmt(mem.jPerBit * 1e12)} pJ/bit + ${fmt(comp.jPerFlop * 1e12)} pJ/FLOP (${comp.source})` +
      ` + static ${fmt(stat.watts)} W/device (${stat.source})`;
    byDtype.set(dtype, (k = { mem, comp, stat, prefix, suffix: `${prefix}, capped at ${hw.power?.tdpW} W TDP` }));
  }
  return k;
}

// Energy of a piece of work on a hardware (same method for every part).
export function workEnergy(
  work: { flops: number; bytes: number; seconds: number; devices: number },
  hw: NormalizedHardware,
  dtype: Dtype,
): EnergyBreakdown {
  const { mem, comp, stat, prefix, suffix } = energyConstants(hw, dtype);
  let memoryJ = work.bytes * 8 * mem.jPerBit;
  let computeJ = work.flops * comp.jPerFlop;
  const staticJ = work.devices * stat.watts * work.seconds;
  const busy = work.devices * work.seconds;
  const tdp = hw.power?.tdpW;
  let capped = false;
  if (tdp && busy > 0 && memoryJ + computeJ + staticJ > tdp * busy) {
    // throttled at the power limit: dynamic energy scaled so that mean power = TDP
    const room = Math.max(0, tdp * busy - staticJ);
    const k = room / (memoryJ + computeJ);
    memoryJ *= k;
    computeJ *= k;
    capped = true;
  }
  const joules = memoryJ + computeJ + staticJ;
  const source = capped ? suffix : prefix;
  return { joules, memoryJ, computeJ, staticJ, powerW: busy > 0 ? joules / busy : 0, capped, assumedJPerBit: mem.assumed, jPerBit: mem.jPerBit, jPerFlop: comp.jPerFlop, staticW: stat.watts, source };
}

export function usablePositive(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

export type EnergyCostKeys = Pick<
  SimulateResult,
  'energy_j_per_token' | 'energy_source' | 'power_w' | 'cost_usd_per_mtok' | 'price_usd_per_hour' | 'tco_usd_per_hour' | 'tco_usd_per_mtok' | 'tokens_per_s_per_mw'
>;

export function energyAndCost(result: SimulateResult, hw: NormalizedHardware, req: SimulateRequest): EnergyCostKeys {
  const price = req.priceUsdPerHour ?? hw.price?.hourUsd ?? null;
  const out: EnergyCostKeys = {
    energy_j_per_token: null,
    energy_source: null,
    power_w: null,
    cost_usd_per_mtok: null,
    price_usd_per_hour: price,
    tco_usd_per_hour: null,
    tco_usd_per_mtok: null,
    tokens_per_s_per_mw: null,
  };
  const w = result.work;
  if (!w || result.memory?.fits === false || !usablePositive(w.items) || !usablePositive(w.seconds) || !usablePositive(w.devices)) return out;
  const e = workEnergy(w, hw, asDtype(result.activations_dtype));
  const warn = (s: string) => Array.isArray(result.warnings) && !result.warnings.includes(s) && result.warnings.push(s);
  if (Number.isFinite(e.joules)) {
    out.energy_j_per_token = e.joules / w.items;
    out.energy_source = e.source;
    out.power_w = e.powerW;
    if (e.assumedJPerBit) warn(`energy: ${hw.memory.technology} has no published pJ/bit; assumed ${fmt(e.jPerBit * 1e12)} pJ/bit (src/sim/energy-cost.ts)`);
    if (!hw.power?.tdpW) warn(`energy: ${hw.id} has no TDP; static power is not counted and energy is a lower bound (set power.tdp)`);
  }
  // the whole system runs replicas × this work; per-item ratios are the same for one replica
  const t = tco({
    devices: w.devices,
    purchaseUsd: hw.price?.purchaseUsd ?? null,
    hourUsd: price,
    powerW: out.power_w,
    itemsPerS: w.items / w.seconds,
    years: req.years, // tco() takes the default for a missing or unusable option
    pue: req.pue,
    usdPerKwh: req.usdPerKwh,
  });
  out.cost_usd_per_mtok = t.cost_usd_per_mtok;
  out.tco_usd_per_hour = t.tco_usd_per_hour === null ? null : t.tco_usd_per_hour * ((result.replicas ?? 1) || 1);
  out.tco_usd_per_mtok = t.tco_usd_per_mtok;
  out.tokens_per_s_per_mw = t.tokens_per_s_per_mw;
  return out;
}

