// Which runtime a published measurement ran under, from the free-text `software` column of the validation CSV
// ("TensorRT-LLM v0.17 (trtllm-bench, engine flow)", "llama.cpp Metal (llama-bench)", …). First match wins, so the
// more specific names come first (ollama and whisper.cpp before llama.cpp, Diffusers and timm before PyTorch).
const PATTERNS: [RegExp, string][] = [
  [/tensorrt[- ]?llm|trt[- ]?llm/i, 'tensorrt-llm'],
  [/\bsglang\b/i, 'sglang'],
  [/vllm[- ]ascend/i, 'vllm-ascend'],
  [/\bvllm\b/i, 'vllm'],
  [/\bollama\b/i, 'ollama'],
  [/whisper\.cpp/i, 'whisper.cpp'],
  [/faster[- ]whisper|ctranslate2/i, 'faster-whisper'],
  [/openai[-/ ]whisper/i, 'openai-whisper'],
  [/llama\.cpp|\bggml\b/i, 'llama.cpp'],
  [/\bmlx\b/i, 'mlx'],
  [/\bmlc\b/i, 'mlc-llm'],
  [/\bgenie\b|\bqnn\b|qairt/i, 'genie'],
  [/neuropilot/i, 'neuropilot'],
  [/core ?ml/i, 'coreml'],
  [/megatron|\bnemo\b/i, 'megatron'],
  // DeepSpeed-FastGen (DeepSpeed-MII over the ragged v2 engine) before DeepSpeed's kernel-injection inference / ZeRO
  [/fastgen|deepspeed[- ]mii/i, 'deepspeed-fastgen'],
  // LLaMA-Factory's ZeRO training marks MoE blocks as ZeRO-3 leaf modules (runtimes/llamafactory.yaml)
  [/llama[- ]?factory/i, 'llamafactory'],
  [/deepspeed/i, 'deepspeed'],
  // Meta's Llama 3 training stack (FSDP + TP + CP + PP in PyTorch) is what torchtitan open-sources
  [/torchtitan|\bfsdp/i, 'torchtitan'],
  [/optimum[- ]habana|habana/i, 'optimum-habana'],
  [/mindie/i, 'mindie'],
  [/\bjax\b|maxtext|jetstream/i, 'jax'],
  [/diffusers/i, 'diffusers'],
  [/\btimm\b|pytorch|transformers/i, 'pytorch'],
];

/** the runtime id a `software` description names, or undefined when it names none */
export function runtimeOfSoftware(software: string | undefined): string | undefined {
  if (!software) return undefined;
  for (const [re, id] of PATTERNS) if (re.test(software)) return id;
  return undefined;
}
