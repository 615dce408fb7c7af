// gpt-fast's Transformer run eager (runtimes/gpt-fast.yaml host.decode_step): its decode step's host time is counted from
// the model code (pytorch-labs/gpt-fast model.py TransformerBlock, Attention, KVCache.update, FeedForward, RMSNorm,
// apply_rotary_emb; generate.py sample, decode_n_tokens) and priced at PyTorch's measured per-op host costs
// (runtimes/pytorch.yaml launch: a tensor op 10.5 µs, an nn.Linear module call 30.8 µs). The loop reads nothing from the
// device (multinomial_sample_one_no_sync), so the host runs ahead: max(host, kernels), not host + kernels.
import { describe, expect, it } from 'vitest';
import { bindRuntime } from '../src/runtime/resolve.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { eagerStepSeconds } from '../src/runtime/launch.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

function costs() {
  const l = libraryRuntime('pytorch').launch!;
  return { op: l.perKernelS!, linear: l.perKernelByKindS!.gemm! };
}

/** one TransformerBlock decode step (one new token, bf16), counted from gpt-fast model.py */
function layer(): { kernels: number; seconds: number } {
  const rmsnorm = 8; // x.float(), x * x, mean, + eps, rsqrt, x * (…), .type_as, * weight
  const rope = 9; // x.float(), 4 products, sub, add, stack, .type_as
  const kvUpdate = 1; // index_put_ per cache
  const repeatInterleave = 1; // expand + clone of the static cache per tensor
  const sdpaMath = 9; // mask → additive (zeros_like, logical_not, masked_fill_), q·s, kᵀ·s, matmul, add_, softmax, matmul
  const pointwise = 4; // two residual adds, silu, the product
  const ops = 2 * rmsnorm + 2 * rope + 2 * kvUpdate + 2 * repeatInterleave + sdpaMath + pointwise;
  const { op, linear } = costs();
  return { kernels: ops + 5, seconds: ops * op + 5 * linear }; // wqkv, wo, w1, w3, w2
}

const lib = getLibrary();

describe('gpt-fast eager decode: host time counted from its model code', () => {
  it('per layer: 51 tensor-op kernels and 5 nn.Linear calls at the measured per-op costs (0.69 ms, 56 kernels)', () => {
    const d = libraryRuntime('gpt-fast').decodeStep!;
    const { kernels, seconds } = layer();
    expect(kernels).toBe(56);
    expect(d.perLayerS).toBeCloseTo(seconds, 5);
    expect(d.byLayer!.llama!.perLayerS).toBe(d.perLayerS);
    // a q/k-norm layer: two more written-out RMSNorms
    expect(d.byLayer!.llama_qk_norm!.perLayerS).toBeCloseTo(seconds + 16 * costs().op, 5);
  });

  it('per step: the model top, sample() and the loop: 23 tensor ops and the output Linear (0.27 ms)', () => {
    const { op, linear } = costs();
    const top = 2 + 1 + 8; // mask and freqs_cis index ops, embedding, final RMSNorm
    const sample = 9; // / temperature, topk, <, where, softmax, exponential_, / q, argmax, .to(int)
    const loop = 3; // two clones, input_pos += 1
    expect(libraryRuntime('gpt-fast').decodeStep!.perStepS).toBeCloseTo((top + sample + loop) * op + linear, 5);
  });

  it("costs the host more per layer than Hugging Face's measured LlamaDecoderLayer (rotary, math SDPA, cache copies)", () => {
    const gf = libraryRuntime('gpt-fast').decodeStep!.byLayer!.llama!;
    const hf = libraryRuntime('pytorch').decodeStep!.byLayer!.llama!;
    expect(gf.perLayerS).toBeGreaterThan(1.3 * hf.perLayerS);
  });

  it('no device read in the loop: a host-bound step is max(host, kernels), a device-bound one its kernels alone', async () => {
    const hw = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('gpt-fast'));
    const d = hw.runtime!.decodeStep!;
    expect(d.sync).toBe('none');
    const host = d.perStepS + 32 * d.perLayerS;
    expect(eagerStepSeconds(hw, { layers: 32, rows: 1, deviceS: 5e-3, arch: 'llama' })).toBeCloseTo(host, 12);
    expect(eagerStepSeconds(hw, { layers: 32, rows: 1, deviceS: 0.05, arch: 'llama' })).toBeCloseTo(0.05, 12);
  });

  it('Llama-2-7B at batch 1 on an A100 is host-bound: the decode step is the counted host time, slower than under HF layer times', () => {
    const m = lib.models['llama-2-7b']! as DecoderModel;
    const step = (rt: string) => {
      const hw: NormalizedHardware = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime(rt));
      const run = (n: number) => simulate(buildRequest({ batch: 1, input_tokens: 6, output_tokens: n, dtype: 'bf16' }, m, hw, libraryModel)).latency_s!;
      return (run(200) - run(100)) / 100;
    };
    const d = libraryRuntime('gpt-fast').decodeStep!;
    expect(step('gpt-fast')).toBeCloseTo(d.perStepS + 32 * d.perLayerS, 4);
    expect(step('gpt-fast')).toBeGreaterThan(step('pytorch'));
  });
});
