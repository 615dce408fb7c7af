// CUDA graph padding (runtime launch.graph_batch_sizes, src/sim/graph-padding.ts): a decode step runs the graph of the
// smallest captured batch size ≥ its batch (per attention-DP rank), every op but attention and sampling over the
// padded rows (TensorRT-LLM's PyTorch flow with cuda_graph_config.enable_padding: ModelEngine._maybe_pad_batch).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { costPass, passOps } from '../src/sim/decoder.js';
import { paddedDecodeSeqs } from '../src/sim/graph-padding.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { applySet } from '../src/hardware/set-path.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { useScratchDir } from './helpers/scratch.js';

const lib = getLibrary();
const scratch = useScratchDir('hwperf-graph-padding-');
const trt = (hwId: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime('tensorrt-llm'));
const sim = (flags: Record<string, unknown>, hw: NormalizedHardware) => simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!));

function decode(model: string, hw: NormalizedHardware, tp: number, b: number, attentionDp = false, prefillSeqs = 0) {
  const m = lib.models[model] as DecoderModel;
  const L = buildLayout(m, tp, 1, undefined, undefined, attentionDp);
  const p = resolvePrecision('fp8', undefined, undefined, undefined, hw.runtime?.kernels);
  const ops = passOps(m, hw, L, p, { prefillSeqs, prefillLen: 512, decodeSeqs: b });
  return costPass(ops, hw, 1024, 2048, 'decode', undefined, true);
}
const row = (c: ReturnType<typeof decode>, n: string) => c.rows!.find((r) => r.name === n)!;

describe('CUDA graph padding of decode steps', () => {
  it('is off unless the run or runtime file lists captured sizes; the run lists them with --set', async () => {
    const hw = trt('h100-sxm');
    expect(hw.runtime!.launch.graphBatchSizes).toBeUndefined();
    const on = await applySet(hw, 'runtime.graph_batch_sizes=128,256,384,512');
    expect(on.runtime!.launch.graphBatchSizes).toEqual([128, 256, 384, 512]);
    expect((await applySet(on, 'runtime.graph_batch_sizes=none')).runtime!.launch.graphBatchSizes).toEqual([]);
    for (const [bad, re] of [['128,100', /must ascend.*100 after 128/], ['12x', /whole numbers.*"12x"/], ['0,8', /whole numbers.*"0"/]] as const) {
      const e = await applySet(hw, `runtime.graph_batch_sizes=${bad}`).then(() => '', (err: Error) => err.message);
      expect(e).toMatch(re);
      expect(e).not.toContain('\n');
    }
  });

  it('a runtime without decode graphs pads nothing, whatever sizes the run lists', async () => {
    const eager = await applySet(bindRuntime(getLibrary().hardware['a100-sxm4-80gb']!, libraryRuntime('vllm-0.2')), 'runtime.graph_batch_sizes=128,256');
    expect(eager.runtime!.launch.graphs).toBe('none');
    const L = buildLayout(getLibrary().models['llama-3.1-8b'] as DecoderModel, 1, 1, undefined, undefined);
    expect(paddedDecodeSeqs(eager, L, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 105 })).toBe(105);
  });
  it('a batch of 105 runs the 128 graph: GEMMs at 128 rows, attention and sampling at the 105 real sequences', async () => {
    const hw = await applySet(trt('h100-sxm'), 'runtime.graph_batch_sizes=1,2,4,8,16,32,64,128,256');
    const plain = trt('h100-sxm');
    const padded = decode('llama-3.1-70b', hw, 1, 105);
    const at105 = decode('llama-3.1-70b', plain, 1, 105), at128 = decode('llama-3.1-70b', plain, 1, 128);
    for (const n of ['qkv_proj', 'ffn_up', 'ffn_down', 'lm_head', 'attn_norm']) expect(row(padded, n).seconds, n).toBeCloseTo(row(at128, n).seconds, 12);
    for (const n of ['attention_decode', 'sampling']) expect(row(padded, n).seconds, n).toBeCloseTo(row(at105, n).seconds, 12);
    expect(padded.seconds).toBeGreaterThan(at105.seconds);
    expect(padded.seconds).toBeLessThan(at128.seconds);
    // a captured size runs as it is, and a batch above the largest captured size is not padded (no graph)
    expect(decode('llama-3.1-70b', hw, 1, 128).seconds).toBeCloseTo(at128.seconds, 12);
    expect(decode('llama-3.1-70b', hw, 1, 300).seconds).toBeCloseTo(decode('llama-3.1-70b', plain, 1, 300).seconds, 12);
    // a step that carries a prompt runs without a graph: nothing pads it
    expect(decode('llama-3.1-70b', hw, 1, 105, false, 1).seconds).toBeCloseTo(decode('llama-3.1-70b', plain, 1, 105, false, 1).seconds, 12);
  });

  it('under attention data parallelism the padding is per rank', async () => {
    const hw = await applySet(trt('b200'), 'runtime.graph_batch_sizes=128,256,384,512');
    const plain = trt('b200');
    // 837 sequences on 8 ranks: ~105 each, padded to 128 each (1024 in all)
    const padded = decode('deepseek-v3', hw, 8, 837, true);
    expect(row(padded, 'experts_up').seconds).toBeCloseTo(row(decode('deepseek-v3', plain, 8, 1024, true), 'experts_up').seconds, 12);
    expect(row(padded, 'attention_decode').seconds).toBeCloseTo(row(decode('deepseek-v3', plain, 8, 837, true), 'attention_decode').seconds, 12);
  });

  it('tpot never falls as the batch grows, and throughput stays within batch / tpot', async () => {
    const hw = await applySet(trt('h200-sxm'), 'runtime.graph_batch_sizes=8,16,32,64,128,256,512');
    let last = 0;
    for (const batch of [1, 8, 9, 30, 64, 65, 100, 128, 129, 200, 256, 300, 512]) {
      const r = sim({ model: 'llama-3.1-8b', hardware: 'h200-sxm', dtype: 'fp8', inputTokens: 512, outputTokens: 256, batch }, hw);
      expect(r.tpot_s!, String(batch)).toBeGreaterThanOrEqual(last * (1 - 1e-9));
      expect(r.throughput_tok_s!).toBeLessThanOrEqual((batch / r.tpot_s!) * (1 + 1e-9));
      expect(Number.isFinite(r.throughput_tok_s!)).toBe(true);
      last = r.tpot_s!;
    }
  });

  it('a runtime file may list its captured sizes; unsorted sizes are a one-line error', async () => {
    const base = `id: my-trt\nname: mine\nextends: tensorrt-llm\nkind: runtime\nrole: serving\nlaunch:\n  graph_batch_sizes: [1, 2, 4, 8, 16, 24, 32]\n  source: "my run's cuda_graph_config"\n`;
    expect((await loadSpecFile(scratch.write('ok.yaml', base))).errors).toEqual([]);
    const lines = (await loadSpecFile(scratch.write('bad.yaml', base.replace('16, 24', '24, 16')))).errors.map(formatIssue);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/launch\.graph_batch_sizes\.5.*found 16.*ascending/);
    expect(lines[0]).not.toContain('\n');
  });
});
