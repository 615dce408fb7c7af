// vLLM-Ascend v0.18.0 (runtimes/vllm-ascend-0.18.yaml): the plugin no longer forces chunked prefill off nor its own
// prefill-first scheduler for non-MLA models (vllm_ascend/platform.py @v0.18.0 check_and_update_config; vllm_ascend/core
// holds only the opt-in recompute and dynamic-batch schedulers), so prompts are chunked beside running decodes as in
// vLLM V1; its default graph mode is still PIECEWISE with the attention op launched eagerly (FULL_AND_PIECEWISE mapped
// to PIECEWISE), the mode issue #9404 profiled on 0.18.0rc1.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorForOpS } from '../src/runtime/launch.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { mixesSteps } from '../src/sim/mixed-decode-tiles.js';

const npu = getLibrary().hardware['ascend-910b']!;
const v091 = bindRuntime(npu, libraryRuntime('vllm-ascend'));
const v018 = bindRuntime(npu, libraryRuntime('vllm-ascend-0.18'));

describe('vllm-ascend-0.18', () => {
  it('chunks prompts beside decodes (vLLM V1 scheduler), where v0.9.1 runs them in steps of their own', () => {
    expect(v018.runtime!.scheduler.chunkedPrefill).toBe(true);
    expect(mixesSteps(v018)).toBe(true);
    expect(serveRuntime(v018, undefined).mixedBatches).toBe(true);
    expect(mixesSteps(v091)).toBe(false);
    expect(serveRuntime(v091, undefined).mixedBatches).toBe(false);
  });
  it('keeps the piecewise ACL graphs and the 832 us attention split point traced on 0.18.0rc1', () => {
    expect(v018.runtime!.launch.graphs).toBe('piecewise');
    expect(launchFloorForOpS(v018, 'decode', 'attention', 1)).toBeCloseTo(832e-6, 9);
    expect(launchFloorForOpS(v018, 'decode', 'gemm', 1)).toBe(0);
  });
  it('schedules asynchronously (vLLM\'s default from v0.14, kept by the plugin at v0.18.0); v0.9.1 did not', () => {
    expect(v018.runtime!.scheduler.overlapSchedule).toBe(true);
    expect(v091.runtime!.scheduler.overlapSchedule ?? false).toBe(false);
  });
  it('holds vLLM V1 request and token caps on a 64 GB part (256 / 2048)', () => {
    expect(v018.runtime!.scheduler.maxNumSeqs).toBe(256);
    expect(v018.runtime!.scheduler.maxNumBatchedTokens).toBe(2048);
  });
});
