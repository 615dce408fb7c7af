// The KV-cache dtype a runtime keeps when --kv-cache does not say (runtimes/*.yaml kv_cache.default_dtype,
// src/runtime/kv-cache.ts): vLLM and SGLang default --kv-cache-dtype auto (the model's 16-bit dtype, also under fp8 /
// fp4 weights); TensorRT-LLM takes an fp8 cache from a ModelOpt fp8 / fp4 checkpoint (the scheme's own). --kv-cache
// always wins.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { kvCacheFor, runtimeKvCache } from '../src/runtime/kv-cache.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel, SimulateResult } from '../src/index.js';
import { useScratchDir } from './helpers/scratch.js';

const root = new URL('..', import.meta.url).pathname;
const lib = getLibrary();
const scratch = useScratchDir('hwperf-kvdefault-');
const under = (hwId: string, rt: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
const m8 = libraryModel('llama-3.1-8b') as DecoderModel;
const sim = (rt: string, flags: Record<string, unknown> = {}) =>
  simulate(buildRequest({ model: 'llama-3.1-8b', hardware: 'h100-sxm', dtype: 'fp8', 'input-tokens': 1024, 'output-tokens': 256, batch: 64, ...flags }, m8, under('h100-sxm', rt), libraryModel)) as SimulateResult;

describe('runtimeKvCache: the rule per --dtype scheme', () => {
  it('auto keeps a 16-bit cache under fp8 / fp4 / fp6, and changes nothing for 16-bit, int8 or weight-only schemes', () => {
    expect(['fp8', 'fp4', 'fp6'].map((d) => runtimeKvCache(d, 'auto'))).toEqual(['bf16', 'bf16', 'bf16']);
    expect(['bf16', 'fp16', 'fp32', 'int8', 'int4', 'q4_0', 'q8_0'].map((d) => runtimeKvCache(d, 'auto'))).toEqual(Array(7).fill(undefined));
  });
  it('checkpoint (and no rule) keeps the scheme table; a dtype rule forces that dtype; an unknown scheme is left to the flag check', () => {
    expect(runtimeKvCache('fp8', 'checkpoint')).toBeUndefined();
    expect(runtimeKvCache('fp8', undefined)).toBeUndefined();
    expect(runtimeKvCache('bf16', 'fp8')).toBe('fp8');
    expect(runtimeKvCache('fp8', 'fp8')).toBeUndefined();
    expect(runtimeKvCache('fp3', 'auto')).toBeUndefined();
  });
});

describe('kvCacheFor: --kv-cache, else the runtime rule (one resolution for simulate, serve and plan)', () => {
  it('an explicit --kv-cache wins under every rule; without it the rule applies; no runtime or no rule is the scheme\'s own', () => {
    expect(kvCacheFor({ kvCacheDefault: 'auto' }, 'fp8', 'fp8')).toBe('fp8');
    expect(kvCacheFor({ kvCacheDefault: 'fp8' }, 'bf16', 'bf16')).toBe('bf16');
    expect(kvCacheFor({ kvCacheDefault: 'auto' }, 'fp8')).toBe('bf16');
    expect(kvCacheFor({ kvCacheDefault: 'checkpoint' }, 'fp8')).toBeUndefined();
    expect(kvCacheFor({}, 'fp8')).toBeUndefined();
    expect(kvCacheFor(undefined, 'fp4')).toBeUndefined();
    expect(kvCacheFor(libraryRuntime('vllm'), 'fp4')).toBe('bf16');
    expect(kvCacheFor(libraryRuntime('tensorrt-llm'), 'fp4')).toBeUndefined();
  });
});

describe('library runtimes pin their documented default', () => {
  it.each([
    ['vllm', 'auto'], ['vllm-0.6', 'auto'], ['vllm-0.7', 'auto'], ['vllm-0.7.0', 'auto'], ['sglang', 'auto'], ['sglang-0.4', 'auto'], ['tensorrt-llm', 'checkpoint'],
  ])('%s: %s', (id, rule) => {
    expect(libraryRuntime(id).kvCacheDefault).toBe(rule);
    expect(under('mi300x', id === 'tensorrt-llm' ? 'vllm' : id).runtime!.kvCacheDefault).toBe(id === 'tensorrt-llm' ? 'auto' : rule); // by_vendor blocks keep it
  });
});

describe('simulate and serve: the runtime default, and --kv-cache over it', () => {
  it('fp8 weights under vLLM / SGLang keep a bf16 cache (twice the bytes of TensorRT-LLM\'s fp8 cache); --kv-cache fp8 restores it', () => {
    const v = sim('vllm');
    const s = sim('sglang');
    const t = sim('tensorrt-llm');
    const v8 = sim('vllm', { 'kv-cache': 'fp8' });
    expect([v.kv_cache_dtype, v.kv_cache_default, v.weights_dtype]).toEqual(['bf16', 'auto', 'fp8']);
    expect([s.kv_cache_dtype, s.kv_cache_default]).toEqual(['bf16', 'auto']);
    expect([t.kv_cache_dtype, t.kv_cache_default]).toEqual(['fp8', 'checkpoint']);
    expect([v8.kv_cache_dtype, v8.kv_cache_default]).toEqual(['fp8', 'auto']);
    expect(v.memory.kv_cache_bytes / v8.memory.kv_cache_bytes).toBeCloseTo(2, 6);
    expect(v.memory.kv_cache_bytes / t.memory.kv_cache_bytes).toBeCloseTo(2, 6);
    // streaming twice the cache: the decode step is no faster
    expect(v.tpot_s!).toBeGreaterThanOrEqual(v8.tpot_s!);
    // --kv-cache bf16 under TensorRT-LLM equals vLLM's default cache
    expect(sim('tensorrt-llm', { 'kv-cache': 'bf16' }).memory.kv_cache_bytes).toBe(v.memory.kv_cache_bytes);
  });
  it('16-bit runs are unchanged by the rule', () => {
    expect(sim('vllm', { dtype: 'bf16' }).kv_cache_dtype).toBe('bf16');
    expect(sim('vllm', { dtype: 'fp16' }).kv_cache_dtype).toBe('fp16');
  });
  it('serve reports the KV dtype it served and the rule', () => {
    const run = (runtime: string, kvCache?: string) =>
      serve({ model: m8, hardware: lib.hardware['h100-sxm']!, dtype: 'fp8', kvCache, runtime, inputTokens: 512, outputTokens: 64, concurrency: 16, requests: 32 }).result;
    expect([run('vllm').kv_cache_dtype, run('vllm').kv_cache_default]).toEqual(['bf16', 'auto']);
    expect(run('vllm', 'fp8').kv_cache_dtype).toBe('fp8');
    expect(run('tensorrt-llm').kv_cache_dtype).toBe('fp8');
  });
});

describe('kv_cache.default_dtype through the spec layer and the CLI', () => {
  const FILE = `id: my-engine\nname: My engine\nkind: runtime\nrole: serving\nextends: tensorrt-llm\nkv_cache:\n  default_dtype: auto\n  source: "my engine's --kv-cache-dtype default"\nsources: [test]\n`;
  it('a runtime file may set it (extends inherits otherwise); an unknown value or a missing source is a one-line error', async () => {
    const ok = await loadSpecFile(scratch.write('kv-ok.yaml', FILE));
    expect(ok.errors).toEqual([]);
    expect((ok.value!.spec as any).kvCacheDefault).toBe('auto');
    const child = await loadSpecFile(scratch.write('kv-child.yaml', `id: my-vllm\nname: x\nkind: runtime\nrole: serving\nextends: vllm\nsources: [test]\n`));
    expect((child.value!.spec as any).kvCacheDefault).toBe('auto');
    const bad = (await loadSpecFile(scratch.write('kv-bad.yaml', FILE.replace('default_dtype: auto', 'default_dtype: int3')))).errors.map(formatIssue);
    expect(bad.join('\n')).toMatch(/kv-bad\.yaml:\d+:\d+\s+kv_cache\.default_dtype\s+must be one of auto, checkpoint, fp8, bf16, fp16/);
    // (a file that extends another inherits the parent's block source, as for every block)
    const nosrc = (await loadSpecFile(scratch.write('kv-nosrc.yaml', FILE.replace('extends: tensorrt-llm\n', '').replace(`  source: "my engine's --kv-cache-dtype default"\n`, '')))).errors.map(formatIssue);
    expect(nosrc.join('\n')).toMatch(/kv_cache\s+values without a source/);
  });
  it('show runtime --json carries kv_cache.default_dtype; simulate --json kv_cache_default, the header the rule', async () => {
    const show = await runCommand(['show', 'runtime', 'sglang', '--json'], { root });
    expect(JSON.parse(show.stdout).kv_cache).toEqual({ default_dtype: 'auto' });
    const trt = await runCommand(['show', 'runtime', 'tensorrt-llm', '--json'], { root });
    expect(JSON.parse(trt.stdout).kv_cache).toEqual({ default_dtype: 'checkpoint' });
    const text = await runCommand(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--dtype', 'fp8', '--runtime', 'vllm', '--batch', '8'], { root });
    expect(text.stdout).toMatch(/KV bf16 \(runtime KV default: auto\)/);
    const j = await runCommand(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--dtype', 'fp8', '--runtime', 'vllm', '--kv-cache', 'fp8', '--batch', '8', '--json'], { root });
    const r = JSON.parse(j.stdout);
    expect([r.kv_cache_dtype, r.kv_cache_default]).toEqual(['fp8', 'auto']);
  });
});
