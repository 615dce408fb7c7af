// Fused prefill attention on the Ascend 910B (hardware/huawei/ascend-910b.yaml efficiency.attention): torch_npu's fused
// attention at 32K on a 910B2, 150.78 TFLOP/s = 42.60 % of that part's peak (hw-native-sys/pto-isa
// kernels/manual/common/flash_atten/README.md, PR #105), in place of the 0.6 FlashAttention-3 class default.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { request } from './helpers/nondecoder-fixtures.js';

const npu = getLibrary().hardware['ascend-910b']!;
const withAttention = (hw: NormalizedHardware, a: number): NormalizedHardware => ({ ...hw, efficiency: { ...hw.efficiency, attention: a } });

describe('ascend-910b fused prefill attention', () => {
  it('is the measured 32K torch_npu rate, rounded', () => {
    expect(npu.efficiency.attention).toBeCloseTo(150.78 / 354, 2);
  });
  it('prices a 32K prompt\'s compute-bound attention ops at that rate: slower than the class default by 0.6 / 0.43', () => {
    const run = (hw: NormalizedHardware) => simulate({ ...request('qwen3-8b', hw, { batch: 1, inputTokens: 32000, outputTokens: 1, dtype: 'bf16' }), verbose: true });
    const attn = (r: ReturnType<typeof simulate>) => (r.ops ?? []).filter((o) => o.phase === 'prefill' && o.kind === 'attention').reduce((s, o) => s + o.seconds, 0);
    const ours = run(npu);
    const dflt = run(withAttention(npu, 0.6));
    expect(attn(ours)).toBeGreaterThan(0);
    expect(attn(ours) / attn(dflt)).toBeCloseTo(0.6 / npu.efficiency.attention, 1);
    expect(ours.ttft_s!).toBeGreaterThan(dflt.ttft_s!);
  });
});
