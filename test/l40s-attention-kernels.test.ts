// vLLM's and SGLang's attention on an L40S as aiconfigurator's collector timed it (ai-dynamo/aiconfigurator @095f58a5
// systems/data/l40s/attention/{vllm/0.14.0, sglang/0.5.9}; runtimes/vllm.yaml and sglang.yaml by_hardware l40s;
// bench/aiconfigurator/attention-tables.py --vllm / --sglang DATA l40s). Measured context cells, Llama-3.1-8B's heads
// (32 query / 8 KV, head dim 128), batch 2, bf16 cache: 2 x 1024 tokens vLLM 139.3 us / SGLang 123.7 us, 2 x 2048
// 445.7 / 375.7 us, 2 x 8192 6688.5 / 5344.6 us.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { opCost } from '../src/sim/roofline.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const llama = lib.models['llama-3.1-8b'] as DecoderModel;
const L = buildLayout(llama, 1, 1, undefined, undefined);
const prefill = (len: number) => buildDecoderPass(llama, L, resolvePrecision('bf16'), { prefillSeqs: 2, prefillLen: len, decodeSeqs: 0 }).find((x) => x.name === 'attention_prefill')!;
const MEASURED: Record<string, [number, number][]> = {
  vllm: [[1024, 139.3], [2048, 445.7], [8192, 6688.5]],
  sglang: [[1024, 123.7], [2048, 375.7], [8192, 5344.6]],
};

describe('L40S prompt and decode attention under vLLM and SGLang (aiconfigurator l40s tables)', () => {
  for (const rt of ['vllm', 'sglang']) {
    it(`${rt}: a batch-2 Llama-3.1-8B prompt attention prices within 15% of the measured call, slower than the 0.6 default`, () => {
      const hw = bindRuntime(lib.hardware.l40s!, libraryRuntime(rt)!);
      const ideal = bindRuntime(lib.hardware.l40s!, libraryRuntime('ideal')!);
      for (const [len, us] of MEASURED[rt]!) {
        const s = opCost(prefill(len), hw).seconds * 1e6;
        expect(s / us, `${rt} ${len}`).toBeGreaterThan(0.85);
        expect(s / us, `${rt} ${len}`).toBeLessThan(1.15);
        expect(s, `${rt} ${len}`).toBeGreaterThan(opCost(prefill(len), ideal).seconds * 1e6);
      }
    });
  }
  it('carries a 16-bit decode fit only (the fp8-cache rows are not the kernel priced on Ada)', () => {
    for (const rt of ['vllm', 'sglang']) {
      const k = bindRuntime(lib.hardware.l40s!, libraryRuntime(rt)!).runtime!.kernels;
      expect(Object.keys(k.decodeAttention!)).toEqual(['kv16']);
      expect(k.prefillAttention!.fp8).toBeUndefined();
    }
  });
});
