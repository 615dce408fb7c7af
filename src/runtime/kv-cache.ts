// The KV-cache element type a runtime keeps when the command does not say (--kv-cache): a runtime's
// `kv_cache.default_dtype` (runtimes/*.yaml cites each engine's documented default).
//   auto        the model's 16-bit dtype whatever the weights and GEMMs are: vLLM (CacheConfig.cache_dtype "auto":
//               "auto will use model data type") and SGLang (ServerArgs.kv_cache_dtype "auto") keep a bf16 cache
//               under an fp8 or fp4 checkpoint unless --kv-cache-dtype fp8 is passed
//   checkpoint  the quantization scheme's cache (docs/design.md: fp8 and fp4 keep an fp8 cache): TensorRT-LLM takes
//               the cache dtype from a ModelOpt checkpoint's kv_cache_quant_algo (KvCacheConfig.dtype "auto"), and
//               NVIDIA's published fp8 / fp4 checkpoints set FP8
//   fp8 | bf16 | fp16  always that dtype
import { schemeKvCache } from '../model/quant.js';
import type { KvCacheDefault, RuntimeSettings } from '../spec/types.js';

/** a runtime's rule (its `kv_cache.default_dtype`); without one, the scheme's own cache ('checkpoint') */
export const kvCacheRule = (rt: Pick<RuntimeSettings, 'kvCacheDefault'> | undefined): KvCacheDefault => rt?.kvCacheDefault ?? 'checkpoint';

/** a 16-bit model's dtype as vLLM / SGLang "auto" keeps it: the checkpoints hwperf models are bf16 */
const MODEL_DTYPE = 'bf16';

/**
 * The KV-cache dtype `rule` gives a `--dtype` scheme, or undefined where it is the scheme's own (nothing to change).
 * Under `auto` a scheme whose cache is narrower than 16 bits (fp8, fp4, fp6) keeps the model's 16-bit cache; 16- and
 * 32-bit schemes and the weight-only ones keep theirs (already the model's dtype).
 */
export function runtimeKvCache(dtype: string, rule: KvCacheDefault | undefined): string | undefined {
  const own = schemeKvCache(dtype);
  if (own === undefined || rule === undefined || rule === 'checkpoint') return undefined;
  if (rule === 'auto') return own === 'fp8' ? MODEL_DTYPE : undefined;
  return rule === own ? undefined : rule;
}

/**
 * The KV-cache dtype a command runs with: `--kv-cache` (`explicit`) when given, else what the runtime's rule gives the
 * `--dtype` scheme (undefined: the scheme's own cache). simulate, serve and plan all resolve it here.
 */
export const kvCacheFor = (rt: Pick<RuntimeSettings, 'kvCacheDefault'> | undefined, dtype: string, explicit?: string): string | undefined =>
  explicit ?? runtimeKvCache(dtype, kvCacheRule(rt));
