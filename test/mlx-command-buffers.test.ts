// MLX's Metal command buffers on Ultra parts (runtimes/mlx.yaml kernels.command_buffer, src/sim/command-buffers.ts):
// MLX commits a buffer once it holds more than max_ops dispatches or distinct inputs of more than max_mb Mi elements
// (mlx/backend/metal/device.cpp needs_commit; data_size() counts elements), and a committed buffer takes at least the
// floor (ml-explore/mlx issue #4521, M3 Ultra: 3,200 tiny dependent kernels 8.8 ms at 50 dispatches per buffer, 7.7 ms
// at 200; a dense 27B model unchanged). A gathered expert matmul binds the whole stacked expert tensor.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { bufferDeficit, bufferGroups, elementsPerWeight, type BufferRule } from '../src/sim/command-buffers.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const tpot = (hw: NormalizedHardware, model: string, dtype = 'q4_0') =>
  simulate(buildRequest({ model, hardware: hw.id, dtype, 'input-tokens': 32, 'output-tokens': 64, batch: 1 }, libraryModel(model), hw, libraryModel)).tpot_s!;
const noFloor = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, commandBuffer: undefined } } });

// one op per layer: `n` launches of a tiny kernel of `t` seconds, one dispatch each, binding nothing
const chain = (n: number, maxOps: number): BufferRule => ({ count: [n], early: [false], elements: [0], dispatches: [1], layers: n, maxOps, cap: 51 * 2 ** 20, floorS: 140e-6 });

describe('MLX command buffers: a committed buffer lasts at least the floor', () => {
  it('reproduces the M3 Ultra synthetic chain: 3,200 kernels of 2.41 us take 8.8 ms at 50 dispatches per buffer, 7.7 ms at 200', () => {
    const t = 7.7e-3 / 3200;
    const at = (maxOps: number) => 3200 * t + bufferDeficit(bufferGroups(chain(3200, maxOps)), [t]);
    expect(at(50) * 1e3).toBeCloseTo(8.8, 1);
    expect(at(200) * 1e3).toBeCloseTo(7.7, 6); // 201 kernels (484 us) per buffer: above the floor, nothing added
    // the walk is done once: 62 full buffers of 51 kernels and the last of 38 (two groups)
    expect(bufferGroups(chain(3200, 50)).mult).toEqual([62, 1]);
  });
  it('counts elements, not bytes: MLX 4-bit is 5/32 of an element per weight, 8-bit 9/32, 16-bit one', () => {
    expect(elementsPerWeight(4.5)).toBe(5 / 32);
    expect(elementsPerWeight(8.5)).toBe(9 / 32);
    expect(elementsPerWeight(16)).toBe(1);
  });
  it('Qwen3-30B-A3B 4-bit on an M2 Ultra: the expert matmuls bind 128 experts, a buffer every second matmul, ~1.5 per layer at the floor', () => {
    const hw = bound('apple-m2-ultra', 'mlx');
    expect(hw.runtime!.kernels.commandBuffer).toEqual({ maxOps: 50, maxMb: 50, floorS: 140e-6 });
    const with_ = tpot(hw, 'qwen3-30b-a3b'), without = tpot(noFloor(hw), 'qwen3-30b-a3b');
    // 48 layers x 1.5 buffers + the embedding's and the sampler's, nearly all below 140 us of work
    expect(with_).toBeGreaterThan(without + 0.5 * 48 * 1.5 * 140e-6);
    expect(with_).toBeLessThan(48 * 1.5 * 140e-6 + 3 * 140e-6 + without);
    // 8-bit experts (54 Mi elements a projection) commit after every expert matmul: more buffers, more time
    expect(tpot(hw, 'qwen3-30b-a3b', 'q8_0')).toBeGreaterThan(tpot(noFloor(hw), 'qwen3-30b-a3b', 'q8_0') + 0.5 * 48 * 3 * 140e-6);
  });
  it('a dense model\'s buffers hold their weights\' reads: Llama 3.1 8B gains only the embedding\'s and the sampler\'s short buffers', () => {
    const hw = bound('apple-m2-ultra', 'mlx');
    const d = tpot(hw, 'llama-3.1-8b') - tpot(noFloor(hw), 'llama-3.1-8b');
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(2 * 140e-6);
  });
  it('a prompt MLX splits into 2048-token steps pays the floor in each step (the split passes are new op arrays)', () => {
    const hw = bound('apple-m2-ultra', 'mlx');
    const ttft = (h: NormalizedHardware) =>
      simulate(buildRequest({ model: 'llama-3.1-8b', hardware: h.id, dtype: 'q4_0', 'input-tokens': 8192, 'output-tokens': 1, batch: 1 }, libraryModel('llama-3.1-8b'), h, libraryModel)).ttft_s!;
    // each 2048-token step opens with the embedding's gathers alone in a buffer (the whole table bound): ~140 us each
    expect(ttft(hw) - ttft(noFloor(hw))).toBeGreaterThan(4 * 100e-6);
  });
  it('single-die parts carry no floor (no micro-benchmark there)', () => {
    expect(bound('apple-m4-max', 'mlx').runtime!.kernels.commandBuffer).toBeUndefined();
    expect(bound('apple-m3-ultra', 'mlx').runtime!.kernels.commandBuffer?.floorS).toBe(140e-6);
  });
});
