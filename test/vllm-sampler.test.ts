// kernels.sampler: the device work of vLLM V1's sampler beyond the fp32 logits, for runs whose client asks for more
// than greedy (--set runtime.sampling=random|top-p, runtime.penalties=true). The top-p sort chain and the random draw
// were timed on an H200 (bench/gpu/h200-serving-2026-12-04 log.txt, sampler section); priced as bytes per logit, the
// H200 price reproduces those times; greedy runs (the default, and what `vllm bench serve` sends) price nothing more.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { passOps, costPass } from '../src/sim/decoder.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { applySet } from '../src/hardware/set-path.js';
import type { DecoderModel, NormalizedHardware } from '../src/index.js';
import { bound } from './helpers/bound.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { useScratchDir } from './helpers/scratch.js';

const scratch = useScratchDir('vllm-sampler-');

const llama8 = libraryModel('llama-3.1-8b') as DecoderModel; // vocabulary 128,256
const withSets = async (hw: NormalizedHardware, sets: string[]) => {
  let h = hw;
  for (const s of sets) h = await applySet(h, s);
  return h;
};
// the sampler ops of one decode step of `rows` sequences, priced alone
const samplerSeconds = (hw: NormalizedHardware, m: DecoderModel, rows: number, tp = 1) => {
  const L = buildLayout(m, tp, 1, undefined, undefined);
  const p = resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels);
  const ops = passOps(m, hw, L, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: rows });
  const picked = ops.filter((o) => o.name.startsWith('sampler_'));
  return { names: picked.map((o) => o.name), seconds: picked.length ? costPass(picked, hw, 0, 0, 'decode').seconds : 0 };
};

describe('kernels.sampler (vLLM V1 on NVIDIA)', () => {
  it('reproduces the H200 timings of the top-p chain and the random draw it was taken from', async () => {
    const h200 = bound('h200-sxm', 'vllm');
    const topp = await withSets(h200, ['runtime.sampling=top-p']);
    const random = await withSets(h200, ['runtime.sampling=random']);
    // measured (us): top_k_top_p + exp_race at 256 / 1024 rows of 128,256; the temperature pass (8 B per logit) on top
    for (const [rows, mask, race] of [[256, 3683.0, 340.7], [1024, 14202.8, 1249.5]] as const) {
      const temp = (rows * 128256 * 8) / (4.8e12 * 0.865);
      const r = samplerSeconds(random, llama8, rows);
      expect(r.names).toEqual(['sampler_random']);
      expect(r.seconds / (race * 1e-6 + temp)).toBeGreaterThan(0.9);
      expect(r.seconds / (race * 1e-6 + temp)).toBeLessThan(1.15);
      const t = samplerSeconds(topp, llama8, rows);
      expect(t.names).toEqual(['sampler_filter', 'sampler_random']);
      expect(t.seconds / ((mask + race) * 1e-6 + temp)).toBeGreaterThan(0.93);
      expect(t.seconds / ((mask + race) * 1e-6 + temp)).toBeLessThan(1.07);
    }
  });
  it('never samples faster than one row does on the H200 (the floor from its one-row timings)', async () => {
    const h200 = bound('h200-sxm', 'vllm');
    const topp = await withSets(h200, ['runtime.sampling=top-p']);
    const one = samplerSeconds(topp, llama8, 1).seconds;
    // measured at one row of 128,256: top_k_top_p 129.4 us + exp_race 68.6 us; floors 129 + 58 us
    expect(one).toBeGreaterThanOrEqual((129 + 58) * 1e-6 - 1e-12);
    expect(one).toBeLessThan((129.4 + 68.6) * 1e-6 * 1.1);
    // the floor binds at a few rows only: at 256 rows the bytes price is above it
    const rt = topp.runtime!.kernels.sampler!;
    expect(rt.filter!.floorS).toBeCloseTo(129e-6, 12);
    expect(rt.random!.floorS).toBeCloseTo(58e-6, 12);
    expect(samplerSeconds(topp, llama8, 256).seconds).toBeGreaterThan(10 * one);
  });
  it('greedy (the default) adds nothing; penalties add their own pass; more rows cost more', async () => {
    const h100 = bound('h100-sxm', 'vllm');
    expect(samplerSeconds(h100, llama8, 256).names).toEqual([]);
    expect(samplerSeconds(await withSets(h100, ['runtime.sampling=greedy']), llama8, 256).names).toEqual([]);
    const pen = await withSets(h100, ['runtime.penalties=true']);
    expect(samplerSeconds(pen, llama8, 256).names).toEqual(['sampler_penalties']);
    const all = await withSets(h100, ['runtime.sampling=top-p', 'runtime.penalties=true']);
    const s = [8, 64, 256, 512].map((b) => samplerSeconds(all, llama8, b).seconds);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    // every tensor-parallel rank samples the whole vocabulary: the same work per device at tp 2
    expect(samplerSeconds(all, llama8, 256, 2).seconds).toBeCloseTo(samplerSeconds(all, llama8, 256, 1).seconds, 9);
  });
  it('vLLM V0 (vllm-0.6 and the files extending it): every row pays the temperature, softmax, log_softmax and row gather, greedy included', async () => {
    for (const id of ['vllm-0.6', 'vllm-0.5', 'vllm-0.7']) {
      const v0 = bound('h100-sxm', id);
      expect(v0.runtime!.kernels.sampler!.always, id).toEqual({ bytesPerLogit: 48, kernels: 4 });
      // the draw alone after that; the filter and penalties stay V1's
      expect(v0.runtime!.kernels.sampler!.random!.bytesPerLogit, id).toBe(20);
      expect(v0.runtime!.kernels.sampler!.filter, id).toEqual(bound('h100-sxm', 'vllm').runtime!.kernels.sampler!.filter);
    }
    const v0 = bound('h100-sxm', 'vllm-0.6');
    const greedy = samplerSeconds(v0, llama8, 256);
    expect(greedy.names).toEqual(['sampler_always']);
    // 48 B per logit of 256 x 128,256 fp32 logits, a memory-bound pass at the part's bandwidth
    expect(greedy.seconds).toBeGreaterThan((256 * 128256 * 48) / 3.35e12);
    expect(greedy.seconds).toBeLessThan((256 * 128256 * 48) / (3.35e12 * 0.6));
    const random = samplerSeconds(await withSets(v0, ['runtime.sampling=random']), llama8, 256);
    expect(random.names).toEqual(['sampler_always', 'sampler_random']);
    // V0's random row costs more than V1's (the log_softmax V1 never runs) and its greedy row more than V1's (nothing)
    expect(random.seconds).toBeGreaterThan(samplerSeconds(await withSets(bound('h100-sxm', 'vllm'), ['runtime.sampling=random']), llama8, 256).seconds);
    expect(samplerSeconds(bound('h100-sxm', 'vllm'), llama8, 256).seconds).toBe(0);
    // AMD parts price no sampler under V0 either (no ROCm timing)
    expect(samplerSeconds(bound('mi300x', 'vllm-0.6'), llama8, 256).names).toEqual([]);
  });
  it('a runtime without sampler kernels prices a top-p run as before', async () => {
    const trt = bound('h100-sxm', 'tensorrt-llm');
    expect(trt.runtime!.kernels.sampler).toBeUndefined();
    expect(samplerSeconds(await withSets(trt, ['runtime.sampling=top-p']), llama8, 256).names).toEqual([]);
  });
  it('simulate: a top-p run with penalties is slower per token at batch 256 than greedy, by the sampler ops alone', async () => {
    const h100 = bound('h100-sxm', 'vllm');
    const all = await withSets(h100, ['runtime.sampling=top-p', 'runtime.penalties=true']);
    const run = (hw: NormalizedHardware, batch: number) =>
      simulate({ model: llama8, hardware: hw, resolveModel: libraryModel, tp: 1, pp: 1, batch, inputTokens: 256, outputTokens: 404, dtype: 'bf16' });
    const g = run(h100, 256), t = run(all, 256);
    const extra = samplerSeconds(all, llama8, 256).seconds;
    expect(t.tpot_s! - g.tpot_s!).toBeGreaterThan(0.9 * extra);
    expect(t.tpot_s! - g.tpot_s!).toBeLessThan(1.1 * extra);
    expect(t.throughput_tok_s!).toBeLessThan(g.throughput_tok_s!);
    expect(t.throughput_tok_s!).toBeLessThanOrEqual(256 / t.tpot_s! + 1e-6);
    // a small batch pays a small share of it
    expect(run(all, 8).tpot_s! / run(h100, 8).tpot_s!).toBeLessThan(1.06);
  });
  it("a runtime file's sampler block: units on the floor, one-line errors for a bad one", async () => {
    const base = `id: my-sampler\nname: x\nkind: runtime\nrole: serving\nextends: vllm\nsources: [test]\n`;
    const ok = await loadSpecFile(scratch.write('ok.yaml', base + 'kernels:\n  sampler:\n    filter: {bytes_per_logit: 100, kernels: 3, floor: 0.1 ms}\n  source: s\n'));
    expect(ok.errors.map(formatIssue)).toEqual([]);
    expect((ok.value!.spec as any).kernels.sampler.filter).toEqual({ bytesPerLogit: 100, kernels: 3, floorS: 1e-4 });
    const bad = (await loadSpecFile(scratch.write('bad.yaml', base + 'kernels:\n  sampler:\n    filter: {bytes_per_logit: 100, kernels: 3, floor: -1 us}\n  source: s\n'))).errors.map(formatIssue);
    expect(bad.length).toBeGreaterThan(0);
    for (const e of bad) expect(e).not.toContain('\n');
  });
  it('--set runtime.sampling takes only its names', async () => {
    const err = await applySet(bound('h100-sxm', 'vllm'), 'runtime.sampling=nucleus').catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).not.toContain('\n');
  });
});
