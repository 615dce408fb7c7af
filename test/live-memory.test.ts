import { describe, expect, it } from 'vitest';
import { buildVaeDecoderGraph, groupNorm } from '../src/model/vae-graph.js';
import { peakActivationBytes } from '../src/sim/graph-cost.js';
import type { VaeModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

// Live memory is the tensors alive at once, not the bytes an op moves: PyTorch's native_group_norm allocates only
// Y = empty_like(X) plus [N, group] mean and rstd (aten/src/ATen/native/group_norm.cpp), though it reads X twice.
describe('live activation memory of multi-pass ops', () => {
  it('a GroupNorm moves 3 passes but holds its input and output only', () => {
    const op = groupNorm('gn', 1e6, P);
    expect(op.bytes).toBe(3 * 1e6 * 2);
    expect(op.liveBytes).toBe(2 * 1e6 * 2);
    expect(peakActivationBytes([op])).toBe(2 * 1e6 * 2);
  });
  it("the SD VAE decode's peak is its largest conv's input + output, not a GroupNorm's traffic", () => {
    const m = libraryModel('sd-vae') as VaeModel;
    const ops = buildVaeDecoderGraph(m, { batch: 1, height: 512, width: 512, frames: 1 }, P);
    const convPeak = Math.max(...ops.filter((o) => o.kind === 'conv').map((o) => o.bytes - o.weightBytes));
    expect(peakActivationBytes(ops)).toBe(convPeak);
    // the old rule (traffic) was 1.5× a full-resolution 256-channel GroupNorm's x + y
    const gnTraffic = Math.max(...ops.filter((o) => o.kind === 'norm').map((o) => o.bytes));
    expect(gnTraffic).toBeGreaterThan(peakActivationBytes(ops));
  });
  it('Wan RMS_norm (eager F.normalize · scale · gamma + bias) keeps its traffic as live memory', () => {
    const m = libraryModel('wan-2.1-vae') as VaeModel;
    const ops = buildVaeDecoderGraph(m, { batch: 1, height: 64, width: 64, frames: 5 }, P);
    // x, x / ‖x‖ and the next product: three full-size tensors, whatever the 9 passes of traffic
    for (const o of ops.filter((x) => x.kind === 'norm')) expect(o.liveBytes).toBe(o.bytes / 3);
  });
});

describe('SDXL VAE decode at 1024², batch 16 (the diffusers RTX 4090 benchmark shape)', () => {
  it("peaks at the last up-sampling conv's input + output (256 → 256 channels at 1024²), not at a GroupNorm", () => {
    const ops = buildVaeDecoderGraph(libraryModel('sd-vae') as VaeModel, { batch: 16, height: 1024, width: 1024, frames: 1 }, P);
    expect(peakActivationBytes(ops)).toBe(16 * 1024 * 1024 * (256 + 256) * 2); // 17.2 GB; by traffic it was 25.8 GB
  });
});
