// --emit vllm|sglang|tensorrt-llm: the launch command (and config file, where the engine takes one) that deploys
// the configuration simulate just priced — parallelism, precision, KV dtype, max sequences, max model length and
// the memory share. Flag names are the engines' own:
//   vLLM        `vllm serve` engine arguments (docs.vllm.ai, vllm/engine/arg_utils.py): --tensor-parallel-size,
//               --pipeline-parallel-size, --data-parallel-size, --enable-expert-parallel, --quantization, --dtype,
//               --kv-cache-dtype, --max-num-seqs, --max-model-len, --gpu-memory-utilization (share of the device)
//   SGLang      `python -m sglang.launch_server` server arguments (docs.sglang.io server_arguments): --model-path,
//               --tp-size, --pp-size, --dp-size, --enable-dp-attention, --ep-size, --quantization, --dtype,
//               --kv-cache-dtype fp8_e4m3, --max-running-requests, --context-length, --mem-fraction-static
//   TensorRT-LLM `trtllm-serve` (nvidia.github.io/TensorRT-LLM commands/trtllm-serve): --backend pytorch, --tp_size,
//               --pp_size, --ep_size, --max_batch_size, --max_seq_len, --max_num_tokens,
//               --kv_cache_free_gpu_memory_fraction (share of the memory left after weights), and
//               --extra_llm_api_options FILE.yaml for LLM API fields (enable_attention_dp, kv_cache_config.dtype)
import { UserError } from '../spec/errors.js';
import type { NormalizedModel } from '../spec/types.js';
import type { SimulateResult } from '../sim/types.js';

export const ENGINES = ['vllm', 'sglang', 'tensorrt-llm'] as const;
export type Engine = (typeof ENGINES)[number];

export interface Launch {
  engine: Engine;
  command: string; // a shell command line (continued with \)
  config_file: { name: string; text: string } | null; // written before the command runs
  notes: string[]; // what the engine cannot be told by a flag (e.g. a pre-quantized checkpoint)
}

export function parseEngine(v: string): Engine {
  const e = v.toLowerCase() === 'trtllm' || v.toLowerCase() === 'trt-llm' ? 'tensorrt-llm' : v.toLowerCase();
  if (!(ENGINES as readonly string[]).includes(e)) throw new UserError(`--emit ${v}: expected one of ${ENGINES.join(', ')}`);
  return e as Engine;
}

const TORCH_DTYPE: Record<string, string> = { bf16: 'bfloat16', fp16: 'float16', fp32: 'float32' };

// The checkpoint to serve: an imported Hugging Face folder is served from where it lies; a library model by the
// checkpoint the user names in $MODEL.
function modelArg(model: NormalizedModel): { arg: string; note?: string } {
  const file = model.file;
  if (file && /config\.json$/i.test(file)) return { arg: shellQuote(file.replace(/\/?config\.json$/i, '') || '.') };
  return { arg: '"$MODEL"', note: `MODEL: the checkpoint of ${model.id} (Hugging Face repo id or local folder)` };
}

function shellQuote(s: string): string {
  return /^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function round(x: number, digits = 2): number {
  return Math.floor(x * 10 ** digits) / 10 ** digits; // down: a share above what was simulated could not fit
}

export function emitLaunch(engine: Engine, r: SimulateResult, model: NormalizedModel): Launch {
  if (r.family !== 'decoder') throw new UserError(`--emit ${engine}: launch commands are for decoder LLMs (${r.model} is ${r.family})`);
  if (!r.memory.fits) throw new UserError(`--emit ${engine}: this configuration does not fit (${r.memory.reason ?? 'memory'}); nothing to deploy — raise --tp/--pp or lower --batch`);
  const weights = String(r.weights_dtype);
  if (/^q\d/.test(String(r.dtype))) throw new UserError(`--emit ${engine}: ${r.dtype} is a llama.cpp GGUF scheme; serve it with llama.cpp, or simulate --dtype int4/fp8`);
  const notes: string[] = [];
  const m = modelArg(model);
  if (m.note) notes.push(m.note);
  const batch = Number(r.batch);
  const maxLen = (r.input_tokens ?? 0) + (r.output_tokens ?? 0);
  const replicas = r.replicas ?? 1;
  const attnDp = !!r.attention_dp;
  const ep = r.ep ?? 1;
  const usable = r.memory.capacity_bytes > 0 ? r.memory.usable_bytes / r.memory.capacity_bytes : 0.9;
  const kv8 = /^fp8/.test(String(r.kv_cache_dtype));
  // 8- and 4-bit weights come from a quantized checkpoint (its quantization_config), except fp8 that vLLM and
  // SGLang can also quantize on load
  const preQuantized = model.dtype === r.dtype;
  const quantNote = (how: string) => notes.push(`${weights} weights: ${how}`);

  const lines: string[] = [];
  const flag = (name: string, value?: string | number) => lines.push(value === undefined ? name : `${name} ${value}`);
  let head: string;
  let config: Launch['config_file'] = null;
  switch (engine) {
    case 'vllm': {
      head = `vllm serve ${m.arg}`;
      // data-parallel attention: vLLM runs attention as dp ranks of tp 1 with experts over all of them
      if (attnDp) {
        flag('--tensor-parallel-size', 1);
        flag('--data-parallel-size', r.tp * replicas);
      } else {
        flag('--tensor-parallel-size', r.tp);
        if (replicas > 1) flag('--data-parallel-size', replicas);
      }
      if (r.pp > 1) flag('--pipeline-parallel-size', r.pp);
      if (ep > 1 || attnDp) flag('--enable-expert-parallel');
      if (TORCH_DTYPE[weights]) flag('--dtype', TORCH_DTYPE[weights]);
      else if (weights === 'fp8' && !preQuantized) flag('--quantization', 'fp8');
      else quantNote(preQuantized ? "the checkpoint's own (its quantization_config is read at load)" : 'serve a checkpoint quantized to it (AWQ/GPTQ int4, NVFP4/MXFP4, W8A8): vLLM reads its quantization_config');
      if (kv8) flag('--kv-cache-dtype', 'fp8');
      flag('--max-num-seqs', batch);
      flag('--max-model-len', maxLen);
      flag('--gpu-memory-utilization', round(usable));
      break;
    }
    case 'sglang': {
      head = `python -m sglang.launch_server --model-path ${m.arg}`;
      flag('--tp-size', r.tp);
      if (r.pp > 1) flag('--pp-size', r.pp);
      if (attnDp) {
        flag('--dp-size', r.tp);
        flag('--enable-dp-attention');
      } else if (replicas > 1) flag('--dp-size', replicas);
      if (attnDp && replicas > 1) notes.push(`${replicas} replicas: run one server per replica behind SGLang's router`);
      if (ep > 1) flag('--ep-size', ep);
      if (TORCH_DTYPE[weights]) flag('--dtype', TORCH_DTYPE[weights]);
      else if (weights === 'fp8' && !preQuantized) flag('--quantization', 'fp8');
      else quantNote(preQuantized ? "the checkpoint's own (its quantization_config is read at load)" : 'serve a checkpoint quantized to it: SGLang reads its quantization_config');
      if (kv8) flag('--kv-cache-dtype', 'fp8_e4m3');
      flag('--max-running-requests', batch);
      flag('--context-length', maxLen);
      flag('--mem-fraction-static', round(usable));
      break;
    }
    case 'tensorrt-llm': {
      head = `trtllm-serve ${m.arg}`;
      flag('--backend', 'pytorch');
      flag('--tp_size', r.tp);
      flag('--pp_size', r.pp);
      if (ep > 1) flag('--ep_size', ep);
      flag('--max_batch_size', batch);
      flag('--max_seq_len', maxLen);
      flag('--max_num_tokens', Math.max(8192, r.input_tokens ?? 0)); // one whole prompt per iteration, as simulated
      // TensorRT-LLM's KV share is of the memory left after weights and workspace
      const w = r.memory.weights_bytes + r.memory.activations_bytes;
      const free = r.memory.capacity_bytes - w;
      const share = free > 0 ? Math.min(1, Math.max(0.01, (r.memory.usable_bytes - w) / free)) : 0.9;
      flag('--kv_cache_free_gpu_memory_fraction', round(share));
      if (!TORCH_DTYPE[weights]) quantNote(`${preQuantized ? "the checkpoint's own" : 'serve a checkpoint quantized to it (TensorRT Model Optimizer FP8/NVFP4/INT4-AWQ)'}: trtllm-serve reads the quantization from the checkpoint`);
      if (replicas > 1) notes.push(`${replicas} replicas: run one server per replica behind a load balancer`);
      const yaml = [
        ...(attnDp ? ['enable_attention_dp: true'] : []),
        'kv_cache_config:',
        `  dtype: ${kv8 ? 'fp8' : 'auto'}`,
        `  free_gpu_memory_fraction: ${round(share)}`,
      ];
      config = { name: 'extra_llm_api_options.yaml', text: yaml.join('\n') + '\n' };
      flag('--extra_llm_api_options', config.name);
      break;
    }
  }
  const command = [head, ...lines].join(' \\\n  ');
  return { engine, command, config_file: config, notes };
}

/** the launch as a shell snippet: notes as comments, the config file as a heredoc, then the command */
export function renderLaunch(l: Launch, r: SimulateResult): string {
  const out = [`# ${l.engine}: ${r.model} on ${r.devices}× ${r.hardware} as simulated — tp ${r.tp}, pp ${r.pp}${r.ep > 1 ? `, ep ${r.ep}` : ''}${r.attention_dp ? ', attention data-parallel' : ''}, ${r.weights_dtype} weights, ${r.kv_cache_dtype} KV cache, ${r.batch} sequences, ${(r.input_tokens ?? 0) + (r.output_tokens ?? 0)} tokens each`];
  for (const n of l.notes) out.push(`# ${n}`);
  if (l.config_file) out.push(`cat > ${l.config_file.name} <<'EOF'`, l.config_file.text.trimEnd(), 'EOF');
  out.push(l.command);
  return out.join('\n');
}
