// What-ifs on a normalized hardware: `--memory TECH:COUNT` swaps the memory system for COUNT stacks
// (HBM) or COUNT bits of bus (LPDDR/GDDR/DDR) of a library memory technology; `--set PATH=VALUE`
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

// The memory system COUNT units of a technology give.
//   stack: bandwidth = COUNT × per-stack bandwidth, capacity = COUNT × per-stack capacity
//   bus:   bandwidth = pin rate × COUNT bits / 8, capacity = channels × capacity per channel
export function memorySystem(tech: MemoryTechnology, count: number): MemorySystem {
  if (!(count > 0) || !Number.isFinite(count)) throw new UserError(`--memory ${tech.id}:${count}: COUNT must be a positive number`);
  if (tech.kind === 'stack') {
    if (tech.perStackBandwidthBytePerS === undefined) throw new UserError(`memory technology ${tech.id} has no per_stack_bandwidth`);
    if (tech.perStackCapacityBytes === undefined) throw new UserError(`memory technology ${tech.id} has no per_stack_capacity`);
    return {
      technology: tech.id,
      count,
      bandwidthBytePerS: count * tech.perStackBandwidthBytePerS,
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
  return {
    technology: tech.id,
    count,
    bandwidthBytePerS: (tech.pinRateBitPerS * count) / 8,
    capacityBytes: channels * perChannel,
    energyJPerBit: tech.energyJPerBit,
  };
}

// A copy of hw with its memory replaced; the memory efficiency becomes the technology family's default
// (a measured efficiency belongs to the old memory system).
export function swapMemory(hw: NormalizedHardware, tech: MemoryTechnology, count: number): NormalizedHardware {
  const m = memorySystem(tech, count);
  return {
    ...hw,
    name: `${hw.name} with ${tech.name ?? tech.id} ×${count}${tech.kind === 'stack' ? ' stacks' : '-bit bus'}`,
    memory: {
      technology: tech.id,
      capacityBytes: m.capacityBytes,
      bandwidthBytePerS: m.bandwidthBytePerS,
      stacks: tech.kind === 'stack' ? count : undefined,
      busWidthBits: tech.kind === 'bus' ? count : undefined,
      energyJPerBit: m.energyJPerBit,
    },
    efficiency: { ...hw.efficiency, memory: defaultMemoryEfficiency(tech.id) },
  };
}

export function parseMemoryFlag(flag: string): { tech: string; count: number } {
  const m = /^\s*([^:\s]+)\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*$/.exec(flag);
  if (!m) throw new UserError(`--memory "${flag}": expected TECH:COUNT, e.g. hbm3e:1 (stacks) or lpddr5x:64 (bus bits)`);
  return { tech: m[1]!, count: Number(m[2]) };
}

export async function applyWhatIfs(hw: NormalizedHardware, memory?: string, set?: string[]): Promise<NormalizedHardware> {
  let out = hw;
  if (memory) {
    const { tech, count } = parseMemoryFlag(memory);
    const t = await resolveMemory(tech);
    if (t.kind === 'bus' && !Number.isInteger(count)) throw new UserError(`--memory ${memory}: a bus width is a whole number of bits`);
    out = swapMemory(out, t, count);
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
