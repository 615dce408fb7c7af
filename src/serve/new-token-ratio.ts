// SGLang's admission estimate (scheduler.admission: estimate). SGLang keeps no per-request reservation of the
// tokens a request has yet to generate; its PrefillAdder (python/sglang/srt/managers/schedule_policy.py) admits a
// waiting request while
//   extend_input_len + min(max_new_tokens − generated, CLIP)  <  free + evictable KV − offset
// where the offset charges every running request new_token_ratio × min(max_new_tokens − generated, CLIP)
// (_get_running_request_total_token_offset) and every request admitted earlier in the same round its whole
// input + min(max_new_tokens, CLIP) (_update_prefill_budget; a request whose prompt is cut into chunks is charged only
// the chunk, and its output when the last chunk runs: add_chunked_req). The ratio starts at
// SGLANG_INIT_NEW_TOKEN_RATIO × schedule_conservativeness, falls by (init − min) / SGLANG_NEW_TOKEN_RATIO_DECAY_STEPS
// at every decode iteration (Scheduler.update_running_batch) down to init × SGLANG_MIN_NEW_TOKEN_RATIO_FACTOR, goes
// back to init when the server is idle (self_check_during_idle), and when decodes run out of KV (check_decode_mem
// fails) ScheduleBatch.retract_decode retracts requests and sets it to
//   min(1, (Σ generated + SGLANG_RETRACT_DECODE_STEPS × running) / Σ max_new_tokens)   over the requests kept.
// Defaults (python/sglang/global_config.py; later python/sglang/srt/environ.py): init 0.7, min factor 0.14,
// 600 decay steps, retract steps 20, CLIP (SGLANG_CLIP_MAX_NEW_TOKENS_ESTIMATION) 4096; schedule_conservativeness
// 1.0 (server_args.py). A benchmark client sets max_new_tokens to the request's output length (sglang bench_serving,
// vllm bench serve), which is what serve knows of a request.
export const NEW_TOKEN_RATIO = {
  init: 0.7,
  minFactor: 0.14,
  decaySteps: 600,
  retractSteps: 20,
  clip: 4096,
} as const;
