#!/usr/bin/env python3
"""What MLA prefill (context) attention reaches on Hopper, from NVIDIA's aiconfigurator database.

    python3 bench/aiconfigurator/mla-context-rates.py DATA_DIR [PART]

DATA_DIR is aiconfigurator's systems data folder, aic-core/src/aiconfigurator_core/systems/data, of
ai-dynamo/aiconfigurator at commit 095f58a51. PART is its system folder (default h200_sxm). Nothing is downloaded;
needs pyarrow. It prints, per runtime table and local head count, the achieved TFLOP/s and the fraction of the
989.4 TFLOP/s dense bf16 peak (H100 / H200 SXM) of each bf16-cache, fresh-prompt (step 0) row, counted two ways:

  mha  = 2 x batch x heads x L(L+1)/2 x (192 + 128): the non-absorbed form (per-head K = nope 128 + rope 64, V 128),
         the work hwperf's attention_prefill op holds for DeepSeek-V3;
  abs  = 2 x batch x heads x L(L+1)/2 x (576 + 512): the absorbed form (scores over the 512 latent + 64 rope, values
         the 512 latent, one latent "KV head" shared by every query head).

Which count is the kernel's own work depends on what each collector feeds it (ai-dynamo/aiconfigurator @095f58a5):
  - mla/sglang/0.5.9 and 0.5.14 (collector/sglang/collect_mla.py, 0.5.9: commit 91b69b6ce): on Hopper (fa3,
    FlashAttentionBackend) the context case builds RadixAttention(head_dim = 576, v_head_dim = 512, num_kv_heads = 1)
    and feeds q_nope [T, heads, 512] + q_rope [T, heads, 64] against one latent K/V of 512 + 64 with no prefix and
    disable_chunked_prefix_cache = True: the absorbed kernel (the Blackwell trtllm_mla branch alone feeds 192 / 128,
    commit cc24d1377). Its own work is the abs count. SGLang itself runs prompts with no cached prefix, and extends
    whose prefixes sum to SGLANG_CHUNKED_PREFIX_CACHE_THRESHOLD (8192) or more, in the MHA form (forward_normal /
    MHA_CHUNKED_KV); the absorbed form only for prefixes of 1..8191 tokens.
  - mla/trtllm/1.3.0rc20 (collector/trtllm/collect_mla.py): TensorRT-LLM's context MLA (non-absorbed): the mha count.
  - mla/vllm/0.14.0 (collector/vllm/collect_mla.py, last at 21f8c4b7c): MLACommonImpl.forward over a fresh prompt, the
    prefill path (kv_b_proj up-projection of the new tokens' latent inside the timed call, then the 192 / 128
    FlashAttention): the mha count, a lower bound on the attention kernel's rate (the up-projection GEMM is in the time).
"""
import collections
import sys

import pyarrow.parquet as pq

PEAK = 989.4e12
TABLES = [
    ('sglang 0.5.9 (fa3, absorbed 576/512, 1 latent KV head)', 'mla/sglang/0.5.9/context_mla_perf.parquet'),
    ('trtllm 1.3.0rc20 (context MLA, 192/128)', 'mla/trtllm/1.3.0rc20/context_mla_perf.parquet'),
    ('vllm 0.14.0 (MLA prefill incl. kv_b_proj, 192/128)', 'mla/vllm/0.14.0/context_mla_perf.parquet'),
]
LENGTHS = (2048, 4096, 8192, 16384, 32768)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data, part = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else 'h200_sxm')
    for label, rel in TABLES:
        try:
            rows = pq.read_table(f'{data}/{part}/{rel}').to_pylist()
        except FileNotFoundError:
            print(f'{label}: no table for {part}')
            continue
        by = collections.defaultdict(lambda: collections.defaultdict(list))
        for r in rows:
            if r['step'] != 0 or r['kv_cache_dtype'] != 'bfloat16' or r['batch_size'] != 1 or r['isl'] not in LENGTHS:
                continue
            pairs = r['isl'] * (r['isl'] + 1) / 2
            s = r['latency'] * 1e-3
            by[r['num_heads']][r['isl']].append((2 * pairs * r['num_heads'] * 320 / s, 2 * pairs * r['num_heads'] * 1088 / s))
        print(label)
        for heads in sorted(by):
            cells = []
            for L in LENGTHS:
                v = by[heads].get(L)
                if not v:
                    continue
                mha = sorted(x[0] for x in v)[len(v) // 2]
                ab = sorted(x[1] for x in v)[len(v) // 2]
                cells.append(f'{L}: mha {mha / 1e12:.0f} ({mha / PEAK:.2f}) abs {ab / 1e12:.0f} ({ab / PEAK:.2f})')
            print(f'  {heads:3d} local heads, batch 1 | ' + ' | '.join(cells))


if __name__ == '__main__':
    main()
