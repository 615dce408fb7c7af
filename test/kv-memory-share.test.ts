// The KV-cache share a benchmark passed (TensorRT-LLM --kv_cache_free_gpu_mem_fraction, vLLM --gpu-memory-utilization):
// `--set runtime.memory_share`, in simulate and serve alike, before or after binding, and in accuracy rows of both
// commands (the serve runner applied no --set before, so a row's runtime.admission was read by the CLI only).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { applySet, applySetPlain } from '../src/hardware/set-path.js';
import { usableBytes } from '../src/sim/memory.js';
import { runRow } from '../src/sim/accuracy.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const under = (hw: string, rt: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const sim = (flags: Record<string, unknown>, hw: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!));

describe('--set runtime.memory_share', () => {
  it('replaces TensorRT-LLM\'s 0.9 of the free memory, bound before or after, and moves the batch --batch max admits', async () => {
    const base = under('gb200', 'tensorrt-llm');
    const w = 9e9, a = 1e9;
    const free = base.memory.capacityBytes - base.runtime!.memory.reserveBytes - w - a;
    const set = applySetPlain(base, 'runtime.memory_share=0.83');
    expect(set.runtime!.memory.share).toBe(0.83);
    expect(usableBytes(set, w, a)).toBeCloseTo(w + a + 0.83 * free, -3);
    expect(usableBytes(base, w, a)).toBeCloseTo(w + a + 0.9 * free, -3);
    const early = bindRuntime(await applySet(lib.hardware['gb200']!, 'runtime.memory_share=0.83'), libraryRuntime('tensorrt-llm'));
    expect(early.runtime!.memory.share).toBe(0.83);
    const flags = { model: 'llama-3.1-8b', dtype: 'fp8', batch: 'max', 'input-tokens': 2048, 'output-tokens': 2048 };
    const b90 = sim(flags, base).batch as number, b83 = sim(flags, set).batch as number;
    expect(b83).toBeLessThan(b90);
    expect(b83 / b90).toBeGreaterThan(0.88); // ~0.83 / 0.9 of the KV cache: the batch is KV-bound here
    expect(() => applySetPlain(base, 'runtime.memory_share=1.5')).toThrow();
  });
  it('holds at every tensor-parallel size: SGLang\'s share_by_tp defaults give way to it', () => {
    const s = applySetPlain(under('h100-sxm', 'sglang'), 'runtime.memory_share=0.8');
    expect(s.runtime!.memory.share).toBe(0.8);
    expect(s.runtime!.memory.shareByTp).toBeUndefined();
  });
  it('an accuracy row\'s --set reaches serve as it reaches simulate', () => {
    const row = (set: string) => ({
      id: 'T1', category: 'N', hwperf_expected: '1', hwperf_json_key: 'throughput_tok_s',
      hwperf_command: `hwperf serve --model llama-3.1-8b --hardware gb200 --tp 1 --dtype fp8 --input-tokens 2048 --output-tokens 2048 --requests 400 --concurrency 400 --runtime tensorrt-llm ${set} --json`,
    });
    const plain = runRow(row('')).predicted!;
    const small = runRow(row('--set runtime.memory_share=0.3')).predicted!;
    expect(small).toBeLessThan(plain);
  });
});
