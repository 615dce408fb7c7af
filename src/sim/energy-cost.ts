// Energy per output item (token, image, window) and cost per million items, from the work one replica
// does (result.work: {flops, bytes, seconds, items, devices}).
//
//   energy (pj-per-bit) = bytes · 8 · E_bit(memory technology)            DRAM traffic
//                       + flops · E_flop(dtype)                            arithmetic + on-chip movement
//                       + devices · P_static · seconds                     leakage, clocks, fabric
//   energy (tdp)        = devices · TDP · seconds                          when no pJ/bit is known
//   with neither, pj-per-bit with the technology family's assumed pJ/bit ('pj-per-bit-assumed')
//   cost                = devices · price per device-hour · seconds / 3600 / items · 1e6
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { matrixPeak } from './roofline.js';

// Share of TDP a chip spends on arithmetic and on-chip data movement when it runs dense GEMMs at peak.
// The rest is DRAM I/O (counted by pJ/bit) and static power. H100 SXM: 700 W at 989 TFLOP/s bf16 is
// 0.71 pJ/FLOP for the whole board; its HBM3 at 3.35 TB/s × 8 × ≈4 pJ/bit is ≈110 W (≈15%) and idle ≈70 W
// (≈10%, nvidia-smi idle draw of SXM boards), leaving ≈75% for compute.
export const COMPUTE_SHARE_OF_TDP = 0.75;
// Static (idle) power as a share of TDP, charged for the whole busy time.
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
  if (hw.power?.tdpW && peak > 0) return { jPerFlop: (COMPUTE_SHARE_OF_TDP * hw.power.tdpW) / peak, source: 'TDP share / peak' };
  return { jPerFlop: defaultComputeJPerFlop16(hw.class) * scale, source: 'class default (Horowitz 2014, scaled)' };
}

// Access energy per bit where the memory technology has no figure in the library (HBM4, GDDR7 and DDR5 have
// none; hardware-facts.md §8.4 found no primary source). ASSUMPTIONS, labelled as such
// in energy_source ('pj-per-bit-assumed') and in a warning:
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

export interface EnergyBreakdown {
  joules: number;
  memoryJ: number;
  computeJ: number;
  staticJ: number;
  source: 'pj-per-bit' | 'pj-per-bit-assumed' | 'tdp';
  jPerBit?: number;
}

// Energy of a piece of work on a hardware, or null where nothing is known (no pJ/bit and no TDP).
export function workEnergy(
  work: { flops: number; bytes: number; seconds: number; devices: number },
  hw: NormalizedHardware,
  dtype: Dtype,
): EnergyBreakdown | null {
  let eBit = hw.memory.energyJPerBit;
  let source: EnergyBreakdown['source'] = 'pj-per-bit';
  // A TDP-only estimate beats an assumed pJ/bit; with neither, assume the technology family's pJ/bit.
  if (!(eBit !== undefined && eBit > 0) && !hw.power?.tdpW && hw.memory.technology !== 'unknown') {
    eBit = assumedMemoryJPerBit(hw.memory.technology);
    source = 'pj-per-bit-assumed';
  }
  if (eBit !== undefined && eBit > 0) {
    const memoryJ = work.bytes * 8 * eBit;
    const computeJ = work.flops * computeJPerFlop(hw, dtype).jPerFlop;
    const staticJ = hw.power?.tdpW ? work.devices * STATIC_SHARE_OF_TDP * hw.power.tdpW * work.seconds : 0;
    return { joules: memoryJ + computeJ + staticJ, memoryJ, computeJ, staticJ, source, jPerBit: eBit };
  }
  if (hw.power?.tdpW) {
    const joules = work.devices * hw.power.tdpW * work.seconds;
    return { joules, memoryJ: 0, computeJ: 0, staticJ: joules, source: 'tdp' };
  }
  return null;
}

export function usablePositive(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

export function energyAndCost(
  result: SimulateResult,
  hw: NormalizedHardware,
  req: SimulateRequest,
): Pick<SimulateResult, 'energy_j_per_token' | 'energy_source' | 'cost_usd_per_mtok' | 'price_usd_per_hour'> {
  const price = req.priceUsdPerHour ?? hw.price?.hourUsd ?? null;
  const out = { energy_j_per_token: null, energy_source: null, cost_usd_per_mtok: null, price_usd_per_hour: price } as Pick<
    SimulateResult,
    'energy_j_per_token' | 'energy_source' | 'cost_usd_per_mtok' | 'price_usd_per_hour'
  >;
  const w = result.work;
  if (!w || result.memory?.fits === false || !usablePositive(w.items) || !usablePositive(w.seconds) || !usablePositive(w.devices)) return out;
  const e = workEnergy(w, hw, asDtype(result.activations_dtype));
  if (e && Number.isFinite(e.joules)) {
    out.energy_j_per_token = e.joules / w.items;
    out.energy_source = e.source;
    if (e.source === 'pj-per-bit-assumed' && Array.isArray(result.warnings)) {
      result.warnings.push(
        `energy: ${hw.memory.technology} has no published pJ/bit and ${hw.id} no TDP; assumed ${(e.jPerBit! * 1e12).toFixed(1)} pJ/bit (src/sim/energy-cost.ts)`,
      );
    }
  }
  if (price !== null && Number.isFinite(price) && price >= 0) {
    out.cost_usd_per_mtok = ((w.devices * price * w.seconds) / 3600 / w.items) * 1e6;
  }
  return out;
}
