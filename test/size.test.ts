// Inverse sizing: target tokens/s → achieved bandwidth, and the stacks or bus bits per technology.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { countFor, countForCapacity } from '../src/sim/size.js';
import { getLibrary } from '../src/spec/library.js';

const root = new URL('..', import.meta.url).pathname;
const lib = getLibrary();

describe('counts', () => {
  it('rounds up to whole stacks and whole channels', () => {
    const hbm3e = lib.memory.hbm3e!;
    const lp = lib.memory.lpddr5x!;
    const g7 = lib.memory.gddr7!;
    expect(countFor(hbm3e, 1)).toBe(1);
    expect(countFor(hbm3e, hbm3e.perStackBandwidthBytePerS! * 1.01)).toBe(2);
    expect(countFor(hbm3e, hbm3e.perStackBandwidthBytePerS!)).toBe(2 - 1);
    const bits = countFor(lp, 100e9); // 100 GB/s at 10.667 Gbit/s per pin = 75 bits → 80
    expect(bits % 16).toBe(0);
    expect(bits).toBe(80);
    expect(countFor(g7, 100e9) % 32).toBe(0);
    expect(countForCapacity(hbm3e, 100e9)).toBe(Math.ceil(100e9 / hbm3e.perStackCapacityBytes!));
  });
});

describe('hwperf size', () => {
  it('llama-3.1-8b int4 at 50 tok/s: bandwidth ≈ 50 × bytes per token, LPDDR5X bus bits and HBM3e stacks', async () => {
    const { result, error } = await runCommand(
      ['size', '--model', 'llama-3.1-8b', '--target-tok-s', '50', '--batch', '1', '--dtype', 'int4', '--memory', 'lpddr5x,hbm3e', '--json'],
      { root },
    );
    expect(error).toBeUndefined();
    const r = result as any;
    // batch 1 decode reads every weight once per token: the 7.0B of the layers at 4.25 bits (3.7 GB) and the 16-bit LM
    // head of an AWQ/GPTQ checkpoint (0.53B, 1.05 GB), not the embedding table
    expect(r.bytes_per_token).toBeGreaterThan(4.5e9);
    expect(r.bytes_per_token).toBeLessThan(5.1e9);
    expect(r.options.map((o: any) => o.memory)).toEqual(['lpddr5x', 'hbm3e']);
    for (const o of r.options) {
      expect(o.bandwidth_bytes_per_s).toBeCloseTo(50 * r.bytes_per_token, -3);
      expect(o.peak_bandwidth_bytes_per_s).toBeCloseTo(o.bandwidth_bytes_per_s / o.memory_efficiency, -3);
      expect(o.provided_bandwidth_bytes_per_s).toBeGreaterThanOrEqual(o.peak_bandwidth_bytes_per_s);
      expect(o.capacity_bytes).toBeGreaterThan(r.required.capacity_bytes);
      expect(o.meets_target).toBe(true);
      expect(o.energy_j_per_token).toBeGreaterThan(0);
    }
    const [lp, hbm] = r.options;
    expect(lp.count_unit).toBe('bits');
    expect(lp.count % 16).toBe(0);
    // the fewest bits that reach the bandwidth: 16 fewer would not
    expect(((lp.count - 16) * lib.memory.lpddr5x!.pinRateBitPerS!) / 8).toBeLessThan(lp.peak_bandwidth_bytes_per_s);
    expect(hbm).toMatchObject({ count: 1, count_unit: 'stacks' });
    expect(hbm.energy_j_per_token).toBeLessThan(lp.energy_j_per_token);
    expect(r.required.compute_flops_per_s).toBeGreaterThan(50 * 2 * 7e9);
  });
  it('a TPOT target at a batch is batch / TPOT tokens/s, sized on a base accelerator', async () => {
    const { result, error } = await runCommand(
      ['size', '--model', 'llama-3.1-70b', '--target-tpot', '30ms', '--batch', '16', '--dtype', 'fp8', '--tp', '2', '--hardware', 'h100-sxm', '--memory', 'hbm3e', '--json'],
      { root },
    );
    expect(error).toBeUndefined();
    const r = result as any;
    expect(r.target_tok_s).toBeCloseTo(16 / 0.03, 6);
    expect(r.hardware).toBe('h100-sxm');
    expect(r.options[0].achieved_tpot_s).toBeLessThanOrEqual(0.03);
  });
  it('needs exactly one target', async () => {
    const { error, stderr } = await runCommand(['size', '--model', 'llama-3.1-8b'], { root });
    expect(error?.oclif?.exit).toBe(2);
    expect(stderr).toMatch(/exactly one of --target-tok-s and --target-tpot/);
  });
  it('prints a table by default', async () => {
    const { stdout } = await runCommand(['size', '--model', 'llama-3.2-3b', '--target-tok-s', '30', '--dtype', 'int4', '--memory', 'lpddr5x,hbm3e'], { root });
    expect(stdout).toMatch(/^memory\s+count\s+needs \(datasheet\)/m);
    expect(stdout).toMatch(/^hbm3e\s+1 stack\b/m);
  });
});
