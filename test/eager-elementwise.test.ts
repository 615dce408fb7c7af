// Eager PyTorch elementwise kernels by access class (runtimes/pytorch.yaml by_architecture.hopper kernels.elementwise):
// a binary op with a broadcast operand, torch.where with a broadcast mask, an add of two layouts, a copy out of a
// transposed layout and nn.LayerNorm reach a fraction of what a vectorized contiguous kernel reaches, as measured on an
// H200 (bench/gpu/h200-2026-12-04/kernels.json, stdit3.json). The STDiT3 blocks priced with them agree with the
// profiler trace of the same blocks; without them the elementwise work was priced 2.7× too fast.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDitGraph } from '../src/model/dit-graph.js';
import type { Op } from '../src/model/op.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { memoryEfficiency, opCost } from '../src/sim/roofline.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { DitModel, NormalizedHardware } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const ew = (over: Partial<Op> = {}): Op => ({ name: 'x', kind: 'elementwise', flops: 0, bytes: 1e9, weightBytes: 0, dtype: 'bf16', count: 1, ...over });
const withKernels = (kernels: object) => ({ runtime: { kernels } }) as unknown as Pick<NormalizedHardware, 'runtime'>;

describe('access classes of eager elementwise kernels', () => {
  const rt = withKernels({ elementwise: { broadcast: 0.4, strided: 0.2, transpose: 0.1 } });
  it('an op of one class moves its bytes at that fraction; ops without a class, or a runtime without the table, are untouched', () => {
    expect(runtimeOps([ew({ access: { broadcast: 1e9 } })], rt, 2)[0]!.memoryScale).toBeCloseTo(0.4, 12);
    expect(runtimeOps([ew({ access: { transpose: 1e9 } })], rt, 2)[0]!.memoryScale).toBeCloseTo(0.1, 12);
    expect(runtimeOps([ew()], rt, 2)[0]!.memoryScale).toBeUndefined();
    const plain = [ew({ access: { broadcast: 1e9 } })];
    expect(runtimeOps(plain, withKernels({}), 2)).toBe(plain);
    // a class the runtime does not list moves at the vectorized rate
    expect(runtimeOps([ew({ access: { rownorm: 1e9 } })], rt, 2)[0]!.memoryScale).toBeUndefined();
  });
  it('a mixed op is time-weighted: 0.3 GB broadcast + 0.3 GB strided + 0.4 GB vectorized', () => {
    const s = runtimeOps([ew({ access: { broadcast: 3e8, strided: 3e8 } })], rt, 2)[0]!.memoryScale!;
    expect(s).toBeCloseTo(1 / (0.3 / 0.4 + 0.3 / 0.2 + 0.4), 12);
  });
  it('the roofline prices the op at efficiency.memory × its scale', async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('pytorch'));
    const op: Op = { ...ew(), memoryScale: 0.25 };
    expect(memoryEfficiency(op, h200)).toBeCloseTo(0.25 * h200.efficiency.memory, 12);
    expect(opCost(op, h200).memoryS).toBeCloseTo(4 * opCost(ew(), h200).memoryS, 12);
  });
});

describe('pytorch on Hopper: the measured classes; elsewhere unmeasured', () => {
  const m = libraryModel('stdit3-xl-2') as DitModel;
  const graph = buildDitGraph(m, { batch: 2, height: 720, width: 1280, frames: 51 }, P, true);
  it('STDiT3 tags its channels-first copies, norms, modulation, frame selects and residual adds', async () => {
    const h100 = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('pytorch'));
    const ops = runtimeOps(graph, h100, 2);
    const scale = (n: string) => ops.find((o) => o.name === n)!.memoryScale;
    expect(scale('spatial.norm1.contiguous')).toBeCloseTo(0.124, 12); // .contiguous() of a channels-first view
    expect(scale('spatial.norm1')).toBeCloseTo(0.46, 12); // nn.LayerNorm
    expect(scale('spatial.modulate1')).toBeCloseTo(0.387, 12); // x · (1 + scale) + shift, [B, 1, d] operands
    expect(scale('spatial.select1')).toBeCloseTo(0.55, 12); // torch.where, [B, T, 1, 1] mask
    expect(scale('spatial.cross.residual')).toBeCloseTo(0.17, 12); // channels-first x + tokens-major y
    expect(scale('spatial.q_norm')).toBeCloseTo(0.563, 12); // the written-out LlamaRMSNorm
    expect(scale('spatial.act')).toBeUndefined(); // GELU: vectorized
    expect(scale('spatial.qkv')).toBeUndefined();
    // gate: broadcast muls (2 paths), the broadcast-mask where, the mixed-layout add
    const E = 2 * 54000 * 1152 * 2;
    expect(scale('spatial.gate1')).toBeCloseTo((4 + 3 + 3) * E / ((4 * E) / 0.387 + (3 * E) / 0.55 + (3 * E) / 0.17), 12);
  });
  it('an Ampere part under pytorch keeps the vectorized rate (no measurement there)', async () => {
    const a100 = bindRuntime(await loadHardware('a100-sxm4-80gb'), libraryRuntime('pytorch'));
    expect(runtimeOps(graph, a100, 2).some((o) => o.memoryScale !== undefined)).toBe(false);
  });
  it('MMDiT (diffusers AdaLayerNormZero): LayerNorm then a modulate with [B, 1, d] operands, and broadcast gates', async () => {
    const h100 = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('diffusers'));
    const flux = runtimeOps(buildDitGraph(libraryModel('flux.1-dev-transformer') as DitModel, { batch: 1, height: 1024, width: 1024, frames: 1 }, P, true), h100, 2);
    const norm = flux.find((o) => o.name === 'joint.img.norm1')!;
    expect(norm.access).toEqual({ rownorm: norm.bytes / 3, broadcast: (2 * norm.bytes) / 3 });
    expect(norm.memoryScale).toBeCloseTo(3 / (1 / 0.46 + 2 / 0.387), 12);
    const gate = flux.find((o) => o.name === 'joint.img.gate1')!;
    expect(gate.memoryScale).toBeCloseTo(5 / (2 / 0.387 + 3), 12); // broadcast mul, contiguous add
  });
  it('diffusers inherits the table from pytorch', async () => {
    const h100 = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('diffusers'));
    expect(h100.runtime?.kernels.elementwise?.broadcast).toBe(0.387);
  });
});

// bench/gpu/h200-2026-12-04/stdit3.json: torch.profiler device time per kernel of one STDiT3 spatial and one temporal
// block, 720p, 51 frames (15 latent frames × 3600 positions), CFG batch 2, channels-first residual stream
describe('STDiT3 blocks on an H200 against the profiler trace', () => {
  const trace = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'bench', 'gpu', 'h200-2026-12-04', 'stdit3.json'), 'utf8'));
  const blocks = trace.cases.find((c: { label: string }) => c.label === '720p-51f').blocks;
  const m = libraryModel('stdit3-xl-2') as DitModel;
  const price = async (name: string, pick: (o: Op) => boolean) => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('pytorch'));
    const ops = runtimeOps(buildDitGraph(m, { batch: 2, height: 720, width: 1280, frames: 51 }, P, true), h200, 2);
    return ops.filter((o) => o.name.startsWith(`${name}.`) && pick(o)).reduce((s, o) => s + opCost(o, h200).seconds, 0);
  };
  const traced = (name: string, pick: (k: string) => boolean) =>
    Object.entries(blocks[name].kernels as Record<string, { device_us: number }>).filter(([k]) => pick(k)).reduce((s, [, v]) => s + v.device_us * 1e-6, 0);
  const matmulOrAttention = (k: string) => /nvjet|sdpa|gemm|wmma|cutlass/i.test(k);
  it('the elementwise, norm and copy kernels of the spatial block: within 10% of the trace (2.7× too fast without the classes)', async () => {
    const model = await price('spatial', (o) => o.kind === 'elementwise' || o.kind === 'norm');
    const measured = traced('spatial', (k) => !matmulOrAttention(k));
    expect(measured).toBeGreaterThan(0.018);
    expect(model / measured).toBeGreaterThan(0.9);
    expect(model / measured).toBeLessThan(1.1);
  });
  it('spatial + temporal block within 10% of the trace (the trace ran cuDNN attention; the model prices FlashAttention-2)', async () => {
    const model = (await price('spatial', () => true)) + (await price('temporal', () => true));
    const measured = blocks.spatial.kernel_us_total * 1e-6 + blocks.temporal.kernel_us_total * 1e-6;
    expect(model / measured).toBeGreaterThan(0.9);
    expect(model / measured).toBeLessThan(1.1);
  });
});
