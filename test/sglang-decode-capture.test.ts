// SGLang's own decode-graph capture (runtime launch.decode_capture, src/sim/graph-padding.ts): cuda_graph_bs up to
// cuda_graph_max_bs, which SGLang sets by the device's memory and tp (server_args.py _handle_gpu_memory_settings,
// PRs #10372 / #10975; 160 in the early-2025 releases). serve's decode iterations pad to the next captured size and run
// eagerly above the largest (CudaGraphRunner.can_run), each kernel at the host's dispatch floor; simulate's steady
// batch takes neither (its throughput stays monotone in the batch).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { capturedSizes, decodeRunsEager, paddedDecodeSeqs } from '../src/sim/graph-padding.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { applySet } from '../src/hardware/set-path.js';
import { loadSpecFile } from '../src/spec/load.js';
import { expectOneLineSpecErrors } from './helpers/spec-issues.js';
import type { DecoderModel, NormalizedHardware, NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const bound = (hw: string, rt = 'sglang') => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const largest = (hw: string, tp: number, rt = 'sglang') => capturedSizes(bound(hw, rt), tp, true)!.at(-1);

function coster(hw: NormalizedHardware, model = 'llama-3.1-8b', tp = 1) {
  const m = lib.models[model] as DecoderModel;
  return new StepCoster(m, hw, buildLayout(m, tp, 1, undefined, undefined), resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels));
}

describe("SGLang's decode-graph capture", () => {
  it('captures up to cuda_graph_max_bs by device memory and tp (0.5.x tiers; 160 in early 2025)', () => {
    expect(largest('rtx-4080', 1)).toBe(8); // 16 GB
    expect(largest('rtx-4090', 1)).toBe(24); // 24 GB
    expect(largest('rtx-4090', 4)).toBe(80);
    expect(largest('a100-sxm4-40gb', 1)).toBe(32);
    expect(largest('a100-sxm4-40gb', 4)).toBe(160);
    expect(largest('h100-sxm', 1)).toBe(256);
    expect(largest('h100-sxm', 8)).toBe(512);
    expect(largest('h200-sxm', 2)).toBe(256);
    expect(largest('b200', 1)).toBe(512);
    expect(largest('mi300x', 8)).toBe(512); // HIP graphs, same tiers
    expect(largest('h200-sxm', 8, 'sglang-0.4')).toBe(160);
    expect(largest('rtx-4090', 1, 'sglang-0.4')).toBe(8);
    // the 0.5.x list: 12 is captured, so a step of 9 runs the 12 graph; 257 on an H100 at tp 1 has no graph
    const L = buildLayout(lib.models['llama-3.1-8b'] as DecoderModel, 1, 1, undefined, undefined);
    const h100 = bound('h100-sxm');
    expect(paddedDecodeSeqs(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 9 }, true)).toBe(12);
    expect(paddedDecodeSeqs(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 100 }, true)).toBe(104);
    expect(paddedDecodeSeqs(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 257 }, true)).toBe(257);
    expect(decodeRunsEager(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 256 })).toBe(false);
    expect(decodeRunsEager(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 257 })).toBe(true);
    // simulate's steady batch (engine false) takes no default capture; a CPU part (SGLang's CPU backend) has none
    expect(paddedDecodeSeqs(h100, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 100 })).toBe(100);
    expect(capturedSizes(bound('xeon-6980p'), 1, true)).toBeUndefined();
  });

  it('--set runtime.graph_batch_sizes=none turns the default capture off too: no padding, no eager cliff', async () => {
    const off = await applySet(bound('h100-sxm'), 'runtime.graph_batch_sizes=none');
    const L = buildLayout(lib.models['llama-3.1-8b'] as DecoderModel, 1, 1, undefined, undefined);
    expect(paddedDecodeSeqs(off, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 9 }, true)).toBe(9);
    expect(decodeRunsEager(off, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 257 })).toBe(false);
  });

  it("serve pads a decode iteration to the captured size and runs it eagerly above the largest: a step at the host's dispatch floor", () => {
    const c = coster(bound('h100-sxm'));
    // padding: 100 sequences cost what 104 do (the GEMMs over the padded rows), not less than 100 unpadded
    const at = (n: number) => c.compute(n, 1024, 0, 0).seconds;
    expect(at(100)).toBeGreaterThan(at(97));
    expect(at(104)).toBeGreaterThanOrEqual(at(100));
    // above 256 the step is launched op by op: dearer than the 256 graph (the kernels' own gaps, no graph replay), but
    // 257 rows of Llama-3.1-8B keep every layer's kernels longer than the host's dispatch of them, which runs ahead
    // (src/runtime/launch.ts asyncStepSeconds): no launch cliff
    expect(at(257)).toBeGreaterThan(at(256));
    expect(at(257)).toBeLessThan(at(256) * 1.05);
    // a runtime without a default capture (vLLM's file states none): no cliff at 257
    const v = coster(bound('h100-sxm', 'vllm'));
    expect(v.compute(257, 1024, 0, 0).seconds).toBeLessThan(v.compute(256, 1024, 0, 0).seconds * 1.01);
  });

  it("simulate's throughput stays monotone across the largest captured batch", () => {
    const hw = bound('rtx-4080');
    const run = (batch: number) => simulate(buildRequest({ model: 'llama-3.2-1b', hardware: 'rtx-4080', batch, 'input-tokens': 256, 'output-tokens': 128, dtype: 'bf16' }, lib.models['llama-3.2-1b']!, hw, (id) => lib.models[id]!));
    expect(run(9).throughput_tok_s!).toBeGreaterThanOrEqual(run(8).throughput_tok_s!);
  });

  it('a runtime file states its capture; a bad one is one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-capture-'));
    try {
      const f = join(dir, 'eng.yaml');
      writeFileSync(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nlaunch:\n  graphs: decode\n  decode_capture:\n    sizes: [1, 2, 4, 8, 16, 32, 64]\n    max_batch: 64\n    below_memory:\n      - {memory: 30 GB, max_batch: 16, by_tp: {2: 32}}\n  source: "test"\nsources: [test]\n`);
      const loaded = await loadSpecFile(f);
      expect(loaded.errors).toEqual([]);
      const rt = loaded.value!.spec as NormalizedRuntime;
      const sizes = (hw: string, tp: number) => capturedSizes(bindRuntime(lib.hardware[hw]!, rt), tp, true);
      expect(sizes('h100-sxm', 1)).toEqual([1, 2, 4, 8, 16, 32, 64]);
      expect(sizes('rtx-4090', 1)).toEqual([1, 2, 4, 8, 16]);
      expect(sizes('rtx-4090', 2)).toEqual([1, 2, 4, 8, 16, 32]);
      await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nlaunch:\n  decode_capture:\n    sizes: [1, 8, 4]\n    max_batch: 8\n  source: "test"\nsources: [test]\n`, /decode_capture\.sizes\.2 +must be larger than the size before it/);
      await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nlaunch:\n  decode_capture:\n    sizes: [1, 8]\n    below_memory:\n      - {memory: 30 GB, batch: 4}\n  source: "test"\nsources: [test]\n`, /decode_capture/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
