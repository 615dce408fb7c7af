// MMDiT denoisers (SD3.5 Large, FLUX.1-dev): the op graph does the work the closed-form MAC count says, joint
// attention spans image + text tokens, and guidance-distilled models run one sample per step by default.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDitGraph } from '../src/model/dit-graph.js';
import { ditForwardMacs } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import type { DitModel } from '../src/spec/types.js';

const lib = getLibrary();
const prec = { compute: 'bf16', weightBytes: 2, actBytes: 2 } as const;

describe('mmdit graph', () => {
  for (const id of ['flux.1-dev-transformer', 'sd-3.5-large-mmdit']) {
    it(`${id}: GEMM + attention FLOPs of the graph = 2 × the closed-form MACs at 1024 px (within 0.5%)`, () => {
      const m = lib.models[id] as DitModel;
      const ops = buildDitGraph(m, { batch: 1, height: 1024, width: 1024, frames: 1 }, prec as never, true);
      const f = ops.filter((o) => o.kind === 'gemm' || o.kind === 'attention' || o.kind === 'conv').reduce((s, o) => s + o.flops * o.count, 0);
      expect(f / (2 * ditForwardMacs(m, { height: 1024 }))).toBeCloseTo(1, 2);
    });
  }

  it('joint attention is over image + text tokens: 4096 + 512 for Flux at 1024 px', () => {
    const m = lib.models['flux.1-dev-transformer'] as DitModel;
    const a = buildDitGraph(m, { batch: 1, height: 1024, width: 1024, frames: 1 }, prec as never, true).find((o) => o.name === 'joint.attn')!;
    const J = 4096 + 512;
    expect(a.flops).toBe(4 * J * J * 3072); // QKᵀ and AV: 2 · 2 · J² · d
    expect(a.count).toBe(19);
  });

  it('FLUX.1-dev runs one sample per step unless --cfg; SD 3.5 two', () => {
    const run = (model: string, extra: Record<string, unknown> = {}) =>
      simulate(buildRequest({ model, hardware: 'h100-sxm', dtype: 'bf16', steps: 10, ...extra }, lib.models[model]!, lib.hardware['h100-sxm']!, (x) => lib.models[x]!));
    const flux = run('flux.1-dev-transformer');
    const fluxCfg = run('flux.1-dev-transformer', { cfg: true });
    expect(fluxCfg.step_s! / flux.step_s!).toBeGreaterThan(1.5);
    const pipe = run('flux.1-dev');
    expect(pipe.step_s).toBeCloseTo(flux.step_s!, 12);
    expect(run('sd-3.5-large').latency_s).toBeGreaterThan(0);
  });
});
