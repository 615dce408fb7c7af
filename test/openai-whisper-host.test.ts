// openai-whisper's eager decode loop host time (runtimes/openai-whisper.yaml, openai-whisper-2023.yaml host.decode_step)
// is counted from its own code (openai/whisper whisper/model.py ResidualAttentionBlock, MultiHeadAttention, LayerNorm,
// Linear; decoding.py GreedyDecoder.update, SuppressTokens; TextDecoder's top) and priced at PyTorch's measured per-op
// host costs (runtimes/pytorch.yaml launch: tensor op, F.layer_norm, nn.Linear module call; a bare matmul 18.7 µs from
// the same measurement). Hugging Face generate()'s measured Whisper layer (transformers) stays its own.
import { describe, expect, it } from 'vitest';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { eagerStepSeconds } from '../src/runtime/launch.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

// bench/gpu/h200-2026-12-04/kernels.json section launch: a bare `y @ y` per call (pytorch.yaml launch comment)
const MATMUL_S = 18.7e-6;

function costs() {
  const l = libraryRuntime('pytorch').launch!;
  const k = l.perKernelByKindS!;
  return { op: l.perKernelS!, norm: k.norm!, linear: k.gemm! };
}

/** one ResidualAttentionBlock decode step of openai-whisper @v20240930 (SDPA), one new token */
function layerS(): number {
  const { op, norm, linear } = costs();
  const layerNorms = 3 * (op + norm + op); // x.float(), F.layer_norm, .type(x.dtype)
  const linears = 8 * linear + 15 * op; // self q k v out, cross q out, fc1 fc2; weight.to ×8, bias.to ×7 (key has none)
  const rest = 2 * op + 2 * op + op + 3 * op; // hook torch.cat ×2, SDPA ×2, GELU, residual adds ×3
  return layerNorms + linears + rest;
}

describe('openai-whisper decode host time, counted from its source', () => {
  it('per layer: 40 ops of ResidualAttentionBlock at the measured per-op costs (0.61 ms)', () => {
    const d = libraryRuntime('openai-whisper').decodeStep!;
    expect(d.perLayerS).toBeCloseTo(layerS(), 5);
    expect(d.sync).toBe('step');
  });

  it('per step: TextDecoder top, SuppressTokens and GreedyDecoder.update (0.27 ms)', () => {
    const { op, norm } = costs();
    const top = op + op + op + (op + norm + op) + op + MATMUL_S + op; // embedding, + positions, .to, ln, weight.to, x @ Eᵀ, .float()
    const loop = 2 * op + 13 * op; // SuppressTokens index_put_ with a list; GreedyDecoder.update
    expect(libraryRuntime('openai-whisper').decodeStep!.perStepS).toBeCloseTo(top + loop, 5);
  });

  it('openai-whisper-2023 (@6dea21f) writes the attention out: each SDPA call becomes 6-7 ops and two matmuls', () => {
    const { op } = costs();
    const selfAttn = 6 * op + 2 * MATMUL_S; // q·scale, k·scale, q @ k, + mask, .float(), softmax, .to, w @ v
    const crossAttn = 5 * op + 2 * MATMUL_S; // the same without the mask
    const d = libraryRuntime('openai-whisper-2023').decodeStep!;
    expect(d.perLayerS).toBeCloseTo(layerS() - 2 * op + selfAttn + crossAttn, 5);
    expect(d.perLayerS).toBeGreaterThan(libraryRuntime('openai-whisper').decodeStep!.perLayerS);
    expect(d.perStepS).toBe(libraryRuntime('openai-whisper').decodeStep!.perStepS);
  });

  it('per row: the beam walk (31 ops) under beam search only, the timestamp rules (15 ops) greedy or beam', async () => {
    const { op } = costs();
    const rt = libraryRuntime('openai-whisper');
    expect(rt.hostPerSequenceS).toBeCloseTo(31 * op, 5);
    expect(rt.hostTimestampsPerSequenceS).toBeCloseTo(15 * op, 5);
    const hw = bindRuntime(await loadHardware('rtx-4090'), rt);
    const beams = (h: NormalizedHardware, beamSize: number): NormalizedHardware => ({ ...h, runtime: { ...h.runtime!, scheduler: { ...h.runtime!.scheduler, beamSize } } });
    const noWalk: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, hostPerSequenceS: 0 } };
    const dec = (h: NormalizedHardware) => simulate(request('whisper-small', h, { audioSeconds: 30, outputTokens: 101, batch: 1, dtype: 'fp16' })).decoder_s!;
    // greedy (GreedyDecoder): no beam walk at all
    expect(dec(beams(hw, 1))).toBeCloseTo(dec(beams(noWalk, 1)), 12);
    // beam 5: five rows walked after the prompt forward and each of the 100 steps
    expect(dec(beams(hw, 5)) - dec(beams(noWalk, 5))).toBeCloseTo(rt.hostPerSequenceS! * 5 * 101, 9);
  });

  it('beam search gathers each reordered cache from Python: 2 ops per cache, self K/V per layer (all four in 2023)', async () => {
    const { op } = costs();
    const rt = libraryRuntime('openai-whisper');
    expect(rt.hostBeamReorderPerCacheS).toBeCloseTo(2 * op, 6);
    const beams = (h: NormalizedHardware, beamSize: number): NormalizedHardware => ({ ...h, runtime: { ...h.runtime!, scheduler: { ...h.runtime!.scheduler, beamSize } } });
    const dec = (h: NormalizedHardware) => simulate(request('whisper-small', h, { audioSeconds: 30, outputTokens: 101, batch: 1, dtype: 'fp16' })).decoder_s!;
    for (const [id, perLayer] of [['openai-whisper', 2], ['openai-whisper-2023', 4]] as const) {
      const hw = bindRuntime(await loadHardware('rtx-4090'), libraryRuntime(id));
      const none: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, hostBeamReorderPerCacheS: 0 } };
      // 100 decode steps after the prompt, whisper-small's 12 decoder layers
      expect(dec(beams(hw, 5)) - dec(beams(none, 5))).toBeCloseTo(2 * op * perLayer * 12 * 100, 9);
      expect(dec(beams(hw, 1))).toBe(dec(beams(none, 1))); // greedy: nothing to reorder
    }
  });

  it("Hugging Face generate() keeps its measured Whisper layer (1.085 ms, 2.38 ms per step)", () => {
    for (const id of ['pytorch', 'transformers']) {
      const d = libraryRuntime(id).decodeStep!;
      expect(d.perLayerS).toBeCloseTo(1.085e-3, 6);
      expect(d.perStepS).toBeCloseTo(2.38e-3, 6);
    }
  });

  it('a host-bound greedy decode step of whisper-medium (24 layers) is per_step + one row + 24 layers', async () => {
    const hw: NormalizedHardware = bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('openai-whisper'));
    const d = hw.runtime!.decodeStep!;
    const host = d.perStepS + hw.runtime!.hostPerSequenceS! + 24 * d.perLayerS;
    expect(eagerStepSeconds(hw, { layers: 24, rows: 1, deviceS: 1e-4 })).toBeCloseTo(host, 9);
    // the simulated decode: host-bound steps, faster than under HF's measured layer
    const run = (h: NormalizedHardware) => simulate(request('whisper-medium', h, { audioSeconds: 30, outputTokens: 101, batch: 1, dtype: 'fp16' })).decoder_s!;
    const asHf: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, decodeStep: libraryRuntime('pytorch').decodeStep } };
    expect(run(hw)).toBeLessThan(run(asHf));
  });
});
