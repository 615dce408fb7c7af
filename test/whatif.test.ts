// What-ifs: --memory TECH:COUNT (stack and bus arithmetic from the memory-technology library) and
// --set PATH=VALUE (units, unknown paths, the library copy left alone).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { applyWhatIfs, memorySystem, parseMemoryFlag, swapMemory } from '../src/hardware/whatif.js';
import { applySet, applySetPlain, SET_FIELDS } from '../src/hardware/set-path.js';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { sustainedMatrix } from '../src/sim/roofline.js';
import type { MemoryTechnology } from '../src/spec/types.js';

const root = new URL('..', import.meta.url).pathname;
const lib = getLibrary();
const stack: MemoryTechnology = { id: 'hbmx', name: 'HBMX', kind: 'stack', perStackBandwidthBytePerS: 1e12, perStackCapacityBytes: 24e9, energyJPerBit: 4e-12, sources: ['t'] };
const bus: MemoryTechnology = { id: 'lpddrx', name: 'LPDDRX', kind: 'bus', pinRateBitPerS: 8e9, capacityPerChannelBytes: 2e9, channelWidthBits: 16, sources: ['t'] };

describe('memorySystem', () => {
  it.each([
    [stack, 1, 1e12, 24e9],
    [stack, 6, 6e12, 144e9],
    [bus, 64, 64e9, 8e9], // 8 Gbit/s × 64 bits / 8; 4 channels × 2 GB
    [bus, 16, 16e9, 2e9],
  ])('%s ×%i → %d B/s, %d B', (tech, count, bw, cap) => {
    const m = memorySystem(tech, count);
    expect(m.bandwidthBytePerS).toBeCloseTo(bw, -3);
    expect(m.capacityBytes).toBeCloseTo(cap, -3);
  });
  it('parses TECH:COUNT and rejects the rest', () => {
    expect(parseMemoryFlag('hbm3e:1')).toEqual({ tech: 'hbm3e', count: 1 });
    expect(() => parseMemoryFlag('hbm3e')).toThrow(/TECH:COUNT/);
    expect(() => parseMemoryFlag('hbm3e:x')).toThrow(/TECH:COUNT/);
  });
});

describe('--memory on library hardware', () => {
  const sd = lib.hardware['snapdragon-8-elite']!;
  it('hbm3e:1 gives one stack of the library technology and its efficiency', async () => {
    const hw = await applyWhatIfs(sd, 'hbm3e:1');
    const t = lib.memory.hbm3e!;
    expect(hw.memory.technology).toBe('hbm3e');
    expect(hw.memory.bandwidthBytePerS).toBe(t.perStackBandwidthBytePerS);
    expect(hw.memory.capacityBytes).toBe(t.perStackCapacityBytes);
    expect(hw.memory.stacks).toBe(1);
    expect(hw.memory.energyJPerBit).toBe(t.energyJPerBit);
    expect(hw.efficiency.memory).toBe(0.85);
    expect(hw.id).toBe(sd.id);
    expect(sd.memory.technology).toBe('lpddr5x'); // library copy untouched
  });
  it('lpddr5x:64 is pin rate × 64 / 8', async () => {
    const hw = await applyWhatIfs(sd, 'lpddr5x:64');
    expect(hw.memory.bandwidthBytePerS).toBeCloseTo((lib.memory.lpddr5x!.pinRateBitPerS! * 64) / 8, 0);
    expect(hw.memory.busWidthBits).toBe(64);
  });
  it('unknown technology: one line with a suggestion', async () => {
    await expect(applyWhatIfs(sd, 'hbm3f:1')).rejects.toThrow(/^unknown memory technology "hbm3f": did you mean "hbm3e?"\?$/);
  });
  it('Llama-3.2-3B int4 on snapdragon-8-elite: one HBM3e stack decodes ≥ 3× faster than its LPDDR5X', async () => {
    const model = libraryModel('llama-3.2-3b');
    const base = simulate(buildRequest({ dtype: 'int4' }, model, sd, libraryModel));
    const hbm = simulate(buildRequest({ dtype: 'int4' }, model, await applyWhatIfs(sd, 'hbm3e:1'), libraryModel));
    expect(base.tpot_s! / hbm.tpot_s!).toBeGreaterThanOrEqual(3);
    expect(base.energy_j_per_token).toBeGreaterThan(0);
    expect(hbm.energy_j_per_token).toBeGreaterThan(0);
    expect(hbm.energy_j_per_token!).toBeLessThan(base.energy_j_per_token!); // fewer pJ/bit, less static time
  });
});

describe('--set PATH=VALUE', () => {
  const h100 = lib.hardware['h100-sxm']!;
  it.each([
    ['compute.matrix.int8="60 TOPS"', (h: any) => h.matrixFlopPerS.int8, 60e12],
    ['memory.bandwidth=4.8 TB/s', (h: any) => h.memory.bandwidthBytePerS, 4.8e12],
    ['memory.capacity=141 GB', (h: any) => h.memory.capacityBytes, 141e9],
    ['power.tdp=350W', (h: any) => h.power.tdpW, 350],
    ['memory.energy=5 pJ/bit', (h: any) => h.memory.energyJPerBit, 5e-12],
    ['price.hour=$3.5', (h: any) => h.price.hourUsd, 3.5],
    ['interconnect.scale_up.bandwidth=900 GB/s', (h: any) => h.scaleUp.bandwidthBytePerS, 900e9],
    ['efficiency.memory=0.9', (h: any) => h.efficiency.memory, 0.9],
    ['compute.clock=2 GHz', (h: any) => h.clockHz, 2e9],
    // on a hardware no runtime is bound to yet, kept as its override (src/runtime/resolve.ts bindRuntime applies it)
    ['runtime.step_overhead=0 ms', (h: any) => h.runtimeOverride.stepOverheadS, 0],
    ['runtime.step_overhead=1.5 ms', (h: any) => h.runtimeOverride.stepOverheadS, 1.5e-3],
    ['runtime.static_context=2048', (h: any) => h.runtimeOverride.staticContext, 2048],
  ])('%s', async (assignment, get, expected) => {
    const hw = await applySet(h100, assignment);
    expect(get(hw)).toBeCloseTo(expected as number, 6);
  });
  it('efficiency.sustained_matrix_by_dtype.<dtype> sets one dtype, wins over sustained_matrix, and leaves the library alone', async () => {
    const b200 = lib.hardware['b200']!;
    const libFp8 = b200.efficiency.sustainedMatrixByDtype?.fp8;
    expect(libFp8).toBe(1);
    const hw = await applySet(b200, 'efficiency.sustained_matrix_by_dtype.fp8=0.9');
    expect(sustainedMatrix(hw, 'fp8')).toBe(0.9);
    expect(sustainedMatrix(hw, 'bf16')).toBe(b200.efficiency.sustainedMatrix);
    // sustained_matrix alone does not move a dtype that has its own value
    const all = await applySet(b200, 'efficiency.sustained_matrix=0.7');
    expect(sustainedMatrix(all, 'bf16')).toBe(0.7);
    expect(sustainedMatrix(all, 'fp8')).toBe(1);
    expect(b200.efficiency.sustainedMatrixByDtype?.fp8).toBe(libFp8);
    // a part without the table gains one; plain (accuracy rows) takes it too
    expect(sustainedMatrix(applySetPlain(h100, 'efficiency.sustained_matrix_by_dtype.bf16=0.8'), 'bf16')).toBe(0.8);
    expect(h100.efficiency.sustainedMatrixByDtype).toBeUndefined();
    await expect(applySet(b200, 'efficiency.sustained_matrix_by_dtype.fp8=1.5')).rejects.toThrow(/fraction from/);
  });
  it('leaves the library object alone', async () => {
    await applyWhatIfs(h100, undefined, ['memory.bandwidth=9 TB/s', 'compute.matrix.bf16=1 PFLOP/s']);
    expect(h100.memory.bandwidthBytePerS).toBe(3.35e12);
    expect(h100.matrixFlopPerS.bf16).toBeCloseTo(989.4e12, -9);
  });
  it.each([
    ['memory.bandwith=4.8 TB/s', /^--set memory\.bandwith: unknown hardware field \(did you mean "memory\.bandwidth"\?\)$/],
    ['compute.matrix.int8=60 GB', /^--set compute\.matrix\.int8: "60 GB" is not a flop per s quantity/],
    ['memory.bandwidth=4.8', /^--set memory\.bandwidth: needs a unit/],
    ['efficiency.memory=1.5', /fraction from 0\.000001 to 1/],
    ['memory.bandwidth', /expected PATH=VALUE/],
  ])('%s → one-line error', async (assignment, re) => {
    const err = await applySet(h100, assignment).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toMatch(re);
    expect(err.message).not.toContain('\n');
  });
  it('every documented hardware path is settable', () => {
    for (const p of ['compute.matrix.bf16', 'compute.vector.fp32', 'memory.bandwidth', 'memory.capacity', 'on_chip.l2', 'power.tdp', 'energy.compute', 'price.hour']) {
      expect(SET_FIELDS).toHaveProperty([p]);
    }
  });
  it('simulate takes --memory and --set from the command line', async () => {
    // a real process: runCommand re-splits arguments on spaces ("60 TOPS")
    const r = spawnSync('node', ['bin/run.js', 'simulate', '--model', 'llama-3.2-3b', '--hardware', 'snapdragon-8-elite', '--dtype', 'int4', '--memory', 'hbm3e:1', '--set', 'compute.matrix.int8=60 TOPS', '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tpot_s).toBeGreaterThan(0);
    const bad = spawnSync('node', ['bin/run.js', 'simulate', '--model', 'llama-3.2-3b', '--hardware', 'snapdragon-8-elite', '--set', 'memory.bandwith=5 TB/s'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('hwperf: --set memory.bandwith: unknown hardware field (did you mean "memory.bandwidth"?)\n');
  });
  it('swapMemory keeps compute and names the change', () => {
    const hw = swapMemory(lib.hardware['snapdragon-8-elite']!, stack, 2);
    expect(hw.matrixFlopPerS).toEqual(lib.hardware['snapdragon-8-elite']!.matrixFlopPerS);
    expect(hw.name).toMatch(/HBMX ×2 stacks/);
  });
});

// issue 12: `--memory TECH:COUNT` could not restate the hardware it replaces (hbm3:5 on h100-sxm gave 4.1 TB/s;
// lpddr5x:64 on snapdragon-8-elite gave 68 GB/s, not 84.8)
describe('--memory TECH:COUNT[@GBPS] restates the stock part', () => {
  const sim = (hw: any, f: Record<string, unknown> = {}) => simulate(buildRequest(f, libraryModel('llama-3.1-8b'), hw, libraryModel));
  it('parses @GBPS as Gb/s per pin', () => {
    expect(parseMemoryFlag('hbm3:5@5.24')).toEqual({ tech: 'hbm3', count: 5, pinRateBitPerS: 5.24e9 });
    expect(parseMemoryFlag('lpddr5x:64@9.6Gbps')).toEqual({ tech: 'lpddr5x', count: 64, pinRateBitPerS: 9.6e9 });
    expect(parseMemoryFlag('hbm3e:8')).toEqual({ tech: 'hbm3e', count: 8 });
    expect(() => parseMemoryFlag('hbm3:5@')).toThrow(/TECH:COUNT\[@GBPS\]/);
    expect(() => parseMemoryFlag('hbm3:5@0')).toThrow(/positive number of Gb\/s/);
  });
  it('h100-sxm --memory hbm3:5@5.24 gives the stock answer within 3%', async () => {
    const h100 = lib.hardware['h100-sxm']!;
    const what = await applyWhatIfs(h100, 'hbm3:5@5.24');
    expect(what.memory.bandwidthBytePerS / h100.memory.bandwidthBytePerS).toBeCloseTo(1, 1);
    for (const f of [{}, { batch: 32, 'input-tokens': 2048 }]) {
      const a = sim(h100, f);
      const b = sim(what, f);
      for (const k of ['tpot_s', 'ttft_s', 'throughput_tok_s', 'energy_j_per_token'] as const) {
        expect(Math.abs(b[k]! / a[k]! - 1), `${k} ${JSON.stringify(f)}`).toBeLessThan(0.03);
      }
    }
  });
  it('--set memory.capacity overrides COUNT × the stack capacity', async () => {
    const what = await applyWhatIfs(lib.hardware['h100-sxm']!, 'hbm3:5@5.24', ['memory.capacity=80 GB']);
    expect(what.memory.capacityBytes).toBe(80e9);
  });
  it('snapdragon-8-elite --memory lpddr5x:64 restates its 84.8 GB/s (top bin 10.667 Gb/s per pin)', async () => {
    const sd = lib.hardware['snapdragon-8-elite']!;
    const what = await applyWhatIfs(sd, 'lpddr5x:64');
    expect(Math.abs(what.memory.bandwidthBytePerS / 84.8e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs(sim(what, { dtype: 'int4' }).tpot_s! / sim(sd, { dtype: 'int4' }).tpot_s! - 1)).toBeLessThan(0.03);
    expect((await applyWhatIfs(sd, 'lpddr5x:64@8.533')).memory.bandwidthBytePerS).toBeCloseTo((8.533e9 * 64) / 8, -3);
  });
});

describe('--set on a plain field: the CLI (applySet) and accuracy rows (applySetPlain) check it alike', () => {
  const h = lib.hardware['h100-sxm']!;
  it.each(['efficiency.attention=0', 'efficiency.attention=1.5', 'efficiency.attention=abc', 'runtime.max_num_seqs=0', 'runtime.max_num_seqs=2.5', 'runtime.admission=fifo'])('%s', async (a) => {
    const plain = (() => { try { applySetPlain(h, a); return 'accepted'; } catch (e) { return (e as Error).message; } })();
    const full = await applySet(h, a).then(() => 'accepted', (e: Error) => e.message);
    expect(plain).toBe(full);
    expect(plain).toMatch(/^--set /);
  });
  it('and take the same good value', async () => {
    expect(applySetPlain(h, 'efficiency.attention=0.5').efficiency.attention).toBe((await applySet(h, 'efficiency.attention=0.5')).efficiency.attention);
  });
  it.each(['runtime.log_mel=1.32ms', 'runtime.log_mel=0s', 'runtime.log_mel=345 us', 'runtime.step_overhead=0.5ms'])('a time, %s, alike', async (a) => {
    expect(applySetPlain(h, a).runtimeOverride).toEqual((await applySet(h, a)).runtimeOverride);
  });
  it.each(['runtime.log_mel=1.32', 'runtime.log_mel=fast', 'efficiency.kernel_overhead=0s'])('a bad time, %s, is refused by both', async (a) => {
    expect(() => applySetPlain(h, a)).toThrow(/^--set /);
    await expect(applySet(h, a)).rejects.toThrow(/^--set /);
  });
  it('a time field sets the number the row means (1.32 ms per second of audio)', () => {
    expect(applySetPlain(h, 'runtime.log_mel=1.32ms').runtimeOverride?.hostLogMelS).toBeCloseTo(1.32e-3, 12);
  });
});
