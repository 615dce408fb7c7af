// PyTorch FSDP's unhidden edges (src/sim/training/fsdp-edges.ts): under ZeRO-3 with runtime training.fsdp_layout set,
// the root unit's (embedding, final norm, LM head) and the first block's all-gather open every micro-batch and their
// reduce-scatter closes it, in full, even where the runtime's prefetch hides every other block's collectives.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { fsdpEdgeGroups, fsdpEdgeParams } from '../src/sim/training/fsdp-edges.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { DecoderModel, NormalizedRuntime } from '../src/spec/types.js';

const model = libraryModel('llama-3.1-8b') as DecoderModel;
const s = decoderShape(model);
const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
const withoutLayout = (id: string): NormalizedRuntime => {
  const rt = libraryRuntime(id);
  return { ...rt, training: { ...rt.training, fsdpLayout: undefined } };
};
const run = (rt: NormalizedRuntime, zero: 1 | 3, devices = 64, globalBatch = 64) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(a100, rt), { devices, dp: devices, zero, seqLen: 8192, globalBatch, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));

describe('FSDP edges: the root unit and first block gathered before and reduced after each micro-batch', () => {
  it('counts the root unit (embedding + head) and one average block', () => {
    const root = s.paramsEmbedding + s.paramsHead;
    const block = (s.paramsDense - root) / s.layers;
    expect(fsdpEdgeParams(root, block)).toBeCloseTo(root + block, 0);
    expect(root).toBeGreaterThan(1e9); // Llama 3.1 8B: two 128,256 x 4,096 tables
    expect(block).toBeGreaterThan(2e8);
  });
  it('shows where torchtitan\'s prefetch hid all of the ZeRO-3 traffic before', () => {
    const edged = run(libraryRuntime('torchtitan'), 3);
    const hidden = run(withoutLayout('torchtitan'), 3);
    // same compute apart from FSDP2's copies; the DP time grows by the exposed edge (less the contention it replaces)
    expect(edged.breakdown.dp_comm_s).toBeGreaterThan(hidden.breakdown.dp_comm_s + 0.005);
    // 1.3e9 parameters gathered in bf16 and reduced in fp32 over 8 A100 nodes: tens of ms, not more than the step's
    // whole ZeRO-3 traffic
    expect(edged.breakdown.dp_comm_s).toBeLessThan(0.2);
  });
  it('is paid per micro-batch, by FSDP1 too, and not without ZeRO-3', () => {
    const one = run(libraryRuntime('fsdp1'), 3, 64, 64).breakdown.dp_comm_s;
    const four = run(libraryRuntime('fsdp1'), 3, 64, 256).breakdown.dp_comm_s;
    expect(four).toBeCloseTo(4 * one, 9);
    expect(one).toBeGreaterThan(run(withoutLayout('fsdp1'), 3).breakdown.dp_comm_s);
    expect(run(libraryRuntime('torchtitan'), 1).step_s).toBe(run(withoutLayout('torchtitan'), 1).step_s);
  });
});

describe('eager PyTorch ZeRO-3 is FSDP1 (runtimes/pytorch.yaml fsdp_layout flat)', () => {
  it('pays the edges and no FSDP2 copies', () => {
    expect(libraryRuntime('pytorch').training!.fsdpLayout).toBe('flat');
    const edged = run(libraryRuntime('pytorch'), 3);
    const hidden = run(withoutLayout('pytorch'), 3);
    expect(edged.breakdown.dp_comm_s).toBeGreaterThan(hidden.breakdown.dp_comm_s + 0.005);
    expect(edged.breakdown.compute_s).toBe(hidden.breakdown.compute_s);
  });
});

describe('FSDP edges with expert parallelism: the routed experts are their own unit over the expert-data-parallel group', () => {
  it('splits an average block by group only under EP', () => {
    expect(fsdpEdgeGroups(10, 3, 5, 1)).toEqual({ dense: 18, expert: 0 });
    expect(fsdpEdgeGroups(10, 3, 5, 4)).toEqual({ dense: 13, expert: 5 });
  });
  it('gathers no experts at the edge when every expert-data-parallel group is one rank (ep = dp)', () => {
    const moe = libraryModel('qwen3-30b-a3b') as DecoderModel;
    // the same model with experts twice as wide: under ep = dp their ZeRO-3 shards are whole (no collective), so the
    // step's data-parallel time must not see them (it did while the edge put them on the dense group)
    const wide = { ...moe, moe: { ...moe.moe!, intermediate: 2 * moe.moe!.intermediate } } as DecoderModel;
    const dpComm = (m: DecoderModel, ep: number) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(a100, libraryRuntime('torchtitan')), { devices: 8, dp: 8, ep, zero: 3, seqLen: 4096, globalBatch: 8, microBatch: 1, recompute: 'selective', dtype: 'bf16' })).breakdown.dp_comm_s;
    expect(dpComm(moe, 8)).toBeGreaterThan(0);
    expect(dpComm(wide, 8)).toBeCloseTo(dpComm(moe, 8), 12);
    // under EP 1 the routed experts (~95% of Qwen3-30B-A3B's parameters) are gathered with each block
    expect(dpComm(wide, 1)).toBeGreaterThan(dpComm(moe, 1));
  });
});
