// kernels.tiled_gemm merges key by key over the block below (src/runtime/override.ts mergeTiledGemm): a by_architecture
// block that names one strip kernel keeps the by_vendor block's rate, strip width and other kernels. Before this a
// by_architecture tiled_gemm replaced the whole by_vendor one, so vLLM's CDNA 3 matmul_ogs tile lived in a second field
// of its own (kernels.weight_only_moe_strip) lest it drop vllm-rocm-aiter's AITER rates.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { bindRuntime, resolveRuntime } from '../src/runtime/resolve.js';
import { mergeTiledGemm } from '../src/runtime/override.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';

const engine = (archBlock: string) => `id: strip-engine
name: Strip engine
kind: runtime
role: local
by_vendor:
  amd:
    kernels:
      tiled_gemm: {rate: 23 GB/s, tile_n: 64, fp8_block: false, block_fp8_moe: {rate: 12.4 GB/s, tile_n: 128}, weight_only_moe: {rate: 9 GB/s, tile_n: 128}}
      source: "kernel micro-benchmark of my engine"
by_architecture:
  cdna3:
    kernels:
${archBlock}
      source: "kernel micro-benchmark of my engine"
sources: [test]
`;

describe('kernels.tiled_gemm key by key under by_vendor / by_architecture', () => {
  const scratch = useScratchDir('hwperf-tgm-');
  const mi300x = () => getLibrary().hardware['mi300x']!;
  const mi355x = () => getLibrary().hardware['mi355x']!;

  it('a by_architecture block that sets one tiled_gemm key keeps the by_vendor block\'s others', async () => {
    const rt = await resolveRuntime(scratch.write('one-key.yaml', engine('      tiled_gemm: {weight_only_moe: {rate: 5 GB/s, tile_n: 256, xcds: 8}}')));
    expect(bindRuntime(mi300x(), rt).runtime!.kernels.tiledGemm).toEqual({
      rateBytePerS: 23e9, tileN: 64, moe: true, fp8Block: false,
      blockFp8Moe: { rateBytePerS: 12.4e9, tileN: 128 },
      weightOnlyMoe: { rateBytePerS: 5e9, tileN: 256, xcds: 8 },
    });
    // a part of another architecture keeps the vendor's block as written
    expect(bindRuntime(mi355x(), rt).runtime!.kernels.tiledGemm!.weightOnlyMoe).toEqual({ rateBytePerS: 9e9, tileN: 128 });
  });

  it('a scalar key replaces the one below; false removes a sub-kernel', async () => {
    const rt = await resolveRuntime(scratch.write('false.yaml', engine('      tiled_gemm: {tile_n: 32, weight_only_moe: false, block_fp8_moe: false}')));
    const t = bindRuntime(mi300x(), rt).runtime!.kernels.tiledGemm!;
    expect(t).toEqual({ rateBytePerS: 23e9, tileN: 32, moe: true, fp8Block: false, blockFp8Moe: false });
  });

  it('a tiled_gemm that no block below gives a rate is one line naming the block', async () => {
    const text = engine('      tiled_gemm: {weight_only_moe: {rate: 5 GB/s}}').replace('tiled_gemm: {rate: 23 GB/s, tile_n: 64, ', 'tiled_gemm: {tile_n: 64, ');
    const r = await loadSpecFile(scratch.write('no-rate.yaml', text));
    // the by_architecture block has none below it either, and says so on its own line
    expect(r.errors.map(formatIssue)).toEqual(['by_vendor.amd', 'by_architecture.cdna3'].map((b) => expect.stringMatching(new RegExp(`no-rate\\.yaml:\\d+:\\d+ {2}${b.replace('.', '\\.')}\\.kernels\\.tiled_gemm\\.rate {2}missing required field "rate": no tiled_gemm block below this one states it`))));
  });

  it('over no block, what a block leaves out takes the defaults; a block without a rate over none names no kernel', () => {
    expect(mergeTiledGemm(undefined, { rateBytePerS: 30e9 })).toEqual({ rateBytePerS: 30e9, tileN: 128, moe: true, fp8Block: true });
    expect(mergeTiledGemm(undefined, { tileN: 64 })).toBeUndefined();
    expect(mergeTiledGemm(undefined, undefined)).toBeUndefined();
  });

  it("library: vLLM's CDNA 3 matmul_ogs tile sits beside vllm-rocm-aiter's own AITER strip kernels", () => {
    const aiter = bound('mi300x', 'vllm-rocm-aiter').runtime!.kernels.tiledGemm!;
    const rocmAiterVendor = bound('mi355x', 'vllm-rocm-aiter').runtime!.kernels.tiledGemm!;
    expect(aiter.weightOnlyMoe!.xcds).toBe(8);
    // the AITER block (by_vendor amd of vllm-rocm-aiter) keeps its rate, strip width and block-FP8 expert kernel on CDNA 3
    const { weightOnlyMoe: _, ...rest } = aiter;
    expect(rest).toEqual(rocmAiterVendor);
    expect(bound('mi300x', 'vllm').runtime!.kernels.tiledGemm!.rateBytePerS).toBe(bound('mi355x', 'vllm').runtime!.kernels.tiledGemm!.rateBytePerS);
  });
});
