import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dtypeFlagBf16 } from '../cli/dtype-flag.js';
import { startProgress } from '../cli/progress.js';
import { findLibraryRuntime, libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { UserError } from '../spec/errors.js';
import { bindRuntime, resolveRuntime } from '../runtime/resolve.js';
import { checkOutFile } from '../report/write.js';
import { serve } from '../serve/serve.js';
import { serveOptions } from '../serve/flags.js';
import { renderServe } from '../report/serve-text.js';
import { writeTimeline } from '../serve/timeline-file.js';

export default class Serve extends BaseCommand {
  static summary = 'Simulate serving under load: arrivals, continuous batching, KV-cache pressure; TTFT/TPOT/ITL/E2E percentiles.';
  static examples = [
    '<%= config.bin %> serve --model llama-3.1-8b --hardware h100-sxm --rate 20 --input-tokens 1024 --output-tokens 256',
    '<%= config.bin %> serve --model llama-3.1-70b --hardware h200-sxm --tp 4 --devices 8 --rate 10 --router least-loaded --slo-ttft 2s --slo-tpot 50ms --json',
    '<%= config.bin %> serve --model llama-3.1-8b --hardware h100-sxm --concurrency 64 --input-tokens lognormal:2048,1024 --output-tokens uniform:64,512',
    '<%= config.bin %> serve --model qwen3-8b --hardware h100-sxm --concurrency 1000 --requests 1000 --input-tokens sharegpt:215 --output-tokens sharegpt:197',
    '<%= config.bin %> serve --model llama-3.1-70b --hardware h100-sxm --prefill-devices 4 --decode-devices 4 --tp 4 --rate 4',
    '<%= config.bin %> serve --model deepseek-v3 --hardware h200-sxm --tp 8 --attention-dp --dtype fp8 --mtp 1 --acceptance 0.8 --rate 20',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file (a decoder LLM)', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
    devices: Flags.integer({ description: 'devices in total (default tp·pp; more are replicas behind --router)' }),
    tp: Flags.integer({ description: 'tensor-parallel degree', default: 1 }),
    pp: Flags.integer({ description: 'pipeline-parallel degree', default: 1 }),
    ep: Flags.integer({ description: 'expert-parallel degree (≤ tp·pp)' }),
    'attention-dp': Flags.boolean({ description: 'MoE: attention data-parallel over the tp devices, experts expert-parallel (each pool when disaggregated)' }),
    dtype: dtypeFlagBf16,
    weights: Flags.string({ description: 'override the weight dtype' }),
    activations: Flags.string({ description: 'override the activation (GEMM input) dtype' }),
    'kv-cache': Flags.string({ description: 'override the KV-cache dtype' }),
    memory: Flags.string({ description: 'what-if: swap the memory system, TECH:COUNT' }),
    set: Flags.string({ description: 'what-if: override a spec field, PATH=VALUE (repeatable)', multiple: true }),
    price: Flags.string({ description: 'USD per device-hour: one number, or HARDWARE=USD as simulate takes it' }),
    runtime: Flags.string({ description: 'serving runtime whose scheduler runs: vllm (preempt and recompute), sglang, tensorrt-llm (admit only when the KV cache fits)' }),
    rate: Flags.string({ description: 'open loop: requests per second (Poisson; see --burstiness)' }),
    burstiness: Flags.string({ description: 'gamma shape of inter-arrival times (1 = Poisson, < 1 burstier), as vLLM\'s benchmark' }),
    'max-concurrency': Flags.integer({ description: 'with --rate: at most this many requests outstanding (vLLM\'s benchmark)' }),
    concurrency: Flags.integer({ description: 'closed loop: this many clients, each sending its next request when the last finishes' }),
    trace: Flags.string({ description: 'JSONL or CSV trace: input_tokens, output_tokens, optional arrival_s, prefix_id, prefix_tokens' }),
    requests: Flags.integer({ description: 'requests to simulate (default 1000, or the trace length)' }),
    seed: Flags.integer({ description: 'random seed of arrivals and lengths', default: 0 }),
    'input-tokens': Flags.string({ description: 'prompt tokens: N, uniform:a,b, normal:mean,sd or lognormal:mean,sd (of the count itself; ,max=N caps each draw at N), or sharegpt[:mean] (ShareGPT as vLLM\'s benchmark samples it, scaled to that mean)', default: '512' }),
    'output-tokens': Flags.string({ description: 'generated tokens: N or a distribution as --input-tokens (sharegpt on both: each request one ShareGPT prompt with its own reply\'s length)', default: '128' }),
    'max-num-batched-tokens': Flags.integer({ description: 'token budget of one iteration (chunked prefill; default from the runtime)' }),
    'max-num-seqs': Flags.integer({ description: 'requests running at once on a replica (default from the runtime)' }),
    'max-model-len': Flags.integer({ description: "the engine's max_model_len (vLLM --max-model-len): sets the scheduler defaults that depend on it (default: the model's context)" }),
    'prefix-hit': Flags.string({ description: 'share of each prompt found in the prefix cache (0–1)' }),
    'prefill-devices': Flags.integer({ description: 'disaggregated: devices of the prefill pool' }),
    'decode-devices': Flags.integer({ description: 'disaggregated: devices of the decode pool' }),
    'prefill-tp': Flags.integer({ description: 'disaggregated: tp of a prefill replica (default --tp)' }),
    'decode-tp': Flags.integer({ description: 'disaggregated: tp of a decode replica (default --tp)' }),
    frontend: Flags.string({ description: "where requests enter: api = through the runtime's API server, priced by its frontend block (vllm bench serve, benchmark_serving.py, sglang.bench_serving, genai-perf); none = straight into the engine (offline LLM.generate / benchmark_throughput, trtllm-bench, MLPerf harnesses)", default: 'api', options: ['api', 'none'] }),
    router: Flags.string({ description: 'replica routing: round-robin or least-loaded', default: 'round-robin' }),
    'spec-model': Flags.string({ description: 'speculative decoding with this draft model' }),
    'spec-tokens': Flags.integer({ description: 'draft tokens per step (with --spec-model)' }),
    mtp: Flags.integer({ description: 'speculative decoding with K multi-token-prediction heads' }),
    acceptance: Flags.string({ description: 'probability each draft token is accepted given the previous one was' }),
    'slo-ttft': Flags.string({ description: 'SLO on time to first token (s, or e.g. 2s)' }),
    'slo-tpot': Flags.string({ description: 'SLO on time per output token (s, or e.g. 50ms)' }),
    'slo-e2e': Flags.string({ description: 'SLO on end-to-end latency (s)' }),
    timeline: Flags.string({ description: 'write per-iteration records to FILE.csv and a chart FILE.png beside it' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Serve);
    if (flags.timeline !== undefined && !/\.csv$/i.test(flags.timeline)) throw new UserError(`--timeline ${flags.timeline}: expected a file name ending in .csv (the chart goes beside it as .png)`);
    if (flags.timeline !== undefined) checkOutFile(flags.timeline, true, '--timeline'); // before the run: one line
    const model = await resolveModel(flags.model);
    let hw = await applyWhatIfs(await resolveHardware(flags.hardware), flags.memory, flags.set);
    // --runtime: a library id or a YAML file, checked here (an unknown id is an error, never a silent default);
    // a file's runtime is bound to the hardware, which serve() then runs as it is
    let runtime = flags.runtime;
    if (runtime !== undefined) {
      const rt = await resolveRuntime(runtime);
      if (!findLibraryRuntime(runtime)) {
        hw = bindRuntime(hw, rt);
        runtime = rt.id;
      }
    }
    const opts = serveOptions({ ...flags, runtime } as Record<string, unknown>, model, hw, libraryModel);
    const progress = startProgress({ label: 'serve', json: this.jsonEnabled() });
    let run;
    try {
      run = serve({ ...opts, timeline: flags.timeline !== undefined, onProgress: (d, t) => progress.update(d, t) });
    } finally {
      progress.done();
    }
    if (flags.timeline !== undefined) await writeTimeline(flags.timeline, run, `${model.id} on ${hw.id}`);
    if (!this.jsonEnabled()) this.log(renderServe(run.result, `${model.id} on ${run.result.devices}× ${hw.id} (${run.result.runtime})`));
    return run.result;
  }
}
