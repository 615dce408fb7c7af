// kernels.weight_cast_bytes takes the one cited width: 4, fp32 parameters cast to the compute dtype at every call
// (openai-whisper's Linear / Conv1d weight.to(x.dtype)). Any other number is refused at load with a one-line error naming
// the file, line, field and the fix (the schema's $comment), not priced from an uncited width.
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { useScratchDir } from './helpers/scratch.js';

describe('kernels.weight_cast_bytes', () => {
  const scratch = useScratchDir('hwperf-wcast-');
  const load = (name: string, v: string) =>
    loadSpecFile(scratch.write(name, `id: my-w\nname: x\nkind: runtime\nrole: reference\nextends: openai-whisper\nkernels:\n  weight_cast_bytes: ${v}\n  source: t\nsources: [t]\n`));
  it('takes 4', async () => {
    const r = await load('four.yaml', '4');
    expect(r.errors).toEqual([]);
    expect((r.value!.spec as any).kernels.weightCastBytes).toBe(4);
  });
  it('refuses another width in one line naming file, line, field and the fix', async () => {
    for (const v of ['2', '8', '0.5']) {
      const r = await load(`w${v}.yaml`, v);
      expect(r.errors).toHaveLength(1);
      const line = formatIssue(r.errors[0]!);
      expect(line).toMatch(new RegExp(`w${v.replace('.', '\\.')}\\.yaml:7:\\d+ {2}kernels\\.weight_cast_bytes {2}must be one of 4 \\(4 is fp32 parameters`));
      expect(line).toContain('leave the field out');
      expect(line.split('\n')).toHaveLength(1);
    }
  });
});
