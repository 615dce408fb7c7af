// Transformer Engine userbuffers (the nemo runtime's TP communication overlap) run the forward reduce-scatters after
// proj and fc2 as a pipeline of 4 GEMM chunks whose last reduce-scatter chunk follows the last GEMM with the main
// stream waiting (TransformerEngine comm_gemm_overlap.cpp split_overlap_rs; base.py initialize_ub defaults): 2 of a
// layer's 8 TP collectives expose 1/4 each, so nemo's overlap.tp_comm is 15/16 (runtimes/nemo.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';

describe('nemo TP overlap: the last pipelined reduce-scatter chunk stays exposed', () => {
  it('tp_comm is 15/16; a TP-8 step pays 1/16 of its TP time plus the slowdown beside the hidden rest', () => {
    expect(libraryRuntime('nemo').overlap?.tpComm).toBeCloseTo(15 / 16, 12);
    expect(libraryRuntime('megatron').overlap?.tpComm).toBe(0);
    const hw = getLibrary().hardware['h100-sxm']!;
    const o = { devices: 64, tp: 8, pp: 8, interleave: 4, seqLen: 8192, globalBatch: 64, microBatch: 1, dtype: 'fp8' as const };
    const m = libraryModel('llama-3.1-70b');
    // megatron prices the TP collectives exposed (tp_comm 0): its tp_comm_s is the whole TP time
    const all = simulateTraining(buildTrainRequest(m, bindRuntime(hw, libraryRuntime('megatron')), o)).breakdown.tp_comm_s;
    const nemo = simulateTraining(buildTrainRequest(m, bindRuntime(hw, libraryRuntime('nemo')), o)).breakdown.tp_comm_s;
    expect(all).toBeGreaterThan(0);
    expect(nemo / all).toBeCloseTo(1 / 16 + (OVERLAP_SLOWDOWN * 15) / 16, 9);
  });
});
