// The AMD custom all-reduce tables (runtimes/vllm.yaml and sglang.yaml by_vendor amd) are MI300X / MI355X
// measurements, not CDNA2 evidence: on an MI210 / MI250X the collective library prices every size (by_architecture
// cdna2: custom_allreduce false). Property seed 87 at scale 10 drew the table's 16 MiB edge on 2x MI210: 356 us per call
// below it, the library's ~615 us above, and qwen3-14b under sglang-0.4 served 3.2% fewer tokens/s at batch 632 than 256.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';

const lib = getLibrary();
const under = (hw: string, rt: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));

describe('custom all-reduce on cdna2', () => {
  it('vLLM and SGLang on an MI210 / MI250X price no table of their own; on an MI300X they keep it', () => {
    for (const rt of ['vllm', 'sglang', 'sglang-0.4']) {
      expect(customAllreduceSeconds(under('mi210', rt), 1048576, 2)).toBeUndefined();
      expect(customAllreduceSeconds(under('mi250x', rt), 1048576, 2)).toBeUndefined();
      expect(customAllreduceSeconds(under('mi300x', rt), 1048576, 2)).toBeCloseTo(28.15e-6, 12);
    }
  });
  it('seed 87: qwen3-14b fp4 on 2x MI210 under sglang-0.4 serves no fewer tokens/s at batch 632 than at 256', () => {
    const run = (batch: number) => simulate(buildRequest({ model: 'qwen3-14b', hardware: 'mi210', runtime: 'sglang-0.4', tp: 2, batch, 'input-tokens': 185, 'output-tokens': 73, dtype: 'fp4' }, libraryModel('qwen3-14b'), under('mi210', 'sglang-0.4'), libraryModel));
    expect(run(632).throughput_tok_s!).toBeGreaterThanOrEqual(run(256).throughput_tok_s!);
  });
});
