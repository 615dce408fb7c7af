// A batched Whisper generate() call (R windows decoded together: the HF ASR pipeline's batch_size chunks,
// faster-whisper's BatchedInferencePipeline, the MLPerf whisper harness's 256/320 clips per ModelRunnerCpp.generate)
// returns when its LONGEST transcript has ended, not after the mean one. What the rows that finished early cost in
// the meantime is the runtime's:
//   - kept (scheduler.batching: static): HF GenerationMixin._sample keeps every row in the forward pass, writing
//     pad_token_id into finished ones (`next_tokens * unfinished_sequences + pad_token_id * (1 - unfinished_sequences)`)
//     until unfinished_sequences.max() == 0 (huggingface/transformers src/transformers/generation/utils.py), so all R
//     rows run the longest transcript's steps;
//   - retired (any other runtime): CTranslate2's GreedySearch / BeamSearch gather the unfinished rows and the decoder
//     state after every step ("Remove finished sentences from the execution", OpenNMT/CTranslate2 src/decoding.cc
//     @0d8bcd3), and TensorRT-LLM's ModelRunnerCpp builds its Executor with the default in-flight BatchingType
//     (tensorrt_llm/runtime/model_runner_cpp.py from_dir: ExecutorConfig without batching_type), so a finished row
//     leaves the batch; the steps past the mean then carry the few rows still running.
//
// Spread of a window's transcript, measured: the two faster-whisper large-v2 transcripts of the same 2 h 24 min
// English podcast (Vaibhavs10/insanely-fast-whisper notebooks/infer_faster_whisper_large_v2.ipynb @0fed9a4, cells 9
// and 14: fp16 2,795 segments / 23,648 words, int8 2,089 / 23,583 words), words spread over 30 s windows by each
// segment's time overlap: 287 full windows, mean 82.3 / 82.0 words, standard deviation 13.1 / 12.8 = coefficient of
// variation 0.159 / 0.156 (min 43, max 123). Resampling those windows, the longest of 8 / 24 / 256 is 1.22-1.23 /
// 1.30-1.31 / 1.41-1.46 x the mean; the normal order statistic below with this CV gives 1.22 / 1.31 / 1.44.
// Continuous speech only: clips of different lengths (MLPerf's LibriSpeech clips of up to 30 s) spread more.
import { expectedMaxNormal } from './normal.js';

export const WINDOW_TOKENS_CV = (0.159 + 0.156) / 2;

/**
 * expected tokens of the longest of `rows` transcripts whose mean is `mean` tokens: mean × (1 + CV × E[max of rows
 * standard normals]), at most `cap` (the model's sample length) and never below the mean
 */
export function longestTranscript(mean: number, rows: number, cap: number): number {
  if (!(mean > 0) || rows <= 1) return mean;
  const longest = Math.ceil(mean * (1 + WINDOW_TOKENS_CV * expectedMaxNormal(rows)) - 1e-9);
  return Math.max(mean, Math.min(cap, longest));
}
