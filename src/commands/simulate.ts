import { Flags } from '@oclif/core';
import { simulateFromFlags } from '../sim/from-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { dtypeFlag } from '../cli/dtype-flag.js';
import { runtimeFlag } from '../cli/runtime-flag.js';
import { costFlags } from '../cli/cost-flags.js';
import { mediaItem, renderSimulate } from '../report/simulate-text.js';
import { renderLaunch } from '../emit/launch.js';
import { stepsMix } from '../sim/decoder.js';

export default class Simulate extends BaseCommand {
  static summary = 'Simulate a model on hardware: latency, throughput, memory, energy and cost.';
  static examples = [
    '<%= config.bin %> simulate --model llama-3.1-70b --hardware h100-sxm --tp 2',
    '<%= config.bin %> simulate --model llama-3.1-8b --hardware h100-sxm --batch max --input-tokens 2048 --output-tokens 256 --json',
    '<%= config.bin %> simulate --model llama-3.2-3b --hardware snapdragon-8-elite --dtype int4 --memory lpddr5x:64',
    '<%= config.bin %> simulate --model deepseek-v3 --hardware h200-sxm --tp 8 --attention-dp --dtype fp8 --batch max',
    '<%= config.bin %> simulate --model llama-3.1-70b --hardware h100-sxm --tp 4 --dtype fp8 --batch 64 --input-tokens 2048 --output-tokens 512 --emit vllm',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
    runtime: runtimeFlag,
    devices: Flags.integer({ description: 'devices in total (default tp·pp; extra devices are data-parallel replicas)' }),
    tp: Flags.integer({ description: 'tensor-parallel degree (a diffusion transformer: Ulysses sequence-parallel devices per sample)', default: 1 }),
    pp: Flags.integer({ description: 'pipeline-parallel degree', default: 1 }),
    ep: Flags.integer({ description: 'expert-parallel degree (≤ tp·pp)' }),
    'attention-dp': Flags.boolean({ description: 'MoE serving as TensorRT-LLM / SGLang run DeepSeek and Qwen3: attention data-parallel over the tp devices (each serves batch/tp requests with all heads), experts expert-parallel (ep = tp) behind an all-to-all, or tensor-parallel over every rank\'s tokens gathered where the runtime does that (kernels.attention_dp_moe: SGLang)' }),
    batch: Flags.string({ char: 'b', description: 'requests in flight per replica, or "max"', default: '1' }),
    'input-tokens': Flags.integer({ description: 'prompt tokens per request', default: 512 }),
    'output-tokens': Flags.integer({ description: 'generated tokens per request (Whisper: per 30 s window, default the transcript of speech at 150 words/min)', default: 128 }),
    dtype: dtypeFlag,
    weights: Flags.string({ description: 'override the weight dtype' }),
    activations: Flags.string({ description: 'override the activation (GEMM input) dtype' }),
    'kv-cache': Flags.string({ description: 'override the KV-cache dtype' }),
    resolution: Flags.integer({ description: 'image/video side in pixels (DiT, pipelines)' }),
    frames: Flags.integer({ description: 'video frames (video DiT, pipelines)' }),
    steps: Flags.integer({ description: 'denoising steps (DiT, pipelines)' }),
    cfg: Flags.boolean({ description: 'classifier-free guidance: 2 denoiser samples per image (DiT, pipelines; default on, --no-cfg)', allowNo: true }),
    'audio-seconds': Flags.string({ description: 'audio length in seconds (Whisper, audio pipelines)' }),
    'detect-language': Flags.boolean({ description: 'Whisper: detect the language first, as openai-whisper / mlx-whisper transcribe() do when no language is given for a multilingual model: one more encoder pass over the first 30 s window and one decoder step per request' }),
    memory: Flags.string({ description: 'what-if: swap the memory system, TECH:COUNT[@GBPS] (COUNT = HBM stacks or bus bits; GBPS = Gb/s per pin, default the top bin), e.g. hbm3:5@5.24, lpddr5x:64' }),
    set: Flags.string({ description: 'what-if: override a spec field, PATH=VALUE (repeatable)', multiple: true }),
    ...costFlags,
    'max-tpot': Flags.string({ description: 'latency limit for --batch max: time per output token (s, or e.g. 30ms)' }),
    'max-ttft': Flags.string({ description: 'latency limit for --batch max: time to first token (s, or e.g. 2s)' }),
    'spec-model': Flags.string({ description: 'speculative decoding with this draft model' }),
    'spec-tokens': Flags.integer({ description: 'draft tokens per step (with --spec-model)' }),
    mtp: Flags.integer({ description: 'speculative decoding with K multi-token-prediction heads' }),
    acceptance: Flags.string({ description: 'probability each draft token is accepted given the previous one was (tokens per step (1 − A^(K+1))/(1 − A))' }),
    'auto-tp': Flags.boolean({ description: 'the smallest tensor-parallel degree (2, 4, 8 within the scale-up domain), then pipeline stages, at which a decoder fits' }),
    verbose: Flags.boolean({ char: 'v', description: 'per-op tables for prefill and decode' }),
    emit: Flags.string({ description: 'print the launch command that deploys this configuration instead of the report: vllm, sglang or tensorrt-llm, simulated with that runtime unless --runtime names another (with --json: the `launch` key)' }),
  };

  async run(): Promise<unknown> {
    const { flags, metadata } = await this.parse(Simulate);
    // the flags the user typed (defaults are the engine's to apply: Whisper's transcript length depends on the audio)
    const given = Object.keys(flags).filter((k) => !metadata.flags[k]?.setFromDefault);
    const typed = Object.fromEntries(given.map((k) => [k, flags[k as keyof typeof flags]]));
    const { model, hardware, result } = await simulateFromFlags(typed as typeof flags);
    if (result.launch) {
      if (!this.jsonEnabled()) this.log(renderLaunch(result.launch, result));
      return result;
    }
    if (!this.jsonEnabled()) {
      if (!flags.dtype && model.dtype) this.log(`precision ${model.dtype}: the model's own (its quantization_config); --dtype overrides it`);
      this.log(renderSimulate(result, flags.verbose, mediaItem(model, typed.frames as number | undefined), model.family !== 'decoder' || stepsMix(hardware, { attentionDp: result.attention_dp === true }, model)));
    }
    return result;
  }
}
