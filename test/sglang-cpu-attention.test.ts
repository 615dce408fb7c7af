// SGLang's CPU attention on the Xeon 6980P reaches the fraction of the AMX bf16 peak its author timed on a Xeon 6
// (sgl-project/sglang PR #15708: flash_attn_varlen_func, one sequence of 8160 x 6 heads of 72, 115.06 GFLOP in 19.787 ms on
// 40 cores of a 6979P at 2.1 GHz; mingfeima/sgl-cpu-tests @b5e2d40),
// not the class default taken from GPU FlashAttention (runtimes/sglang.yaml by_architecture granite-rapids: every Xeon 6
// P-core spec, the socket and its SNC3 sub-NUMA node alike).
import { describe, expect, it } from 'vitest';
import { bound } from './helpers/bound.js';

describe('SGLang CPU attention efficiency on the Xeon 6980P', () => {
  it('is the measured flash-attention rate per core and clock over the 1,024 bf16 FLOP of AMX', () => {
    const flop = 6 * 4 * 8160 * 8160 * 72; // H x (QK + PV) x T^2 x head dim, one sequence
    const perCoreClock = flop / 19.787e-3 / (40 * 2.1e9);
    for (const rt of ['sglang', 'sglang-cpu-2025']) {
      expect(bound('xeon-6980p', rt).efficiency.attention).toBeCloseTo(perCoreClock / 1024, 3);
    }
  });
  it('the mid-2025 build keeps its VNNI int8 linears beside it; other runtimes and parts keep their own attention', () => {
    expect(bound('xeon-6980p', 'sglang-cpu-2025').runtime!.kernels.int8Gemm).toBe('vector');
    expect(bound('xeon-6980p', 'llama.cpp').efficiency.attention).toBeGreaterThan(0.5);
    expect(bound('h100-sxm', 'sglang').efficiency.attention).toBeGreaterThan(0.5);
  });
  it('one SNC3 sub-NUMA node of the socket runs the same SGLang CPU kernels (same cores: by architecture, not by id)', () => {
    for (const rt of ['sglang', 'sglang-cpu-2025']) {
      expect(bound('xeon-6980p-snc3-node', rt).efficiency.attention).toBe(bound('xeon-6980p', rt).efficiency.attention);
    }
    expect(bound('xeon-6980p-snc3-node', 'sglang-cpu-2025').runtime!.kernels.int8Gemm).toBe('vector');
  });
});
