// The layers of an eager encoder tower (ViT, CLIP, BERT-style stacks called from Python as nn.Modules) cost the host
// runtimes/pytorch.yaml host.encoder_forward.per_layer each — measured on HF WhisperEncoderLayer, whose op list
// (pre-LayerNorm, separate q/k/v/out and fc1/fc2 nn.Linear, attention, GELU, two residual adds) HF's ViTLayer shares —
// against their kernels: max(per_layer × layers, kernels) (src/runtime/launch.ts eagerEncoderLayersSeconds). The
// patch embedding, final norm and head keep their per-op launch floors; Whisper's per_forward (its conv front end) is
// not charged. A runtime without encoder_forward (pytorch-compile: graph replay) prices every op with its floor.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { eagerEncoderLayersSeconds } from '../src/runtime/launch.js';
import { buildEncoderGraph, isEncoderLayerOp } from '../src/model/encoder-graph.js';
import { fusedAttention, pricePhase, resolvePrecision } from '../src/sim/graph-cost.js';
import type { EncoderModel, NormalizedHardware } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const bound = async (hw: string, rt: string) => bindRuntime(await loadHardware(hw), libraryRuntime(rt));
const latency = (hw: NormalizedHardware, model: string, batch: number, dtype = 'bf16') =>
  simulate(request(model, hw, { batch, dtype })).latency_s!;
/** the same runtime without its eager encoder: every op priced with its per-op launch floor */
const floorsOnly = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, encoderForward: undefined } });

describe('eager encoder layers: host time per layer against the kernels', () => {
  it('a batch-1 ViT-B/16 under autocast on an MI210 is host-bound: 12 layers × per_layer plus the embedding and head at their floors', async () => {
    const hw = await bound('mi210', 'pytorch-amp');
    const e = hw.runtime!.encoderForward!;
    const m = libraryModel('vit-b-16') as EncoderModel;
    const req = request(m, hw, { batch: 1, dtype: 'bf16' });
    const p = resolvePrecision(req);
    const ops = buildEncoderGraph(m, { batch: 1 }, p, fusedAttention(hw));
    const body = pricePhase('encode', ops.filter(isEncoderLayerOp), hw, 'device', p.actBytes);
    const rest = pricePhase('encode', ops.filter((o) => !isEncoderLayerOp(o)), hw, 'other', p.actBytes);
    expect(body.seconds).toBeLessThan(12 * e.perLayerS); // the kernels hide behind the host
    const got = simulate(req);
    expect(got.latency_s!).toBeCloseTo(12 * e.perLayerS + rest.seconds, 9);
    expect(got.phases[0]!.bound).toBe('overhead');
    // the per-op floors alone (bare dispatch: nn.Linear 30.8 µs, layer_norm 19.2, tensor op 10.5) price it ~3x faster
    expect(latency(floorsOnly(hw), 'vit-b-16', 1) * 2).toBeLessThan(got.latency_s!);
  });

  it('Whisper’s per_forward is not charged to other towers', async () => {
    const hw = await bound('h100-sxm', 'pytorch');
    const e = hw.runtime!.encoderForward!;
    expect(e.perForwardS).toBeGreaterThan(1e-3);
    expect(latency(hw, 'vit-b-16', 1)).toBeLessThan(e.perForwardS + 12 * e.perLayerS);
    expect(eagerEncoderLayersSeconds(hw, 12, 1e-6)).toBeCloseTo(12 * e.perLayerS, 12);
    expect(eagerEncoderLayersSeconds(hw, 12, 1)).toBe(1);
  });

  it('large batches are kernel-bound: the host time does not show (timm --amp batch 1024 on an RTX 4090 / 5090)', async () => {
    for (const [model, hwId] of [['vit-b-16', 'rtx-4090'], ['vit-h-14', 'rtx-5090']] as const) {
      const hw = await bound(hwId, 'pytorch-amp');
      const eager = latency(hw, model, 1024, 'fp16');
      expect(Math.abs(eager / latency(floorsOnly(hw), model, 1024, 'fp16') - 1)).toBeLessThan(0.01);
    }
  });

  it('a runtime that replays graphs (pytorch-compile) has no eager encoder and keeps the per-op pricing', async () => {
    const hw = await bound('mi210', 'pytorch-compile');
    expect(hw.runtime!.encoderForward).toBeUndefined();
    expect(eagerEncoderLayersSeconds(hw, 12, 1e-3)).toBeUndefined();
    expect(latency(hw, 'vit-b-16', 1)).toBeLessThan(latency(await bound('mi210', 'pytorch-amp'), 'vit-b-16', 1) / 2);
  });

  it('monotone in batch and in the tower’s work', async () => {
    const hw = await bound('mi210', 'pytorch-amp');
    let prev = 0;
    for (const b of [1, 2, 4, 8, 16, 32, 64, 128, 256]) {
      const t = latency(hw, 'vit-b-16', b);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
    expect(latency(hw, 'vit-h-14', 1)).toBeGreaterThan(latency(hw, 'vit-b-16', 1));
  });
});
