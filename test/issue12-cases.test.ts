// Issue 12's examples, one named case each: every one failed on main before the fix (numbers in the comments are
// what main printed) and holds now.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { meanMaxLinearFloor } from '../src/sim/decode-integral.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { lookupEfficiency, COLLECTIVE_SHAPE } from '../src/hardware/efficiency.js';

const lib = getLibrary();
const run = (flags: Record<string, unknown>) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));

describe('issue 12: decoder numbers agree with each other', () => {
  it('batch-1 throughput is the single stream: O / e2e, never above 1 / tpot (llama-3.1-70b h100 tp 2 gave 34.6 tok/s vs 1/tpot 33.2)', () => {
    for (const model of ['llama-3.1-70b', 'mixtral-8x7b']) {
      const r = run({ model, hardware: 'h100-sxm', tp: 2 });
      expect(r.throughput_tok_s!).toBeCloseTo(r.output_tokens! / r.e2e_s!, 6);
      expect(r.throughput_tok_s!).toBeLessThanOrEqual((1 / r.tpot_s!) * (1 + 1e-12));
      expect(r.e2e_s!).toBeCloseTo(r.ttft_s! + (r.output_tokens! - 1) * r.tpot_s!, 9);
    }
  });
  it('mixtral-8x7b tp 2: throughput within 1% of O/e2e (main: 86 tok/s against 158)', () => {
    const r = run({ model: 'mixtral-8x7b', hardware: 'h100-sxm', tp: 2 });
    expect(Math.abs(r.throughput_tok_s! / (128 / r.e2e_s!) - 1)).toBeLessThan(0.01);
  });
  it('tpot never falls as the batch grows at tp 2 (llama-3.1-8b h100: 5.12 ms at batch 1, 4.97 ms at batch 2)', () => {
    let prev = 0;
    for (const batch of [1, 2, 3, 4, 6, 8, 16, 32]) {
      const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 2, batch });
      expect(r.tpot_s!).toBeGreaterThanOrEqual(prev);
      prev = r.tpot_s!;
    }
  });
  it('an all-reduce of more bytes never takes less time (the 1-16 KiB end of the all-reduce shape)', () => {
    let prev = 0;
    for (let b = 512; b < 2 ** 34; b *= 1.25) {
      const t = b / lookupEfficiency(COLLECTIVE_SHAPE, b);
      expect(t).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
      prev = t;
    }
  });
  it('steady-state ttft_s beside the cold whole-batch ttft_cold_s; equal at batch 1', () => {
    const one = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm' });
    expect(one.ttft_cold_s).toBeCloseTo(one.ttft_s!, 12);
    const many = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 64 });
    expect(many.ttft_cold_s!).toBeGreaterThan(many.ttft_s!);
    expect(many.prefill_tok_s!).toBeCloseTo((64 * 512) / many.ttft_cold_s!, 6);
  });
  it('--max-ttft limits the steady-state ttft (main: 2 s capped llama-3.1-70b h200 tp 2, 2048 in, at batch 9)', () => {
    const base = { model: 'llama-3.1-70b', hardware: 'h200-sxm', tp: 2, 'input-tokens': 2048, batch: 'max' };
    const free = run(base);
    const capped = run({ ...base, 'max-ttft': '2s' });
    expect(capped.ttft_s!).toBeLessThanOrEqual(2);
    expect(capped.batch!).toBeGreaterThan(9);
    expect(capped.throughput_tok_s!).toBeGreaterThan(0.9 * free.throughput_tok_s!);
  });
});

describe('issue 12: Whisper, pipelines, flags, train (via the built CLI)', () => {
  const cli = (args: string[]) => spawnSync('node', ['bin/run.js', ...args], { encoding: 'utf8' });
  const json = (args: string[]) => {
    const r = cli([...args, '--json']);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  beforeAll(() => {
    if (!existsSync('dist/commands/simulate.js')) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  });
  it('Whisper is never faster on longer audio: the transcript grows with it (large-v3 h100: 334 ms at 30 s, 119 ms at 600 s)', () => {
    let prev = 0, prevTokens = 0;
    for (const s of [5, 30, 60, 600]) {
      const r = run({ model: 'whisper-large-v3', hardware: 'h100-sxm', 'audio-seconds': s });
      expect(r.latency_s!).toBeGreaterThan(prev);
      expect(r.output_tokens!).toBeGreaterThan(prevTokens);
      prev = r.latency_s!;
      prevTokens = r.output_tokens!;
    }
    // --output-tokens is per 30 s window, so an explicit value keeps the same monotony
    const a = run({ model: 'whisper-large-v3', hardware: 'h100-sxm', 'audio-seconds': 30, 'output-tokens': 128 });
    const b = run({ model: 'whisper-large-v3', hardware: 'h100-sxm', 'audio-seconds': 600, 'output-tokens': 128 });
    expect(b.latency_s!).toBeGreaterThan(a.latency_s!);
  });
  it('a pipeline sharded over devices reports them (gpt4o-omni --tp 4 --pp 4 said "tp 1 · pp 1 · 1 device")', () => {
    const j = json(['simulate', '--model', 'gpt4o-omni', '--hardware', 'h100-sxm', '--tp', '4', '--pp', '4']);
    expect([j.tp, j.pp, j.devices]).toEqual([4, 4, 16]);
    expect(j.devices).toBe(j.tp * j.pp * j.replicas);
    const text = cli(['simulate', '--model', 'gpt4o-omni', '--hardware', 'h100-sxm', '--tp', '4', '--pp', '4']).stdout;
    expect(text).toMatch(/tp 4 · pp 4 · 16 devices/);
  });
  it('a stage with 0 runs has no phase (gpt4o-omni showed its vision stage at 1 ms with 0 images)', () => {
    const j = json(['simulate', '--model', 'gpt4o-omni', '--hardware', 'h200-sxm', '--tp', '8', '--pp', '2']);
    const vision = j.stages.find((s: { runs: number }) => s.runs === 0);
    expect(vision).toBeTruthy();
    expect(vision.latency_s ?? 0).toBe(0);
    expect(j.phases.map((p: { name: string }) => p.name).some((n: string) => /vision/.test(n))).toBe(false);
  });
  it('energy per run and per token under their own keys (a pipeline printed a per-token value as "energy per run")', () => {
    const sora = run({ model: 'open-sora-1.2', hardware: 'h100-sxm' });
    expect(sora.energy_j_per_run!).toBeGreaterThan(0);
    expect(sora.energy_j_per_token).toBeNull();
    const omni = run({ model: 'gpt4o-omni', hardware: 'h200-sxm', tp: 8, pp: 4 });
    expect(omni.memory.fits).toBe(true);
    expect(omni.energy_j_per_run!).toBeCloseTo(omni.energy_j_per_token! * omni.output_tokens!, 6);
    const text = cli(['simulate', '--model', 'gpt4o-omni', '--hardware', 'h200-sxm', '--tp', '8', '--pp', '4']).stdout;
    expect(text).toMatch(/energy per token/);
    expect(text).toMatch(/energy per run/);
  });
  it('flags that do not apply are an error: --resolution on an LLM, --input-tokens on a DiT', () => {
    const llm = cli(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--resolution', '512']);
    expect(llm.status).not.toBe(0);
    expect(llm.stderr).toMatch(/--resolution does not apply to llama-3.1-8b/);
    expect(llm.stderr.trim().split('\n')).toHaveLength(1);
    const dit = cli(['simulate', '--model', 'dit-xl-2', '--hardware', 'h100-sxm', '--input-tokens', '100']);
    expect(dit.status).not.toBe(0);
    expect(cli(['simulate', '--model', 'whisper-tiny', '--hardware', 'h100-sxm', '--steps', '10']).status).not.toBe(0);
    // pipelines take their stages' flags
    expect(cli(['simulate', '--model', 'open-sora-1.2', '--hardware', 'h100-sxm', '--steps', '10', '--json']).status).toBe(0);
  });
  it('--batch max on DiT and Whisper runs batch 1 and says so (it silently meant 1)', () => {
    for (const model of ['dit-xl-2', 'whisper-large-v3']) {
      const j = json(['simulate', '--model', model, '--hardware', 'h100-sxm', '--batch', 'max']);
      expect(j.batch).toBe(1);
      expect(j.warnings.join(' ')).toMatch(/--batch max is searched for decoder models only/);
    }
    const j = json(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--max-tpot', '30ms']);
    expect(j.warnings.join(' ')).toMatch(/--max-tpot limits the batch that --batch max picks/);
  });
  it('every --json result object carries warnings (an array of strings)', () => {
    for (const args of [
      ['show', 'model', 'llama-3.1-8b'],
      ['show', 'hardware', 'h100-sxm'],
      ['show', 'memory', 'hbm3'],
      ['validate', 'hardware/nvidia/h100-sxm.yaml'],
      ['op', 'gemm', '--m', '8', '--n', '8', '--k', '8', '--dtype', 'bf16', '--hardware', 'h100-sxm'],
      ['simulate', '--model', 'dit-xl-2', '--hardware', 'h100-sxm'],
    ]) {
      const j = json(args);
      expect(Array.isArray(j.warnings), args.join(' ')).toBe(true);
      expect(j.warnings.every((w: unknown) => typeof w === 'string')).toBe(true);
    }
  });
  it('simulate --auto-tp: the smallest tp, then pp, that fits (llama-3.1-405b on h100: tp 8 · pp 2)', () => {
    const j = json(['simulate', '--model', 'llama-3.1-405b', '--hardware', 'h100-sxm', '--auto-tp']);
    expect(j.memory.fits).toBe(true);
    expect([j.tp, j.pp]).toEqual([8, 2]);
    const fits = json(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--auto-tp']);
    expect(fits.tp).toBe(1);
  });
  it('train that does not fit says so and does not present MFU as an achievement (printed "MFU 57.7%")', () => {
    const r = cli(['train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--devices', '8']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^DOES NOT FIT/m);
    expect(r.stdout).toMatch(/MFU \(if it fit\)/);
    const j = json(['train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--devices', '8']);
    expect(j.memory.fits).toBe(false);
    expect(j).toHaveProperty('mfu');
  });
  it('one byte convention in human output: decimal GB (train printed GiB beside the engine\'s GB)', () => {
    const r = cli(['train', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--devices', '8']);
    expect(r.stdout).not.toMatch(/GiB|MiB/);
    const s = cli(['simulate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm']);
    expect(s.stdout).not.toMatch(/GiB|MiB/);
  });
});

describe('issue 12: cases the property suite found (test/invariants.property.test.ts)', () => {
  const thr = (f: Record<string, unknown>) => run(f).throughput_tok_s!;
  it('Little holds with one output token and a batch that does not split evenly over pp (gpt3-1.3b gh200 tp 2 pp 2, batch 235)', () => {
    const r = run({ model: 'gpt3-1.3b', hardware: 'gh200', tp: 2, pp: 2, batch: 235, 'input-tokens': 1592, 'output-tokens': 1, dtype: 'int8' });
    expect(r.throughput_tok_s! / ((r.replicas * r.batch! * r.output_tokens!) / r.e2e_s!)).toBeCloseTo(1, 9);
  });
  it('one more request never lowers throughput where MoE rows per expert cross a tile edge (qwen3-30b-a3b q4_0: 304 → 285 tok/s at batch 258)', () => {
    const f = { model: 'qwen3-30b-a3b', hardware: 'ryzen-ai-max-plus-395', 'input-tokens': 2816, 'output-tokens': 417, dtype: 'q4_0' };
    expect(thr({ ...f, batch: 258 })).toBeGreaterThanOrEqual(thr({ ...f, batch: 256 }));
  });
  it('nor past the matrix-vector kernel limit (gpt2-medium int4 on apple-m1: 511 tok/s at batch 5, 310 at 30; gpt-oss-120b at 8 rows per expert)', () => {
    const f = { model: 'gpt2-medium', hardware: 'apple-m1', 'input-tokens': 5, 'output-tokens': 882, dtype: 'int4' };
    expect(thr({ ...f, batch: 30 })).toBeGreaterThanOrEqual(thr({ ...f, batch: 5 }));
    const g = { model: 'gpt-oss-120b', hardware: 'ascend-910b', tp: 2, 'input-tokens': 3457, 'output-tokens': 857, dtype: 'q4_0' };
    expect(thr({ ...g, batch: 257 })).toBeGreaterThanOrEqual(thr({ ...g, batch: 255 }));
  });
  it('tpot never falls with a longer prompt where expert GEMMs are sized by their padded work (gpt-oss-20b q4_0 on apple-m2-ultra pp 2)', () => {
    const f = { model: 'gpt-oss-20b', hardware: 'apple-m2-ultra', pp: 2, batch: 252, 'output-tokens': 407, dtype: 'q4_0' };
    expect(run({ ...f, 'input-tokens': 43 }).tpot_s!).toBeGreaterThanOrEqual(run({ ...f, 'input-tokens': 8 }).tpot_s!);
  });
});

describe('issue 12: the launch floor integrated over the context', () => {
  it('meanMaxLinearFloor matches a fine numerical mean of max(a + b·c, d + e·c, f)', () => {
    for (const [a, b, d, e, f, c0, c1] of [[1, 0.01, 2, 0, 2.5, 0, 300], [0, 1, 5, 0, 3, 0, 10], [3, -0.01, 1, 0.02, 2, 0, 200], [1, 0, 1, 0, 0, 5, 5]] as const) {
      let s = 0;
      const n = 100000;
      for (let i = 0; i < n; i++) {
        const c = c0 + ((i + 0.5) / n) * (c1 - c0);
        s += Math.max(a + b * c, d + e * c, f);
      }
      expect(meanMaxLinearFloor(a, b, d, e, f, c0, c1)).toBeCloseTo(c1 > c0 ? s / n : Math.max(a + b * c0, d + e * c0, f), 6);
    }
  });
  it('a longer prompt never makes decode faster where kernels are launch-bound (gemma-3-27b fp4 on a100 under pytorch)', () => {
    const hw = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('pytorch'));
    const tpot = (L: number) =>
      simulate(buildRequest({ model: 'gemma-3-27b', batch: 1, 'input-tokens': L, 'output-tokens': 248, dtype: 'fp4' }, lib.models['gemma-3-27b']!, hw, (id) => lib.models[id]!)).tpot_s!;
    // equal where launch-bound: allow rounding (a few ulps) but no real drop
    expect(tpot(1326)).toBeGreaterThanOrEqual(tpot(817) * (1 - 1e-12));
  });
});
