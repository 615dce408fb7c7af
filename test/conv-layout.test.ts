// Eager PyTorch hands cuDNN its convolutions as NCHW tensors (runtimes/pytorch.yaml by_vendor nvidia kernels.conv_layout):
// cuDNN converts the input to NHWC and the output back, and ATen adds the bias after the convolution. Each marked
// convolution gets a glue op of those passes; runtimes that do not run NCHW convolutions (TensorRT, ROCm) do not.
import { describe, expect, it } from 'vitest';
import { buildDitGraph } from '../src/model/dit-graph.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { pricePhase } from '../src/sim/graph-cost.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware } from './helpers/nondecoder-fixtures.js';
import type { DitModel } from '../src/spec/types.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const unet = () => libraryModel('sdxl-unet') as DitModel;
const shape = { batch: 2, height: 1024, width: 1024, frames: 1 };

describe('NCHW convolutions under eager PyTorch on NVIDIA (cuDNN layout conversions + bias add)', () => {
  it('every UNet convolution carries its NCHW input size, and diffusers on an H100 adds 2 input + 4 output passes in 3 kernels', async () => {
    const ops = buildDitGraph(unet(), shape, P, true);
    const convs = ops.filter((o) => o.kind === 'conv');
    expect(convs.length).toBeGreaterThan(40);
    for (const c of convs) expect(c.nchwIn).toBeGreaterThan(0);
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('diffusers'));
    expect(hw.runtime!.kernels.convLayout).toBe('nchw');
    const out = runtimeOps(ops, hw, 2);
    const c = convs.find((o) => o.name === 'down0.res0.conv1')!; // 3×3, 320 → 320 at 128×128, batch 2
    const glue = out.find((o) => o.name === 'down0.res0.conv1.glue')!;
    const px = 2 * 128 * 128;
    expect(c.nchwIn).toBe(px * 320);
    expect(glue.bytes).toBe(2 * 2 * px * 320 + 4 * 2 * px * 320);
    expect(glue.kernels).toBe(3);
    expect(out.filter((o) => o.name.endsWith('.glue')).length).toBe(convs.length);
  });

  it('the step costs more under diffusers than the same kernels without the conversions, and nothing changes on ROCm or under TensorRT', async () => {
    const ops = buildDitGraph(unet(), shape, P, true);
    const h100 = await loadHardware('h100-sxm');
    const eager = pricePhase('step', ops, bindRuntime(h100, libraryRuntime('diffusers')), 'other', 2).seconds;
    const trt = bindRuntime(h100, libraryRuntime('tensorrt-llm'));
    expect(runtimeOps(ops, trt, 2).some((o) => o.name.endsWith('.glue'))).toBe(false);
    // the same diffusers runtime without the NVIDIA block: the conversions are the only difference
    const plain = bindRuntime(h100, libraryRuntime('diffusers'));
    plain.runtime = { ...plain.runtime!, kernels: { ...plain.runtime!.kernels, convLayout: undefined } };
    const without = pricePhase('step', ops, plain, 'other', 2).seconds;
    expect(eager).toBeGreaterThan(without * 1.02);
    const mi = bindRuntime(await loadHardware('mi300x'), libraryRuntime('diffusers'));
    expect(mi.runtime!.kernels.convLayout).toBeUndefined();
    expect(runtimeOps(ops, mi, 2).some((o) => o.name.endsWith('.glue'))).toBe(false);
  });
});

describe('SDXL UNet eager elementwise kernels by access class (measured on Hopper)', () => {
  it("GroupNorm's a·x + b is a broadcast kernel, nn.LayerNorm a row norm, the token permute a transpose copy; only Hopper prices them slower", async () => {
    const ops = buildDitGraph(unet(), shape, P, true);
    const norm1 = ops.find((o) => o.name === 'down0.res0.norm1')!;
    expect(norm1.access?.broadcast).toBe(2 * 2 * (2 * 128 * 128 * 320)); // read x, write y of the normalise kernel
    const tnorm = ops.find((o) => o.name === 'down1.attn0.norm')!;
    expect(tnorm.access?.transpose).toBeGreaterThan(0);
    expect(ops.find((o) => o.name === 'down1.attn0.ln1')!.access?.rownorm).toBeGreaterThan(0);
    const hopper = runtimeOps(ops, bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('diffusers')), 2);
    const ampere = runtimeOps(ops, bindRuntime(await loadHardware('a100-sxm4-80gb'), libraryRuntime('diffusers')), 2);
    expect(hopper.find((o) => o.name === 'down0.res0.norm1')!.memoryScale).toBeLessThan(1);
    expect(ampere.find((o) => o.name === 'down0.res0.norm1')!.memoryScale).toBeUndefined();
  });
});
