// `hwperf train` against published training runs (validation rows C009, C016 and held-out ones), with sources.
// Nothing is fitted: efficiencies come from the hardware YAML (GEMM table by size, collective table by message size)
// and each run uses the configuration its source states, with the runtime's default schedule where the source names
// none (megatron, the training default: plain 1F1B, runtimes/megatron.yaml default_schedule). Llama 3 §3.3.2 says it
// interleaves without giving V, so its rows name --schedule interleaved (the production chunking of
// src/sim/training/schedule.ts: ≥ 2 layers per chunk), as validation row C009 does. DeepSeek-V3 ran DualPipe in
// DeepSeek's own HAI-LLM (§3.2.1), which no runtime file describes, so its rows name the schedule. The Megatron 2021
// and GPT-4 rows name none and follow the default.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import type { DecoderModel } from '../src/spec/types.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { trainFromArgs } from '../src/sim/training/from-args.js';
import { searchTraining } from '../src/sim/training/search.js';
import type { TrainResult } from '../src/sim/training/types.js';

const lib = getLibrary();
const run = (model: DecoderModel | string, hw: string, o: TrainOptions) =>
  simulateTraining(buildTrainRequest(typeof model === 'string' ? (lib.models[model] as DecoderModel) : model, lib.hardware[hw]!, o));

interface Row {
  id: string;
  source: string;
  metric: string;
  target: boolean; // in the issue-5 target set (MAPE); the 2021 Megatron rows are documented only
  eval: () => { predicted: number; expected: number };
}

// Megatron-LM reports hardware FLOPs with full recomputation (Narayanan et al. 2021 eq. 3:
// 96·B·s·l·h²·(1 + s/6h + V/16lh) per step); convert to docs/design.md's model FLOPs per token before comparing.
function megatron(id: string, m: DecoderModel, tp: number, pp: number, gpus: number, batch: number, tflops: number, source: string): Row {
  const { hidden: h, layers: l } = m;
  const s = 2048;
  const V = 51200;
  const theirsPerToken = 96 * l * h * h * (1 + s / (6 * h) + V / (16 * l * h));
  return {
    id,
    source,
    metric: 'achieved_flops_per_device',
    target: false,
    eval: () => {
      const r = run(m, 'a100-sxm4-80gb', { devices: gpus, tp, pp, seqLen: s, globalBatch: batch, recompute: 'full' });
      return { predicted: r.achieved_flops_per_device, expected: (tflops * 1e12 * r.flops_per_token) / theirsPerToken };
    },
  };
}
// Narayanan et al. 2021 Table 1 GPT shapes: V = 51,200, s = 2,048, 4h FFN.
function gpt(h: number, heads: number, layers: number): DecoderModel {
  const base = lib.models['gpt3-175b'] as DecoderModel;
  return { ...base, id: `gpt-${layers}x${h}`, hidden: h, heads, kv_heads: heads, layers, vocab: 51200, ffn: { ...base.ffn, intermediate: 4 * h } };
}
const T1 = 'Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", arXiv 2104.04473, Table 1 (A100, full recompute)';
const T2 = 'Narayanan et al. 2021, arXiv 2104.04473, Table 2 (PTD-P, GPT-3 174.6B, model-parallel size 96 = TP 8 × PP 12, batch 1536)';
const L3 = 'Dubey et al. 2024, "The Llama 3 Herd of Models", arXiv 2407.21783, Table 4 (BF16, H100)';

const ROWS: Row[] = [
  {
    id: 'C009 Llama 3 405B, 8192 H100, TP8 PP16 DP64, seq 8192, 16M tokens',
    source: L3,
    metric: 'achieved_flops_per_device',
    target: true,
    eval: () => ({ predicted: run('llama-3.1-405b', 'h100-sxm', { devices: 8192, tp: 8, pp: 16, dp: 64, seqLen: 8192, globalBatch: 2048, schedule: 'interleaved' }).achieved_flops_per_device, expected: 430e12 }),
  },
  {
    id: 'Llama 3 405B, 16384 H100, TP8 PP16 DP128, seq 8192 (held out)',
    source: L3,
    metric: 'achieved_flops_per_device',
    target: true,
    eval: () => ({ predicted: run('llama-3.1-405b', 'h100-sxm', { devices: 16384, tp: 8, pp: 16, dp: 128, seqLen: 8192, globalBatch: 2048, schedule: 'interleaved' }).achieved_flops_per_device, expected: 400e12 }),
  },
  {
    id: 'Llama 3 405B, 16384 H100, TP8 CP16 PP16 DP8, seq 131072 (held out)',
    source: L3,
    metric: 'achieved_flops_per_device',
    target: true,
    eval: () => ({ predicted: run('llama-3.1-405b', 'h100-sxm', { devices: 16384, tp: 8, pp: 16, cp: 16, dp: 8, seqLen: 131072, globalBatch: 128, schedule: 'interleaved' }).achieved_flops_per_device, expected: 380e12 }),
  },
  {
    // 2,048 H800, PP 16, EP 64 over 8 nodes, ZeRO-1, FP8 GEMMs, seq 4K, batch 15,360 (report §3.2, §3.3, §4.2)
    id: 'DeepSeek-V3 pre-training, 14.8T tokens on 2048 H800 (held out)',
    source: 'DeepSeek-AI 2024, "DeepSeek-V3 Technical Report", arXiv 2412.19437, Table 1: 2,664K H800 GPU-hours pre-training',
    metric: 'gpu_hours',
    target: true,
    eval: () => ({ predicted: run('deepseek-v3', 'h800-sxm', { devices: 2048, tp: 1, pp: 16, ep: 64, seqLen: 4096, globalBatch: 15360, dtype: 'fp8', tokens: 14.8e12, schedule: 'dualpipe' }).gpu_hours!, expected: 2.664e6 }),
  },
  {
    // rumoured: ~25,000 A100 for 90–100 days on ~13T tokens, 8k context, ~60M-token batches, 15-way PP. The rumoured
    // 84-head model takes TP 4 (not the rumoured 8); 4 × 15 × 416 = 24,960 devices, 7,488 × 8,192 ≈ 61M tokens.
    id: 'GPT-4 (rumoured 1.8T MoE), 13T tokens on ~25k A100 (held out, estimate)',
    source: 'SemiAnalysis, "GPT-4 Architecture, Infrastructure, Training Dataset, Costs…", Jul 2023 (RUMOUR): 90–100 days',
    metric: 'total_s',
    target: true,
    eval: () => ({ predicted: run('gpt4-moe-1.8t', 'a100-sxm4-80gb', { devices: 24960, tp: 8, pp: 15, ep: 16, seqLen: 8192, globalBatch: 7488, tokens: 13e12 }).total_s!, expected: 95 * 86400 }),
  },
  megatron('Megatron GPT 18B, 256 A100, TP8 (held out)', gpt(6144, 48, 40), 8, 1, 256, 1024, 135, T1),
  megatron('Megatron GPT 39B, 512 A100, TP8 PP2 (held out)', gpt(8192, 64, 48), 8, 2, 512, 1536, 138, T1),
  megatron('Megatron GPT 76B, 1024 A100, TP8 PP4 (held out)', gpt(10240, 80, 60), 8, 4, 1024, 1792, 140, T1),
  megatron('Megatron GPT 145B, 1536 A100, TP8 PP8 (held out)', gpt(12288, 96, 80), 8, 8, 1536, 2304, 148, T1),
  megatron('Megatron GPT 310B, 1920 A100, TP8 PP16 (held out)', gpt(16384, 128, 96), 8, 16, 1920, 2160, 155, T1),
  megatron('Megatron GPT 530B, 2520 A100, TP8 PP35 (held out)', gpt(20480, 128, 105), 8, 35, 2520, 2520, 163, T1),
  megatron('Megatron GPT 1T, 3072 A100, TP8 PP64 (held out)', gpt(25600, 160, 128), 8, 64, 3072, 3072, 163, T1),
  megatron('Megatron GPT-3 175B, 384 A100 (held out)', lib.models['gpt3-175b'] as DecoderModel, 8, 12, 384, 1536, 153, T2),
  megatron('Megatron GPT-3 175B, 1536 A100 (held out)', lib.models['gpt3-175b'] as DecoderModel, 8, 12, 1536, 1536, 141, T2),
];

// The table as of this revision (predicted / published − 1; + = predicted faster or more). Per-row tolerance: the
// Llama 3 rows ±15% (C009 is the issue's ±15% row); the MoE rows and the 2021 Megatron rows only the ±2× bound.
// "before" = the revision before --recompute auto (every row ran selective recompute whether or not it fit).
//
// | row                                   | published            | predicted     | error  | before | recompute (auto)           |
// |---------------------------------------|----------------------|---------------|--------|--------|----------------------------|
// | C009 Llama 3 405B, 8,192 H100         | 430 TFLOP/s per GPU  | 373 TFLOP/s   | −13.3% | +13.4% | full, 1 layer per chunk    |
// | Llama 3 405B, 16,384 H100, DP128      | 400 TFLOP/s          | 381 TFLOP/s   |  −4.7% |  +8.0% | selective + layernorm      |
// | Llama 3 405B, 16,384 H100, CP16 128K  | 380 TFLOP/s          | 338 TFLOP/s   | −11.1% |  +8.6% | selective + layernorm      |
// | DeepSeek-V3, 14.8T tokens, 2,048 H800 | 2.664M GPU-hours     | 2.18M         | −18.1% | −35.3% | selective + layernorm,     |
// |                                       |                      |               |        |        |   moe_act, mla_up_proj     |
// | GPT-4 (rumour), 13T tokens, ~25k A100 | ~95 days             | 92.9 days     |  −2.2% | −36.8% | selective + layernorm,     |
// |                                       |                      |               |        |        |   moe_act                  |
// | Megatron 2021 (9 rows, documented)    | 135–163 TFLOP/s      | —             | 0…+22% | 0…+29% | full (as published)        |
//
// The two time-to-train rows include the run's lost time: total_s and gpu_hours divide the stepping time by the
// default 90% goodput (Llama 3 §3.3.4: "higher than 90% effective training time"; ./types.ts GOODPUT); before that
// they were −35.2% / −36.6%. Target set (C009 + the four held-out rows): MAPE 9.9%; the four held-out rows alone
// 9.0% (the bound is 20%); all rows 11.9%. The error column is the revision that made Megatron-LM's own
// default (plain 1F1B) the default schedule under runtime megatron: the Llama 3 rows name interleaved (their source
// says so) and did not move; GPT-4 (source silent) went −21.9% → −2.2% from interleaved to 1F1B, and the Megatron 2021
// rows (whose schedule was not checked against the paper here) from interleaved to 1F1B as well. The other columns
// are older revisions'. Under the default policy the memory model (Megatron-LM
// accounting, ./memory.ts) needs block recompute for C009, where Llama 3 §3.3.2 says it trained at 8K "without
// activation checkpointing": with the paper's own layout (v = 8, gradients sharded) it fits with only RMSNorm
// recomputed (test below), so C009's −3.5% partly reflects recompute Meta did not run. Both MoE rows come out too
// fast: DeepSeek-V3's step is bound by its all-to-all even with DualPipe (the 4-node routing cap is not in the spec),
// and its multi-token-prediction module (an extra MoE layer + output head per token, excluded from the 671B spec) is
// not priced; GPT-4's 90–100 days include failures and restarts (SemiAnalysis blames much of its 32–36% MFU on them).
// The Megatron 2021 rows run fast because the GEMM tables are 2023 cuBLASLt sweeps and attention is priced as
// FlashAttention.
const TOLERANCE: Record<string, number> = { C009: 0.15, L16k: 0.15, L128k: 0.15 };

describe('published training rows', () => {
  const results = ROWS.map((r) => ({ row: r, ...r.eval() }));
  const err = (x: { predicted: number; expected: number }) => x.predicted / x.expected - 1;
  const byKey = (k: string) => results[{ C009: 0, L16k: 1, L128k: 2 }[k]!]!;
  const byKeyResult = (k: 'L16k' | 'L128k') =>
    k === 'L16k'
      ? run('llama-3.1-405b', 'h100-sxm', { devices: 16384, tp: 8, pp: 16, dp: 128, seqLen: 8192, globalBatch: 2048, schedule: 'interleaved' })
      : run('llama-3.1-405b', 'h100-sxm', { devices: 16384, tp: 8, pp: 16, cp: 16, dp: 8, seqLen: 131072, globalBatch: 128, schedule: 'interleaved' });

  it('C009: Llama 3 405B on 8192 H100 ≈ 430 TFLOP/s per GPU within 15% (Llama 3 paper Table 4)', () => {
    expect(Math.abs(err(results[0]!))).toBeLessThan(0.15);
  });

  it.each(Object.entries(TOLERANCE))('Llama 3 Table 4 row %s within its tolerance', (k, tol) => {
    expect(Math.abs(err(byKey(k)))).toBeLessThan(tol);
  });

  it('Llama 3 throughput falls from 8,192 to 16,384 GPUs under the same recompute policy (fewer micro-batches per pipeline: larger bubble)', () => {
    // With --recompute auto the two differ in policy: at DP64 (32 micro-batches) rank 1 holds 77 chunks in flight and
    // needs block recompute, at DP128 (16 = pp micro-batches: all forwards first, 64 chunks) RMSNorm recompute is
    // enough — so compare them at one policy to isolate the bubble.
    const o = { tp: 8, pp: 16, seqLen: 8192, globalBatch: 2048, recompute: 'full', recomputeNumLayers: 1, schedule: 'interleaved' };
    const a = run('llama-3.1-405b', 'h100-sxm', { ...o, devices: 8192 });
    const b = run('llama-3.1-405b', 'h100-sxm', { ...o, devices: 16384 });
    expect(b.achieved_flops_per_device).toBeLessThan(a.achieved_flops_per_device);
  });
  it('the published Llama 3 / DeepSeek-V3 / GPT-4 configurations fit under the default --recompute auto', () => {
    const c009 = run('llama-3.1-405b', 'h100-sxm', { devices: 8192, tp: 8, pp: 16, seqLen: 8192, globalBatch: 2048, schedule: 'interleaved' });
    expect(c009.memory.fits).toBe(true);
    expect(c009.recompute_auto).toBe(true);
    expect([c009.recompute, c009.recompute_num_layers]).toEqual(['full', 1]); // 1 of each 2-layer chunk
    const ds = run('deepseek-v3', 'h800-sxm', { devices: 2048, tp: 1, pp: 16, ep: 64, seqLen: 4096, globalBatch: 15360, dtype: 'fp8', schedule: 'dualpipe' });
    expect(ds.memory.fits).toBe(true);
    // DeepSeek-V3 report §3.2.3: RMSNorm and MLA up-projections recomputed; §3.3.3: SwiGLU output recomputed
    expect([ds.recompute, ds.recompute_modules]).toEqual(['selective', ['core_attn', 'layernorm', 'moe_act', 'mla_up_proj']]);
    const g4 = run('gpt4-moe-1.8t', 'a100-sxm4-80gb', { devices: 24960, tp: 8, pp: 15, ep: 16, seqLen: 8192, globalBatch: 7488 });
    expect(g4.memory.fits).toBe(true);
    for (const k of ['L16k', 'L128k'] as const) expect(byKeyResult(k).memory.fits, k).toBe(true);
  });
  it("Llama 3's own layout fits with only the norms recomputed (§3.3.2: no activation checkpointing at 8K)", () => {
    // v = 8 (one layer slot per chunk: "the first model chunk of the first stage has only the embedding") and FSDP
    // sharding gradients and optimizer state (§3.3.1, ZeRO 2 here)
    const r = run('llama-3.1-405b', 'h100-sxm', { devices: 8192, tp: 8, pp: 16, seqLen: 8192, globalBatch: 2048, interleave: 8, zero: 2 });
    expect(r.memory.fits).toBe(true);
    expect([r.recompute, r.recompute_modules]).toEqual(['selective', ['core_attn', 'layernorm']]);
  });
  it('an explicit --recompute is kept even when it does not fit', () => {
    const r = run('llama-3.1-405b', 'h100-sxm', { devices: 8192, tp: 8, pp: 16, seqLen: 8192, globalBatch: 2048, recompute: 'selective', schedule: 'interleaved' });
    expect([r.recompute, r.recompute_auto, r.memory.fits]).toEqual(['selective', false, false]);
    expect(r.memory.reason).toMatch(/pipeline rank 1/);
  });

  it.each(results.map((x) => [x.row.id, x] as const))('%s: within 2×', (_id, x) => {
    expect(x.predicted / x.expected).toBeGreaterThan(0.5);
    expect(x.predicted / x.expected).toBeLessThan(2);
  });

  const mapeOf = (xs: typeof results) => xs.reduce((a, x) => a + Math.abs(err(x)), 0) / xs.length;
  const target = results.filter((x) => x.row.target);
  it('target set (C009 + held-out Llama 3, DeepSeek-V3, GPT-4): MAPE ≤ 18% (measured 9.9%), the held-out rows alone ≤ 20% (9.0%)', () => {
    const table = results.map((x) => `${x.row.id.padEnd(72)} ${x.row.metric.padEnd(26)} ${(err(x) * 100).toFixed(1).padStart(6)}%`);
    if (process.env.HWPERF_SHOW) console.log(`${table.join('\n')}\nMAPE all ${(mapeOf(results) * 100).toFixed(1)}%, target set ${(mapeOf(target) * 100).toFixed(1)}%`);
    expect(target.length).toBe(5);
    expect(mapeOf(target)).toBeLessThanOrEqual(0.18);
    expect(mapeOf(target.slice(1))).toBeLessThanOrEqual(0.2);
  });
  it('all rows, Megatron 2021 included: MAPE ≤ 21% (measured 11.9%)', () => {
    expect(mapeOf(results)).toBeLessThanOrEqual(0.21);
  });
  it('DeepSeek-V3: DualPipe is the production default where a runtime has it and names no framework default (ideal); torchtitan runs its own 1F1B unless DualPipe is named, and DualPipe beats plain 1F1B on it', () => {
    const o = { devices: 2048, tp: 1, pp: 16, ep: 64, seqLen: 4096, globalBatch: 15360, dtype: 'fp8', tokens: 14.8e12 };
    const ds = lib.models['deepseek-v3'] as DecoderModel;
    const h800 = lib.hardware['h800-sxm']!;
    expect(buildTrainRequest(ds, bindRuntime(h800, libraryRuntime('ideal')), o).schedule).toBe('dualpipe');
    const titan = bindRuntime(h800, libraryRuntime('torchtitan'));
    expect(buildTrainRequest(ds, titan, o).schedule).toBe('1f1b'); // torchtitan ParallelismConfig "1F1B"
    const d = simulateTraining(buildTrainRequest(ds, titan, { ...o, schedule: 'dualpipe' }));
    expect(d.schedule).toBe('dualpipe');
    // Megatron-Core (the training default) runs plain 1F1B, NeMo's recipes interleave: the all-to-all exposed either way
    expect(run('deepseek-v3', 'h800-sxm', o).schedule).toBe('1f1b');
    expect(buildTrainRequest(ds, bindRuntime(h800, libraryRuntime('nemo')), o).schedule).toBe('interleaved');
    const plain = simulateTraining(buildTrainRequest(ds, titan, o));
    expect(plain.gpu_hours!).toBeGreaterThan(1.2 * d.gpu_hours!);
  });
});

describe('C016: GPT-3 175B training compute (Brown et al. 2020, arXiv 2005.14165, Table D.1: 3.14e23 FLOPs)', () => {
  // The paper's 3.14e23 is 6·N·D with N = 174.6B, D = 300B; the attention term 6·n_layer·n_ctx·d_attn adds ~1.4%.
  it('is within 3% through the CSV command', async () => {
    const r = (await trainFromArgs(
      'train --model gpt3-175b --hardware a100-sxm4-80gb --devices 1024 --tp 8 --pp 16 --cp 1 --ep 1 --seq-len 2048 --global-batch 1536 --dtype bf16 --tokens 300000000000 --json'.split(' '),
    )) as TrainResult;
    expect(Math.abs(r.total_flops! / 3.14e23 - 1)).toBeLessThan(0.03);
    const sixND = 6 * 174.6e9 * 300e9;
    expect(sixND / 3.14e23).toBeCloseTo(1, 2);
    expect(r.total_flops! / sixND - 1).toBeGreaterThan(0.01);
    expect(r.total_flops! / sixND - 1).toBeLessThan(0.02);
  });
});

describe('--search', () => {
  it('finds a configuration that fits for GPT-3 175B on 1024 A100-80GB', () => {
    const { configs } = searchTraining(lib.models['gpt3-175b'] as DecoderModel, lib.hardware['a100-sxm4-80gb']!, { devices: 1024, seqLen: 2048, globalBatch: 1536, dtype: 'bf16', zero: 1 });
    expect(configs.length).toBeGreaterThan(0);
    const best = configs[0]!;
    expect(best.memory.fits).toBe(true);
    expect(best.tp * best.pp * best.cp * best.dp).toBe(1024);
    expect(best.tp).toBeLessThanOrEqual(8); // inside the NVLink domain
  });
});
