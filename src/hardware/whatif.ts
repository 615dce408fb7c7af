// What-ifs on a normalized hardware: `--memory TECH:COUNT[@GBPS]` swaps the memory system for COUNT stacks
// (HBM) or COUNT bits of bus (LPDDR/GDDR/DDR) of a library memory technology, its pins at GBPS Gbit/s
// (default the technology's top bin), so that a stock part can be restated (h100-sxm: hbm3:5@5.24); `--set PATH=VALUE`
// overrides one field by its YAML path (src/hardware/set-path.ts). Both return a new object; the
// library's copy is never mutated. The id stays (results and CSV rows name the hardware as asked); the
// name says what changed.
import type { MemoryTechnology, NormalizedHardware } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
import { getLibrary, resolveMemory } from '../spec/library.js';
import { defaultMemoryEfficiency } from './efficiency.js';
import { applySet } from './set-path.js';

export interface MemorySystem {
  technology: string;
  count: number; // stacks, or bus width in bits
  pinRateBitPerS?: number;
  bandwidthBytePerS: number;
  capacityBytes: number;
  energyJPerBit?: number;
}

// Channel widths when a bus technology does not state one: LPDDR4/5/5X channels are 16 bits (x16),
// GDDR6/6X/7 devices 32 bits (two 16-bit channels per x32 device), DDR5 DIMM sub-channels 32 bits.
export function busGranularityBits(tech: MemoryTechnology): number {
  if (tech.channelWidthBits) return tech.channelWidthBits;
  if (tech.id.startsWith('lpddr')) return 16;
  return 32;
}

// The memory system COUNT units of a technology give, pins at `pinRate` bit/s (default: the top bin).
//   stack: bandwidth = COUNT × per-stack bandwidth × pinRate / top bin (the interface width is fixed:
//          1024 bits for HBM2–HBM3E, 2048 for HBM4), capacity = COUNT × per-stack capacity
//   bus:   bandwidth = pin rate × COUNT bits / 8, capacity = channels × capacity per channel
export function memorySystem(tech: MemoryTechnology, count: number, pinRate?: number): MemorySystem {
  if (!(count > 0) || !Number.isFinite(count)) throw new UserError(`--memory ${tech.id}:${count}: COUNT must be a positive number`);
  if (pinRate !== undefined && !(pinRate > 0 && Number.isFinite(pinRate))) throw new UserError(`--memory ${tech.id}:${count}@…: the pin rate must be a positive number of Gb/s`);
  if (tech.kind === 'stack') {
    if (tech.perStackBandwidthBytePerS === undefined) throw new UserError(`memory technology ${tech.id} has no per_stack_bandwidth`);
    if (tech.perStackCapacityBytes === undefined) throw new UserError(`memory technology ${tech.id} has no per_stack_capacity`);
    if (pinRate !== undefined && tech.pinRateBitPerS === undefined) throw new UserError(`memory technology ${tech.id} has no pin_rate to scale by; drop @GBPS`);
    const scale = pinRate !== undefined ? pinRate / tech.pinRateBitPerS! : 1;
    return {
      technology: tech.id,
      count,
      pinRateBitPerS: pinRate ?? tech.pinRateBitPerS,
      bandwidthBytePerS: count * tech.perStackBandwidthBytePerS * scale,
      capacityBytes: count * tech.perStackCapacityBytes,
      energyJPerBit: tech.energyJPerBit,
    };
  }
  if (tech.pinRateBitPerS === undefined) throw new UserError(`memory technology ${tech.id} has no pin_rate`);
  const channel = busGranularityBits(tech);
  const channels = count / channel;
  // A bus without a stated capacity per channel: assume 2 GB per 16 bits (a 16 Gbit x16 die), typical of
  // LPDDR5/5X packages and GDDR6 parts; the spec's figure replaces it.
  const perChannel = tech.capacityPerChannelBytes ?? 2e9 * (channel / 16);
  const pin = pinRate ?? tech.pinRateBitPerS;
  return {
    technology: tech.id,
    count,
    pinRateBitPerS: pin,
    bandwidthBytePerS: (pin * count) / 8,
    capacityBytes: channels * perChannel,
    energyJPerBit: tech.energyJPerBit,
  };
}

// A copy of hw with its memory replaced. The memory efficiency becomes the technology family's default (a
// measured efficiency belongs to the old memory system) unless the technology is the one the part already
// has: the same DRAM behind the same controllers keeps the measured share of its peak.
export function swapMemory(hw: NormalizedHardware, tech: MemoryTechnology, count: number, pinRate?: number): NormalizedHardware {
  const m = memorySystem(tech, count, pinRate);
  const gbps = pinRate !== undefined ? ` @${pinRate / 1e9} Gb/s` : '';
  return {
    ...hw,
    name: `${hw.name} with ${tech.name ?? tech.id} ×${count}${tech.kind === 'stack' ? ' stacks' : '-bit bus'}${gbps}`,
    memory: {
      technology: tech.id,
      capacityBytes: m.capacityBytes,
      bandwidthBytePerS: m.bandwidthBytePerS,
      stacks: tech.kind === 'stack' ? count : undefined,
      busWidthBits: tech.kind === 'bus' ? count : undefined,
      energyJPerBit: m.energyJPerBit,
    },
    efficiency: { ...hw.efficiency, memory: tech.id === hw.memory.technology ? hw.efficiency.memory : defaultMemoryEfficiency(tech.id) },
  };
}

// TECH:COUNT[@GBPS]: GBPS in Gbit/s per pin (a number; "Gbps" or "Gb/s" may follow)
export function parseMemoryFlag(flag: string): { tech: string; count: number; pinRateBitPerS?: number } {
  const m = /^\s*([^:\s@]+)\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*(?:@\s*([0-9]*\.?[0-9]+)\s*(?:gbps|gb\/s|gbit\/s)?)?\s*$/i.exec(flag);
  if (!m) throw new UserError(`--memory "${flag}": expected TECH:COUNT[@GBPS], e.g. hbm3e:1 (stacks), lpddr5x:64 (bus bits) or hbm3:5@5.24 (Gb/s per pin)`);
  const gbps = m[3] !== undefined ? Number(m[3]) : undefined;
  if (gbps !== undefined && !(gbps > 0)) throw new UserError(`--memory "${flag}": the pin rate after @ must be a positive number of Gb/s`);
  return { tech: m[1]!, count: Number(m[2]), ...(gbps !== undefined ? { pinRateBitPerS: gbps * 1e9 } : {}) };
}

export async function applyWhatIfs(hw: NormalizedHardware, memory?: string, set?: string[]): Promise<NormalizedHardware> {
  let out = hw;
  if (memory) {
    const { tech, count, pinRateBitPerS } = parseMemoryFlag(memory);
    const t = await resolveMemory(tech);
    if (t.kind === 'bus' && !Number.isInteger(count)) throw new UserError(`--memory ${memory}: a bus width is a whole number of bits`);
    out = swapMemory(out, t, count, pinRateBitPerS);
  }
  for (const s of set ?? []) out = await applySet(out, s);
  return withTechnologyEnergy(out);
}

// A user's spec file names its memory technology but is not compiled with the library, so its pJ/bit is
// filled here from the library technology, as scripts/compile-library.js does for library hardware.
function withTechnologyEnergy(hw: NormalizedHardware): NormalizedHardware {
  if (hw.memory.energyJPerBit !== undefined) return hw;
  let e: number | undefined;
  try {
    e = getLibrary().memory[hw.memory.technology]?.energyJPerBit;
  } catch {
    return hw; // no compiled library (unit tests of user files)
  }
  return e === undefined ? hw : { ...hw, memory: { ...hw.memory, energyJPerBit: e } };
}
