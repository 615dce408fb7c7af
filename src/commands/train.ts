import { costFlags } from '../cli/cost-flags.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { runTrain, type TrainFlags } from '../sim/training/from-args.js';
import { renderTrain, renderTrainSearch } from '../report/train-text.js';
import { runtimeFlag } from '../cli/runtime-flag.js';
import { PIPELINE_SCHEDULES } from '../spec/types.js';

export default class Train extends BaseCommand {
  static summary = 'Estimate a training run: step time, MFU, tokens/s, total time, device-hours, memory per device.';
  static description = [
    'FLOPs are model FLOPs (docs/design.md): per token 6·N_active + 6·n_layer·n_ctx·d_attn (Kaplan et al. 2020, Table 1;',
    'causal mask not halved), recomputation excluded. achieved_flops_per_device = model FLOPs per step / step_s / devices;',
    'mfu = achieved / dense peak of the training dtype; total_flops = per-token FLOPs × --tokens.',
    'Step model: forward + backward (2× forward) per layer on the roofline engine, TP (sequence-parallel all-gather /',
    'reduce-scatter), CP ring KV exchange, EP all-to-all, DP gradient sync overlapped with backward bucket by bucket',
    '(all but the last 40M-parameter bucket), Adam as a memory-bound pass; links at the measured fraction for each message size.',
    'Schedules: 1f1b and interleaved (bubble (p−1)/(v·m), Narayanan et al. 2021; v boundaries of p2p per micro-batch);',
    'dualpipe (DeepSeek-V3 §3.2.1: bubble (p/2−1)(F&B+B−3W), EP all-to-all and p2p hidden behind compute that runs on',
    'the units left to it (20 SMs of 132 go to communication), node-deduplicated dispatch, two stages per device).',
    'Memory: 2 + 2 + 12 bytes per parameter (ZeRO paper) sharded by --zero over dp·cp, activations after Korthikanti',
    'et al. 2022 (generalized to GQA, SwiGLU, MLA, MoE; fp8 GEMM inputs cached in fp8) under the recompute policy, with',
    'the micro-batches in flight on every pipeline rank of Megatron\'s 1F1B / interleaved warm-up (2(p−r−1) + (v−1)p',
    'chunks on rank r) or DualPipe (pp + 1 stage loads); the first and last stage give a layer slot to the embedding and',
    'the loss when the split leaves two free (Llama 3 §3.3.2); the fullest rank is reported; 90% of device memory is usable.',
    '--recompute auto (default) picks the cheapest policy that fits and reports it; its recomputation is in step_s.',
    'Defaults: dp = devices/(tp·pp·cp); ep (MoE) = gcd(dp·cp, experts); seq-len min(context, 4096); micro-batch 1;',
    'global batch ≈ 4M tokens and ≥ 2·pp micro-batches per pipeline; bf16; recompute auto; ZeRO 1 (distributed',
    'optimizer); schedule: dualpipe for an MoE with ep > 1 on an even pp where the runtime has it (torchtitan; not',
    'megatron/nemo), else interleaved with the largest v that leaves ≥ 2 layers per chunk (as NVIDIA\'s Llama 3.1 405B',
    'and DeepSeek-V3 recipes), else 1f1b (`hwperf show runtime ID`: pipeline_schedules).',
  ].join('\n');
  static examples = [
    '<%= config.bin %> train --model llama-3.1-405b --hardware h100-sxm --devices 8192 --tp 8 --pp 16 --seq-len 8192 --global-batch 2048',
    '<%= config.bin %> train --model gpt3-175b --hardware a100-sxm4-80gb --devices 1024 --tp 8 --pp 16 --global-batch 1536 --tokens 300e9 --json',
    '<%= config.bin %> train --model gpt3-175b --hardware a100-sxm4-80gb --devices 1024 --global-batch 1536 --search',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file (decoder)', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
    runtime: runtimeFlag,
    devices: Flags.integer({ description: 'devices in total', required: true }),
    tp: Flags.integer({ description: 'tensor-parallel degree (with sequence parallelism)' }),
    pp: Flags.integer({ description: 'pipeline-parallel degree' }),
    cp: Flags.integer({ description: 'context-parallel degree' }),
    ep: Flags.integer({ description: 'expert-parallel degree (ranks taken from dp·cp, and from the tp ranks the experts leave when etp < tp)' }),
    etp: Flags.integer({ description: "expert tensor-parallel degree: the routed experts' weights split over etp of the tp ranks (default the runtime's training.expert_tp: tp under Megatron / NeMo, 1 under EP for torchtitan and DeepSpeed; 1 keeps each expert whole)" }),
    dp: Flags.integer({ description: 'data-parallel degree (default devices/(tp·pp·cp))' }),
    interleave: Flags.integer({ description: 'virtual pipeline stages per device (interleaved 1F1B); default: the largest v leaving ≥ 2 layers per chunk' }),
    schedule: Flags.string({
      description: 'pipeline schedule (default: dualpipe for MoE with ep > 1 on an even pp where the runtime has it, else interleaved when layers allow, else 1f1b)',
      options: [...PIPELINE_SCHEDULES],
    }),
    'seq-len': Flags.integer({ description: 'tokens per sequence' }),
    'global-batch': Flags.integer({ description: 'sequences per optimizer step' }),
    'micro-batch': Flags.integer({ description: 'sequences per micro-batch' }),
    tokens: Flags.string({ description: 'training tokens (for total_flops, total_s, gpu_hours, cost_usd), e.g. 300e9' }),
    dtype: Flags.string({ description: 'training precision: bf16, fp8 (Transformer Engine-style fp8 GEMMs) or int8 (AQT int8 GEMMs, forward and backward, as MaxText quantization: int8)', options: ['bf16', 'fp8', 'int8'] }),
    recompute: Flags.string({
      description: 'activation recomputation (default auto: the cheapest policy that fits — none, selective, selective with more modules, then full on k layers per chunk, then full)',
      options: ['auto', 'none', 'selective', 'full'],
    }),
    'recompute-modules': Flags.string({ description: 'with --recompute selective: modules to recompute, comma-separated: core_attn (default), layernorm, moe_act, mla_up_proj (Megatron-Core names)' }),
    'recompute-num-layers': Flags.integer({ description: 'with --recompute full: layers recomputed per model chunk (Megatron --recompute-method block); default every layer' }),
    'remat-policy': Flags.string({
      description: "MaxText's remat_policy (JAX): full (= --recompute full), minimal, minimal_with_context, save_dot_with_context_except_mlp, save_dot_except_mlpwi (save_dot_except_logits_ffn1), save_dot_except_mlp, save_qkv_proj, save_out_proj, qkv_proj_offloaded, minimal_offloaded — dense blocks rerun the forward of what the policy does not save",
    }),
    zero: Flags.integer({ description: 'ZeRO stage 0–3 over the data-parallel group' }),
    search: Flags.boolean({ description: 'try the valid splits and print the fastest that fit' }),
    top: Flags.integer({ description: 'configurations to print with --search', default: 5 }),
    set: Flags.string({ description: "what-if: override a spec field, PATH=VALUE (repeatable), as simulate's, e.g. --set interconnect.scale_out.bandwidth=12.5GB/s (a cluster's stated network per device)", multiple: true }),
    ...costFlags,
    goodput: Flags.string({ description: 'share of wall time spent training, for total_s / gpu_hours (default 0.9: Llama 3 405B kept >90% effective training time, arXiv 2407.21783 §3.3.4); 1 = stepping time only' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Train);
    const result = await runTrain(flags as TrainFlags);
    if (!this.jsonEnabled()) {
      if ('configs' in result) this.log(renderTrainSearch(result.configs, result.tried));
      else this.log(renderTrain(result));
    }
    return result;
  }
}
