// A prompt's ubatches across the stages of a layer split (llama.cpp --split-mode layer, priced as --pp). ggml's scheduler
// gives each ubatch its own copy of the stage inputs, up to GGML_SCHED_MAX_COPIES = 4, so a stage takes the next ubatch
// of a llama_decode call while later stages run the earlier ones (ggml-org/llama.cpp ggml/src/ggml-backend.cpp
// @0054c013: n_copies, cur_copy, events[GGML_SCHED_MAX_BACKENDS][GGML_SCHED_MAX_COPIES]). llama.cpp turns this on when
// the model spans several devices with every layer offloaded, split mode layer and the KV cache on the devices, and
// every device backend has async compute and events (src/llama-context.cpp @001d906a, pipeline_parallel: CUDA / HIP,
// and Vulkan, report both). One llama_decode call takes at most n_batch tokens (the runtime's max_num_batched_tokens):
// its ubatches flow through the P stages; the next call starts when the last of them leaves.
//
// With stage time t per ubatch, k ubatches in one call take (k + P − 1)·t while k <= C copies (the first ubatch crosses
// all P stages, each later one leaves one stage-time after the one before it); past C, a copy is free again only when
// its ubatch has left the last stage, so each further C ubatches add P·t. A call's last ubatch may be partial: k is
// fractional, and a lone partial ubatch of k < 1 crosses the stages in k·P·t. Serial pricing (every ubatch through every
// stage in turn) is k·P·t; P = 1 or C = 1 gives it back.
//
// Measured: 8x MI300X, llama.cpp b6652, Llama 3.1 70B Q4_K_M, n_batch 2048 / n_ubatch 512 (ROCm/rocm-blogs
// llama-cpp-oct2025, N6262-N6264): pp4096 / pp512 = 4010.72 / 1340.55 = 2.99x, against (4 · 8) / (4 + 7) = 2.91x here.

/** stage-times for k ubatches (k may be fractional: the last one partial) through P stages with C copies in flight */
export function pipelinedStageTimes(k: number, P: number, C: number): number {
  if (!(k > 0)) return 0;
  const first = Math.min(k, 1) * P;          // the first (or only, partial) ubatch crosses every stage
  const rest = Math.max(0, k - 1);
  if (P <= C || rest <= C - 1) return first + rest; // copies never bind: one stage-time per further ubatch
  // the first C ubatches as above; each further one waits for a copy, C of them per P stage-times
  return first + (C - 1) + (rest - (C - 1)) * (P / C);
}

/**
 * the cold prefill of `tokens` prompt tokens in calls of at most `nBatch` tokens, each call's ubatches (of `ubatch`
 * tokens) pipelined over P stages with C copies, as a multiple of one stage's time for the whole prompt (`stageS`: the
 * pass priced for one stage, all its ubatches in turn). Serial pricing is stageS·P.
 */
export function pipelinedPrefillSeconds(stageS: number, tokens: number, ubatch: number, nBatch: number, P: number, C: number): number {
  const kTotal = tokens / ubatch;
  if (P <= 1 || C <= 1 || !(kTotal > 0)) return stageS * P;
  const perUbatch = stageS / kTotal;
  const calls = Math.floor(tokens / nBatch);
  const tail = tokens - calls * nBatch;
  const units = calls * pipelinedStageTimes(nBatch / ubatch, P, C) + pipelinedStageTimes(tail / ubatch, P, C);
  return Math.min(stageS * P, units * perUbatch);
}
