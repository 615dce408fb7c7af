// A GEMM table may say `class` (efficiency.gemm, efficiency.gemm_by_dtype.<dtype>): the library's default table for the
// part's class and vendor (src/hardware/efficiency.ts defaultEfficiency), not a copy of it pasted as numbers — tpu-v5e's
// pasted int8 copy had drifted (0.623 at 1.72e10 FLOP where gemmTable(0.75) gives 0.622).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { defaultEfficiency, gemmTable } from '../src/hardware/efficiency.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { useScratchDir } from './helpers/scratch.js';
import { expectOneIssueEach } from './helpers/spec-issues.js';

const lib = getLibrary();
const scratch = useScratchDir('gemm-class-');
const head = (cls: string) =>
  `id: gpu\nname: GPU\nclass: ${cls}\ncompute:\n  matrix: {bf16: 100 TFLOP/s, int8: 200 TOPS}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\n`;

async function hardware(name: string, text: string): Promise<NormalizedHardware> {
  const loaded = await loadSpecFile(scratch.write(name, text));
  expect(loaded.errors).toEqual([]);
  if (loaded.value?.kind !== 'hardware') throw new Error('not hardware');
  return loaded.value.spec;
}

describe('efficiency GEMM tables: the `class` marker', () => {
  it('tpu-v5e int8 GEMMs take the datacenter class table exactly, beside its own measured bf16 table', () => {
    const v5e = lib.hardware['tpu-v5e']!;
    const cls = defaultEfficiency('hbm2', 'datacenter', 'google').gemm;
    expect(v5e.efficiency.gemmByDtype!.int8).toEqual(cls);
    expect(v5e.efficiency.gemmByDtype!.int8).toEqual(gemmTable(0.75));
    expect(v5e.efficiency.gemm).not.toEqual(cls);
  });

  it('rtx-pro-6000 resets the GeForce tables it extends to its class table for the dtypes nobody timed on it', () => {
    const pro = lib.hardware['rtx-pro-6000']!;
    const cls = defaultEfficiency('gddr7', 'workstation', 'nvidia').gemm;
    // bf16 / fp16: its own measured torch.mm median (hardware/nvidia/rtx-pro-6000.yaml), not the 5090's GeForce 1.13 / 1.07
    expect(pro.efficiency.gemm).toEqual(gemmTable(0.827));
    expect(pro.efficiency.gemmByDtype!.fp16).toEqual(gemmTable(0.827));
    for (const d of ['fp8', 'int8', 'fp4'] as const) expect(pro.efficiency.gemmByDtype![d]).toEqual(cls);
    expect(lib.hardware['rtx-5090']!.efficiency.gemmByDtype!.fp16).not.toEqual(cls);
  });

  it('stands for the class default of the spec itself, not its own `gemm` table', async () => {
    const own = '  gemm: {sizes: [1.0e9, 1.0e12], values: [0.3, 0.9]}\n  gemm_by_dtype: {int8: class}\nsources: [test]\n';
    const dc = await hardware('dc.yaml', head('datacenter') + 'efficiency:\n' + own);
    expect(dc.efficiency.gemmByDtype!.int8).toEqual(gemmTable(0.75));
    expect(dc.efficiency.gemm.values).toEqual([0.3, 0.9]);
    const phone = await hardware('phone.yaml', head('mobile') + 'efficiency:\n' + own);
    expect(phone.efficiency.gemmByDtype!.int8).toEqual(gemmTable(0.5));
    // the marker hands out a copy: editing one table leaves the other alone
    const both = await hardware('both.yaml', head('datacenter') + 'efficiency:\n  gemm: class\n  gemm_by_dtype: {int8: class}\nsources: [test]\n');
    both.efficiency.gemm.values[0] = 0.5;
    expect(both.efficiency.gemmByDtype!.int8!.values[0]).toBe(gemmTable(0.75).values[0]);
  });

  it('another word gets one line naming the field', async () => {
    const base = head('datacenter') + 'efficiency:\n  gemm_by_dtype: {int8: WORD}\nsources: [test]\n';
    await expectOneIssueEach((n, t) => scratch.write(n, t), base, 'WORD', [
      ['clas', /efficiency\.gemm_by_dtype\.int8/],
      ['default', /efficiency\.gemm_by_dtype\.int8/],
    ] as const);
    const base2 = head('datacenter') + 'efficiency:\n  collective: WORD\nsources: [test]\n';
    await expectOneIssueEach((n, t) => scratch.write(n, t), base2, 'WORD', [['class', /efficiency\.collective/]] as const);
  });
});
