// torch.autocast over an fp32 model (runtimes/pytorch-amp.yaml, src/sim/runtime-ops.ts): the residual stream and the
// LayerNorms stay fp32 and each Linear fed by a LayerNorm casts its input down in a kernel of its own.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { buildEncoderGraph } from '../src/model/encoder-graph.js';
import type { EncoderModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const p = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

describe('autocast (fp32 residual stream, fp32 LayerNorm, cast before the Linear)', () => {
  it('a LayerNorm moves 14 bytes per element in 2 kernels, a residual add 10, everything else as the graph has it', async () => {
    const hw = bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('pytorch-amp'));
    expect(hw.runtime!.kernels.autocast).toBe(true);
    const m = libraryModel('vit-b-16') as EncoderModel;
    const ops = buildEncoderGraph(m, { batch: 8 }, p, true);
    const amp = runtimeOps(ops, hw, 2);
    const plain = runtimeOps(ops, bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('pytorch')), 2);
    const find = (list: typeof ops, name: string) => list.find((o) => o.name === name)!;
    const norm = find(ops, 'layer.norm1');
    expect(find(amp, 'layer.norm1').bytes).toBeCloseTo((norm.bytes / 4) * 14, 3);
    expect(find(amp, 'layer.norm1').kernels).toBe((norm.kernels ?? 1) + 1);
    const res = find(ops, 'layer.residual2');
    expect(find(amp, 'layer.residual2').bytes).toBeCloseTo((res.bytes / 6) * 10, 3);
    for (const name of ['layer.qkv', 'layer.attn', 'layer.up', 'layer.act', 'layer.down'])
      expect(find(amp, name).bytes).toBeCloseTo(find(plain, name).bytes, 6);
  });

  it('an AMP ViT-B/16 batch on an RTX 4090 takes longer than the same batch in pure fp16, by its fp32 stream traffic', async () => {
    const run = async (rt: string) =>
      simulate(request('vit-b-16', bindRuntime(await loadHardware('rtx-4090'), libraryRuntime(rt)), { batch: 1024, dtype: 'fp16' })).latency_s!;
    const [amp, half] = [await run('pytorch-amp'), await run('pytorch')];
    // 28 more bytes per element of the [1024, 197, 768] stream per block (norms +10 each, residuals +4 each), 12 blocks:
    // ~52 GB at the 4090's ~0.9 TB/s ≈ 55-60 ms on a ~315 ms batch
    expect(amp - half).toBeGreaterThan(0.04);
    expect(amp - half).toBeLessThan(0.08);
  });
});
