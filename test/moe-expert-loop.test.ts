// A MoE block that loops over its experts in Python in an eager forward (runtime host.moe_expert_loop;
// src/sim/moe-expert-loop.ts): transformers 4.36-4.52's MixtralSparseMoeBlock runs `for expert_idx in
// range(self.num_experts)`, every expert's loop body (3 nn.Linear + 7 tensor ops, 166 µs of host) in every forward,
// so a Mixtral decode step under transformers-4.46 pays 32 layers × 8 experts × 166 µs on top of the layers' own host
// time; transformers 5.x (grouped_mm) pays none.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { expertLoopHostS } from '../src/sim/moe-expert-loop.js';
import type { DecoderModel, NormalizedHardware, NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const mixtral = lib.models['mixtral-8x7b']! as DecoderModel;
const qwen3 = lib.models['qwen3-30b-a3b']! as DecoderModel;
const llama = lib.models['llama-3.1-8b']! as DecoderModel;
const t446 = libraryRuntime('transformers-4.46');
const withLoop = (loop: NormalizedRuntime['hostExpertLoop']): Pick<NormalizedHardware, 'runtime'> => ({ runtime: { ...t446, hostExpertLoop: loop } as NormalizedHardware['runtime'] });

describe('MoE expert loop on the host (transformers 4.x sparse MoE blocks)', () => {
  it('transformers 4.46 loops over every expert at 3 nn.Linear + 7 tensor ops each; 5.x and plain PyTorch do not loop', () => {
    const pt = libraryRuntime('pytorch');
    const linear = pt.launch.perKernelByKindS!.gemm!;
    const op = pt.launch.perKernelS;
    expect(t446.hostExpertLoop!.experts).toBe('all');
    expect(t446.hostExpertLoop!.perExpertS).toBeCloseTo(3 * linear + 7 * op, 6);
    expect(libraryRuntime('transformers').hostExpertLoop).toBeUndefined();
    expect(pt.hostExpertLoop).toBeUndefined();
  });

  it('transformers 4.51 (Qwen3-MoE before PR #38133) loops over all 128 experts at the same body as Mixtral', () => {
    const t451 = libraryRuntime('transformers-4.51');
    expect(t451.hostExpertLoop).toEqual(t446.hostExpertLoop);
    // a Qwen3-30B-A3B decode step on one H20: the loop's 48 layers x 128 experts over the qk-norm layers' own host time
    const h20 = bindRuntime(lib.hardware['h20']!, t451);
    const own = t451.decodeStep!.byLayer!.llama_qk_norm!;
    const tpot = simulate(buildRequest({ batch: 1, input_tokens: 1, output_tokens: 64, dtype: 'bf16' }, qwen3, h20, libraryModel)).tpot_s!;
    expect(tpot).toBeCloseTo(own.perStepS + 48 * own.perLayerS + 48 * 128 * t451.hostExpertLoop!.perExpertS, 6);
  });

  it("'all' runs every expert whatever the tokens, 'hit' the experts some token picked", () => {
    const all = withLoop({ perExpertS: 100e-6, experts: 'all' });
    const hit = withLoop({ perExpertS: 100e-6, experts: 'hit' });
    expect(expertLoopHostS(all, mixtral, 1)).toBeCloseTo(32 * 8 * 100e-6, 12);
    expect(expertLoopHostS(all, mixtral, 4096)).toBeCloseTo(32 * 8 * 100e-6, 12);
    expect(expertLoopHostS(hit, mixtral, 1)).toBeCloseTo(32 * 2 * 100e-6, 12); // top-2 of 8 at one token
    expect(expertLoopHostS(hit, qwen3, 1)).toBeCloseTo(48 * 8 * 100e-6, 12); // top-8 of 128
    expect(expertLoopHostS(hit, qwen3, 8192)).toBeCloseTo(48 * 128 * 100e-6, 9); // every expert at a long prompt
    expect(expertLoopHostS(all, mixtral, 1, 2)).toBeCloseTo(16 * 8 * 100e-6, 12); // one of two pipeline stages
    expect(expertLoopHostS(all, llama, 1)).toBe(0); // dense
    expect(expertLoopHostS(all, mixtral, 0)).toBe(0); // no tokens
    expect(expertLoopHostS({ runtime: libraryRuntime('transformers') as NormalizedHardware['runtime'] }, mixtral, 1)).toBe(0);
  });

  it('a host-bound Mixtral decode step under transformers-4.46 lasts the loop longer than the same runtime without it', () => {
    const h100 = lib.hardware['h100-sxm']!;
    const none: NormalizedRuntime = { ...t446, hostExpertLoop: undefined };
    const tpot = (rt: NormalizedRuntime, batch: number) =>
      simulate(buildRequest({ batch, input_tokens: 128, output_tokens: 128, dtype: 'bf16', tp: 2 }, mixtral, bindRuntime(h100, rt), libraryModel)).tpot_s!;
    // the step is the host's: the loop's per-step work, the Llama-style layers' dispatch and 8 experts × 32 layers,
    // whatever the batch ('all': the experts run whether or not a row picked them)
    const own = t446.decodeStep!.byLayer!.llama!;
    const loopS = 32 * 8 * t446.hostExpertLoop!.perExpertS;
    for (const batch of [1, 16]) {
      expect(tpot(t446, batch)).toBeCloseTo(own.perStepS + 32 * own.perLayerS + loopS, 6);
      expect(tpot(none, batch)).toBeLessThan(tpot(t446, batch) - 0.75 * loopS); // without it the device's time binds
    }
    // a dense model's step is unchanged
    const dense = (rt: NormalizedRuntime) =>
      simulate(buildRequest({ batch: 1, input_tokens: 128, output_tokens: 128, dtype: 'bf16' }, llama, bindRuntime(h100, rt), libraryModel)).tpot_s!;
    expect(dense(t446)).toBeCloseTo(dense(none), 12);
  });
});
