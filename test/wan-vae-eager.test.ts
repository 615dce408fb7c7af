// The Wan VAE as its reference code runs it (wan/modules/vae.py @f1f7c88): one Decoder3d call per latent frame with a
// feature cache (clone + cat + F.pad per causal conv), cuDNN layout passes and bias add_, RMS_norm as 5 eager kernels,
// cuDNN convolutions at WAN_CONV_GEMM_SHARE of the GEMM rate, and the pipeline's VAE stage in fp32 (WanVAE dtype=torch.float).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { WAN_CONV_GEMM_SHARE, buildVaeDecoderGraph } from '../src/model/vae-graph.js';
import { opCost } from '../src/sim/roofline.js';
import { stagePrecision } from '../src/sim/pipeline.js';
import type { PipelineModel, VaeModel } from '../src/spec/types.js';

const lib = getLibrary();
const prec = { compute: 'bf16', weightBytes: 2, actBytes: 2, kvBytes: 2 } as const;
const m = lib.models['wan-2.1-vae'] as VaeModel;
const dec = buildVaeDecoderGraph(m, { batch: 1, height: 720, width: 1280, frames: 81 }, prec);

describe('Wan VAE eager decode graph', () => {
  it('a causal 3×3×3 conv moves 5·F + 14·n frames of its input to assemble it, plus 2 layout passes in and out and the bias add_', () => {
    // up0.res0.conv1: latent level, 21 frames in 21 chunks, 384 → 384 channels at 90 × 160
    const g = dec.find((o) => o.name === 'up0.res0.conv1.glue')!;
    const frame = 90 * 160 * 384 * 2;
    const assembly = frame * (5 * 21 + 14 * 21);
    const layout = 2 * frame * (21 + 2 * 21) + 2 * frame * 21;
    const bias = 2 * frame * 21;
    expect(g.bytes).toBe(assembly + layout + bias);
    expect(g.kernels).toBe(21 * 7); // clone, cat, fill_, copy_, 2 transposes, add_ per chunk
  });
  it('RMS_norm is 9 passes in 5 kernels per chunk; every Decoder3d kernel runs once per latent frame', () => {
    const n = dec.find((o) => o.name === 'up3.res0.norm1')!;
    expect(n.bytes).toBe(81 * 720 * 1280 * 96 * 9 * 2);
    expect(n.kernels).toBe(5 * 21);
    expect(dec.find((o) => o.name === 'conv2')!.kernels ?? 1).toBe(1); // WanVAE_.decode's 1×1 conv before the loop
  });
  it('every conv carries the cuDNN share: an H200 bf16 conv at 0.54 of the large-GEMM rate', () => {
    expect(WAN_CONV_GEMM_SHARE).toBe(0.54);
    for (const o of dec.filter((x) => x.kind === 'conv')) expect(o.efficiencyScale).toBe(WAN_CONV_GEMM_SHARE);
    const h200 = lib.hardware['h200-sxm']!;
    const c = dec.find((o) => o.name === 'up3.res1.conv1')!;
    const plain = opCost({ ...c, efficiencyScale: undefined }, h200 as never);
    expect(opCost(c, h200 as never).computeS / plain.computeS).toBeCloseTo(1 / WAN_CONV_GEMM_SHARE, 6);
  });
});

describe('Wan pipelines run their VAE in fp32', () => {
  it('the stage says fp32 and its precision has 4-byte weights and activations', () => {
    const pipe = lib.models['wan-2.1-t2v-14b'] as PipelineModel;
    const st = pipe.stages.find((x) => x.model === 'wan-2.1-vae')!;
    expect(st.dtype).toBe('fp32');
    const sp = stagePrecision(st, { ...prec, names: { weights: 'bf16', activations: 'bf16', kv: 'bf16' } });
    expect(sp).toMatchObject({ compute: 'fp32', weightBytes: 4, actBytes: 4 });
  });
});

describe('Wan VAE live activations', () => {
  it('one latent frame (4 pixel frames) plus the 2 cached frames are alive, not the whole video', async () => {
    const { vaeActivationBytes } = await import('../src/sim/vae.js');
    const { peakActivationBytes } = await import('../src/sim/graph-cost.js');
    const s = { batch: 1, height: 480, width: 832, frames: 81 };
    const ops = buildVaeDecoderGraph(m, s, prec);
    expect(vaeActivationBytes(m, s, ops)).toBeCloseTo((peakActivationBytes(ops) * 6) / 81, 0);
  });
});
