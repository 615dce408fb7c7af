// An engine step whose kernels the host launches one by one (vLLM V0's prompt, mixed and eager decode steps, SGLang's
// extend batches, a prefill under TensorRT-LLM or llama.cpp) is priced as the host's dispatch chain against the
// device's kernels: max(sum of dispatch, sum of kernel time), src/runtime/launch.ts asyncStepSeconds, as the eager
// decode loops (eagerStepSeconds) already were. Kernel launches are asynchronous and nothing in the forward reads the
// device, so a long GEMM hides the dispatch of the short ops after it: the step is not the sum of max(kernel,
// dispatch) per op.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { asyncStepSeconds, eagerStepSeconds, hostRunsAhead, launchFloorForOpS } from '../src/runtime/launch.js';
import { costPass } from '../src/sim/decoder.js';
import { opCost } from '../src/sim/roofline.js';
import type { GraphOp } from '../src/model/decoder-graph.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const v06 = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm-0.6'));

function op(name: string, kind: GraphOp['kind'], flops: number, bytes: number, count: number, weightBytes = 0): GraphOp {
  return { name, kind, flops, bytes, weightBytes, dtype: 'bf16', count, flopsPerCtx: 0, bytesPerCtx: 0 };
}

// the sums the two forms are made of: host dispatch and device time over every launch
function sums(ops: GraphOp[], hw: NormalizedHardware, phase: 'prefill' | 'decode') {
  let host = 0, device = 0, perOp = 0;
  for (const o of ops) {
    const c = opCost(o, hw, phase);
    host += c.floorS! * o.count;
    device += c.deviceS! * o.count;
    perOp += c.seconds * o.count;
  }
  return { host, device, perOp };
}

describe('asyncStepSeconds', () => {
  it('is the longer of the host chain and the device, plus the host work done while the device waits', () => {
    expect(asyncStepSeconds(3e-3, 5e-3)).toBe(5e-3);
    expect(asyncStepSeconds(6e-3, 5e-3)).toBe(6e-3);
    expect(asyncStepSeconds(6e-3, 5e-3, 1e-3)).toBe(7e-3);
  });
  it('every accelerator dispatches ahead; a CPU run as the device does not', () => {
    expect(hostRunsAhead(lib.hardware['h100-sxm']!)).toBe(true);
    expect(hostRunsAhead(lib.hardware['xeon-6980p']!)).toBe(false);
  });
});

describe('an eager engine step: max(host chain, device), not the sum of max(kernel, dispatch) per op', () => {
  // a prompt-heavy step: per layer one long GEMM (bf16, 4096 x 8192 x 8192: ~0.5 ms on an H100) and ten short
  // pointwise ops (tiny tensors: each kernel well under its 10.5 us dispatch)
  const gemmFlops = 2 * 4096 * 8192 * 8192;
  const prompt = [
    op('ffn_up', 'gemm', gemmFlops, 2 * (4096 * 8192 * 2 + 8192 * 8192), 32, 2 * 8192 * 8192),
    op('residual', 'elementwise', 1024, 8192, 320),
  ];
  it('a prompt-heavy step equals max(host, device) and is below the per-op sum', () => {
    expect(launchFloorForOpS(v06, 'prefill', 'elementwise', 1)).toBeGreaterThan(0);
    const s = sums(prompt, v06, 'prefill');
    const c = costPass(prompt, v06, 0, 0, 'prefill');
    // device-bound: the short ops' dispatch runs while the GEMMs execute
    expect(s.device).toBeGreaterThan(s.host);
    expect(c.seconds).toBeCloseTo(Math.max(s.host, s.device), 12);
    expect(c.seconds).toBeLessThan(s.perOp - 0.5 * 320 * 10e-6);
  });
  it('a host-bound batch-1 step, every kernel shorter than its dispatch, is unchanged: the host chain', () => {
    const tiny = [op('qkv', 'gemm', 2 * 64 * 64, 2 * 64 * 64, 32, 2 * 64 * 64), op('residual', 'elementwise', 64, 256, 64), op('attn_norm', 'norm', 64, 256, 64)];
    const s = sums(tiny, v06, 'prefill');
    const c = costPass(tiny, v06, 0, 0, 'prefill');
    expect(s.host).toBeGreaterThan(s.device);
    expect(s.perOp).toBeCloseTo(s.host, 12);
    expect(c.seconds).toBeCloseTo(s.host, 12);
  });
  it('a step with more dispatch than kernels reports the excess as host overhead, in a row of its own', () => {
    const tiny = [op('residual', 'elementwise', 64, 256, 100)];
    const c = costPass(tiny, v06, 0, 0, 'prefill', undefined, true);
    const row = c.rows!.find((r) => r.name === 'host_dispatch');
    expect(row).toBeDefined();
    expect(c.rows!.reduce((a, r) => a + r.seconds, 0)).toBeCloseTo(c.seconds, 12);
    expect(c.bound).toBe('overhead');
  });
  it('a captured decode step pays no dispatch: the same ops cost their kernels alone', () => {
    const s = sums(prompt, v06, 'decode');
    expect(s.host).toBe(0);
    expect(costPass(prompt, v06, 0, 0, 'decode').seconds).toBeCloseTo(s.device, 12);
  });
  it('a CPU run as the device keeps the per-op form (its cores run each op after dispatching it)', () => {
    const cpu = bindRuntime(lib.hardware['xeon-6980p']!, libraryRuntime('vllm-0.6'));
    const s = sums(prompt, cpu, 'prefill');
    expect(costPass(prompt, cpu, 0, 0, 'prefill').seconds).toBeCloseTo(s.perOp, 12);
  });
  it('the eager decode loops use the same rule', () => {
    const hf = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('transformers'));
    const d = hf.runtime!.decodeStep!;
    const t = eagerStepSeconds(hf, { layers: 32, rows: 1, deviceS: 1e-3, arch: 'llama' })!;
    const perLayer = (d.byLayer?.llama ?? d).perLayerS;
    const perStep = (d.byLayer?.llama ?? d).perStepS;
    const rows = hf.runtime!.hostPerSequenceS ?? 0;
    expect(t).toBeCloseTo(d.sync === 'step' ? asyncStepSeconds(32 * perLayer, 1e-3, perStep + rows) : asyncStepSeconds(perStep + rows + 32 * perLayer, 1e-3), 12);
  });
});
