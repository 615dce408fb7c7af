// Blackwell fused attention from the parts' own cuDNN SDPA timings (NVIDIA/cudnn-frontend benchmark/
// sdpa_benchmark_training artifacts: Llama-3.1-405B heads, causal, bf16): forward at 16k as the long-sequence rate
// (efficiency.attention) and a backward that runs at a lower share of the forward's rate than Hopper's 0.82
// (efficiency.attention_backward): hardware/nvidia/b200.yaml, gb200.yaml, gb300.yaml.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary } from '../src/spec/library.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { FLASH_BWD_RATE, flashBackwardRate, layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import type { DecoderModel } from '../src/spec/types.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const s = decoderShape(libraryModel('llama-3.1-8b') as DecoderModel);
const plan = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 8, microBatch: 1 };
const attn = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' }).filter((o) => o.kind === 'attention');

describe('Blackwell fused attention (cuDNN SDPA tables)', () => {
  it('states the 16k causal forward as a fraction of the bf16 peak: B200 1332/2250, GB200 1668/2500, GB300 1702/2500', () => {
    expect(hw('b200').efficiency.attention).toBeCloseTo(1332 / 2250, 3);
    expect(hw('gb200').efficiency.attention).toBeCloseTo(1668 / 2500, 3);
    expect(hw('gb300').efficiency.attention).toBeCloseTo(1702 / 2500, 3);
    // the Blackwell Ultra SXM board is the GB300's die: it inherits the GB300 kernel figures
    expect(hw('b300-sxm').efficiency.attention).toBe(hw('gb300').efficiency.attention);
    // fp8 attention is not what these bf16 kernels time: it keeps the 0.6 of the fp8 peak it had
    for (const id of ['b200', 'gb200', 'gb300']) expect(hw(id).efficiency.attentionByDtype?.fp8).toBe(0.6);
  });
  it('prices the backward at the measured backward/forward ratio (4k and 8k), Hopper 0.82, parts without a timing FLASH_BWD_RATE', () => {
    expect(flashBackwardRate(hw('b200'))).toBeCloseTo(0.81, 3);
    expect(flashBackwardRate(hw('gb200'))).toBeCloseTo(0.76, 3);
    expect(flashBackwardRate(hw('gb300'))).toBeCloseTo(0.77, 3);
    expect(flashBackwardRate(hw('h100-sxm'))).toBeCloseTo(0.82, 3);
    expect(flashBackwardRate(hw('a100-sxm4-80gb'))).toBe(FLASH_BWD_RATE);
    for (const id of ['b200', 'gb200', 'gb300', 'h100-sxm']) {
      const c = passCost(attn, hw(id), 'none');
      expect(c.bwdS / c.fwdS).toBeCloseTo(2.5 / flashBackwardRate(hw(id)), 9);
    }
  });
  it('a GB200 attention backward costs more per forward second than an H100 one', () => {
    const ratio = (id: string) => {
      const c = passCost(attn, hw(id), 'none');
      return c.bwdS / c.fwdS;
    };
    expect(ratio('gb200')).toBeGreaterThan(ratio('h100-sxm') * 1.05); // 0.82 / 0.76
  });
  it('validates attention_backward as a fraction, with file, line and field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'attn-bwd-')), 'bad.yaml');
    writeFileSync(file, 'id: gpu\nname: GPU\ncompute:\n  matrix: {bf16: 100 TFLOP/s}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\nefficiency:\n  attention_backward: 1.7\nsources: [test]\n');
    const p = (await loadSpecFile(file)).errors.map(formatIssue);
    expect(p[0]).toMatch(/bad\.yaml:\d+:\d+ {2}efficiency\.attention_backward {2}efficiency must be a fraction from 0\.000001 to 1/);
  });
});
