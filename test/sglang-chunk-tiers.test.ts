// SGLang's chunked_prefill_size by device memory (server_args.py _handle_gpu_memory_settings): 2048 below 35 GiB, 4096
// below 60 GiB, 8192 below 160 GiB, 16384 from 160 GiB (B200, MI300: PR #6718); the early-2025 releases (sglang-0.4)
// 2048 below 25,000 MiB and 8192 above. A runtime file's scheduler.below_memory may list several classes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { loadSpecFile } from '../src/spec/load.js';
import { expectOneLineSpecErrors } from './helpers/spec-issues.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const tokens = (hw: string, rt: string) => serveRuntime(bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)), rt).maxNumBatchedTokens;

describe('SGLang prefill chunk by device memory', () => {
  it('current SGLang: four tiers', () => {
    expect(tokens('rtx-4090', 'sglang')).toBe(2048); // 24 GB
    expect(tokens('l40s', 'sglang')).toBe(4096); // 48 GB
    expect(tokens('a100-sxm4-40gb', 'sglang')).toBe(4096);
    expect(tokens('h100-sxm', 'sglang')).toBe(8192);
    expect(tokens('h200-sxm', 'sglang')).toBe(8192); // 141 GB
    expect(tokens('b200', 'sglang')).toBe(16384);
    expect(tokens('mi300x', 'sglang')).toBe(16384);
  });
  it('SGLang 0.4 (early 2025): 2048 below 25,000 MiB, else 8192 (no 16384 tier)', () => {
    expect(tokens('rtx-4090', 'sglang-0.4')).toBe(2048);
    expect(tokens('l40s', 'sglang-0.4')).toBe(8192);
    expect(tokens('h200-sxm', 'sglang-0.4')).toBe(8192);
    expect(tokens('b200', 'sglang-0.4')).toBe(8192);
    expect(tokens('mi300x', 'sglang-0.4')).toBe(8192);
  });
  it('a user file lists classes in any order; a device takes the smallest threshold it is below; a bad class is one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-tiers-'));
    try {
      const f = join(dir, 'eng.yaml');
      writeFileSync(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nscheduler:\n  max_num_seqs: 512\n  max_num_batched_tokens: 9000\n  below_memory:\n    - {memory: 100 GB, max_num_batched_tokens: 3000}\n    - {memory: 30 GB, max_num_seqs: 16, max_num_batched_tokens: 1000}\n  chunked_prefill: true\n  source: "test"\nsources: [test]\n`);
      const loaded = await loadSpecFile(f);
      expect(loaded.errors).toEqual([]);
      const rt = loaded.value!.spec as NormalizedRuntime;
      const s = (hw: string) => bindRuntime(lib.hardware[hw]!, rt).runtime!.scheduler;
      expect(s('rtx-4090')).toMatchObject({ maxNumSeqs: 16, maxNumBatchedTokens: 1000 });
      expect(s('h100-sxm')).toMatchObject({ maxNumSeqs: 512, maxNumBatchedTokens: 3000 });
      expect(s('mi300x')).toMatchObject({ maxNumSeqs: 512, maxNumBatchedTokens: 9000 });
      await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nscheduler:\n  below_memory:\n    - {memory: 100 GB, max_num_batched_tokens: 3000}\n    - {max_num_batched_tokens: 1000}\n  source: "test"\nsources: [test]\n`, /scheduler\.below_memory/);
      // a bad entry of a list (legal form) is blamed on the entry, in the user's file, not "must be a mapping" nor on
      // the list the file extends
      const bad = await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nextends: sglang\nscheduler:\n  below_memory:\n    - {memory: banana, max_num_batched_tokens: 3000}\n    - {memry: 35 GiB}\n  source: "test"\nsources: [test]\n`, /below_memory\.1\.memry.*unknown field/);
      expect(bad.join('\n')).not.toMatch(/must be a mapping|inherited from/);
      expect(bad.join('\n')).toMatch(/eng\.yaml:9:\d+ +scheduler\.below_memory\.1\.memory +missing required field/);
      // an unknown by_layer architecture is one line: its fields are not checked against a schema it does not have
      const arch = await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nhost:\n  decode_step:\n    per_layer: 1 us\n    per_step: 1 us\n    sync: step\n    by_layer:\n      alibii: {per_step: 1 us}\n  source: "test"\nsources: [test]\n`, /by_layer +must be one of/);
      expect(arch).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
