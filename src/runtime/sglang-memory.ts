// SGLang's default mem_fraction_static (runtime memory.share_rule: sglang): the share of the whole device its weights
// and KV pool may take, derived from the device's memory since sglang PR #10975 (2025-09-27, "Use more general
// heuristics to set the default value of --mem-fraction-static"; python/sglang/srt/server_args.py
// ServerArgs._handle_gpu_memory_settings, as in the 0.5.x releases):
//   by device memory (MiB): < 20 Gi: chunked_prefill_size 2048, cuda_graph_max_bs 8; < 35 Gi: 2048, 24 (80 at tp >= 4);
//   < 60 Gi: 4096, 32 (160); < 160 Gi: 8192, 256 (512); else 16384, 512
//   reserved MiB = 512 + 1.5 x max(chunked_prefill_size, 2048) + 2 x cuda_graph_max_bs + tp x pp / 8 x 1024,
//   at least 10 GiB on devices of more than 60 GiB
//   mem_fraction_static = round((device MiB - reserved) / device MiB, 3)
// e.g. 81559 MiB H100 at tp 1: 512 + 12288 + 512 + 128 = 13440 MiB -> 0.835; 141 GiB H200: 0.907; 192 GiB MI300X: 0.867.
// The chunk size is SGLang's own default for the device (the one a server started without --chunked-prefill-size
// reserves for); pipeline parallelism is taken as 1; no DP-attention, speculative or multimodal terms.
const MIB = 1024 * 1024;
const GIB_IN_MIB = 1024;

export function sglangDefaultShare(capacityBytes: number, tp: number): number {
  const gpu = capacityBytes / MIB;
  const big = tp >= 4;
  let chunk: number, graphBs: number;
  if (gpu < 20 * GIB_IN_MIB) [chunk, graphBs] = [2048, 8];
  else if (gpu < 35 * GIB_IN_MIB) [chunk, graphBs] = [2048, big ? 80 : 24];
  else if (gpu < 60 * GIB_IN_MIB) [chunk, graphBs] = [4096, big ? 160 : 32];
  else if (gpu < 160 * GIB_IN_MIB) [chunk, graphBs] = [8192, big ? 512 : 256];
  else [chunk, graphBs] = [16384, 512];
  let reserved = 512 + 1.5 * Math.max(chunk, 2048) + 2 * graphBs + (tp / 8) * 1024;
  if (gpu > 60 * GIB_IN_MIB) reserved = Math.max(reserved, 10 * GIB_IN_MIB);
  return Math.max(0, Math.round(((gpu - reserved) / gpu) * 1000) / 1000);
}
