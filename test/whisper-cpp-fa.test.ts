// whisper.cpp with flash attention (runtimes/whisper.cpp-fa.yaml: the -fa flag, the default from v1.8.0, PR #3441):
// the same ggml graph as `whisper.cpp` (f32 activations, separate bias adds, cuBLAS f16 conversions on CUDA) with the
// encoder's attention as ggml_flash_attn_ext, so the [heads, 1500, 1500] scores never cross memory.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

describe('whisper.cpp-fa: the encoder attention on chip', () => {
  it('keeps the ggml graph but moves no score bytes, in 3 kernels per attention', async () => {
    const v100 = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp-fa'));
    expect(v100.runtime!.kernels.attentionScores).toEqual({ bytesPerScore: 0, kernels: 3, liveBytesPerScore: 0, decodeKernels: 4 });
    expect(v100.runtime!.kernels.gemmConvert).toBe(true);
    expect(v100.runtime!.kernels.activationBytes).toBe(4);
    expect(v100.runtime!.scheduler.audioWindows).toBe('sequential');
    const m2 = bindRuntime(await loadHardware('apple-m2-ultra'), libraryRuntime('whisper.cpp-fa'));
    expect(m2.runtime!.kernels.attentionScores).toEqual({ bytesPerScore: 0, kernels: 3, liveBytesPerScore: 0, decodeKernels: 4 });
  });
  it('is faster than the written-out scores on every part, by more where the scores dominate', async () => {
    for (const id of ['v100-sxm2', 'rtx-5090', 'dgx-spark', 'apple-m2-ultra']) {
      const hw = await loadHardware(id);
      const run = (rt: string, model: string) =>
        simulate({ ...request(model, bindRuntime(hw, libraryRuntime(rt)), { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }), verbose: true });
      const fa = run('whisper.cpp-fa', 'whisper-medium');
      const nofa = run('whisper.cpp', 'whisper-medium');
      expect(fa.encoder_s!).toBeLessThan(0.85 * nofa.encoder_s!);
      // 16 heads × 1500² scores × 24-28 B per layer are gone: the attention op is back to Q, K, V and O
      const a = fa.ops!.find((o) => o.name === 'enc.attn')!;
      expect(a.bytes).toBeLessThan(16 * 1500 * 1500 * 4);
      // no score tensor held in memory: the largest kernel's inputs and outputs, under the f32 scores of one layer
      expect(fa.memory.activations_bytes).toBeLessThan(16 * 1500 * 1500 * 4);
    }
  });
});
