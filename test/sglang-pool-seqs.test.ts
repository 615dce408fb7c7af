// SGLang's requests in flight follow its KV pool (runtimes/sglang.yaml scheduler.pool_seqs, src/sim/pool-seqs.ts):
// ModelRunner's max_num_reqs = min(max(int(pool tokens / context_len × 512), 2048), 4096), the Scheduler at most half the
// pool's tokens; --max-running-requests (serve --max-num-seqs, --set runtime.max_num_seqs) replaces the rule.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { serve } from '../src/serve/serve.js';
import { applySet } from '../src/hardware/set-path.js';
import { enginePoolSeqCap, poolSeqCap } from '../src/sim/pool-seqs.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const RULE = { perContext: 512, min: 2048 };

describe('SGLang max_running_requests from the KV pool', () => {
  it('the rule: 2048 rows for a pool of few contexts, pool / context x 512 between, 4096 at most, half the pool at least binds', () => {
    expect(poolSeqCap(RULE, 4096, 400_000, 131072)).toBe(2048); // 1562 -> 2048
    expect(poolSeqCap(RULE, 4096, 1_000_000, 131072)).toBe(3906);
    expect(poolSeqCap(RULE, 4096, 2_000_000, 131072)).toBe(4096);
    expect(poolSeqCap(RULE, 4096, 3000, 131072)).toBe(1500); // max_total_num_tokens // 2
    // a shorter --context-length (serve --max-model-len) gives more rows from the same pool
    expect(poolSeqCap(RULE, 4096, 400_000, 8192)).toBe(4096);
  });

  it('the runtime file carries it, and the cap for Llama 3.1 8B on one H100 is 2048 (a pool of ~380K tokens over a 131,072 context)', () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    expect(hw.runtime!.scheduler).toMatchObject({ maxNumSeqs: 4096, poolSeqs: RULE });
    const m = lib.models['llama-3.1-8b']! as DecoderModel;
    const cap = enginePoolSeqCap(m, hw, buildLayout(m, 1, 1, undefined, undefined), resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime!.kernels), 4096);
    expect(cap).toBe(2048);
  });

  it('serve runs more than the old 1024 under a burst the pool holds, and no more than a pinned --max-num-seqs', () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    const m = lib.models['llama-3.1-8b']! as DecoderModel;
    const load = { model: m, hardware: hw, inputTokens: 128, outputTokens: 64, concurrency: 3000, requests: 3000 };
    const rule = serve(load).result;
    const pinned = serve({ ...load, maxNumSeqs: 1024 }).result;
    expect(rule.mean_running).toBeGreaterThan(1024);
    expect(rule.mean_running).toBeLessThanOrEqual(2048);
    expect(pinned.mean_running).toBeLessThanOrEqual(1024);
  });

  it('simulate --batch max searches up to the rule, and --set runtime.max_num_seqs replaces it', async () => {
    const m = lib.models['llama-3.1-8b']!;
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    const flags = { model: 'llama-3.1-8b', batch: 'max', 'input-tokens': 64, 'output-tokens': 64 };
    const free = simulate(buildRequest(flags, m, hw, libraryModel));
    expect(free.batch).toBeGreaterThan(1024);
    expect(free.batch).toBeLessThanOrEqual(2048);
    const pinned = await applySet(hw, 'runtime.max_num_seqs=1024');
    expect(pinned.runtime!.scheduler.poolSeqs).toBeUndefined();
    expect(simulate(buildRequest(flags, m, pinned, libraryModel)).batch).toBeLessThanOrEqual(1024);
    // an explicit batch above the rule's cap runs the cap and queues the rest
    const queued = simulate(buildRequest({ ...flags, batch: 3000 }, m, hw, libraryModel));
    expect(queued.warnings.some((w) => w.includes('at most 2048 requests in flight'))).toBe(true);
    expect(queued.in_flight).toBe(2048); // what size counts as decoding (src/sim/size.ts decodeRate)
  });
});
