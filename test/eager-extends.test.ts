// launch.eager merges field by field wherever one runtime block is laid over another: a file that `extends:` another
// (the YAML merge, src/spec/load.ts deepMerge) and a by_vendor / by_architecture / by_hardware block over the file's
// own (src/runtime/override.ts eagerLaunch). An eager block that names one kind keeps the other kinds and per_kernel;
// a per_kernel no block states is the runtime's own, so turning the graphs off never makes a dispatch cheaper.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { eagerLaunch } from '../src/runtime/override.js';
import { loadSpecFile } from '../src/spec/load.js';
import { useScratchDir } from './helpers/scratch.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const head = (ext: string) => `id: my-rt\nname: x\nkind: runtime\nrole: serving\n${ext}sources: [test]\n`;

describe('launch.eager over a parent or a base block', () => {
  const scratch = useScratchDir('hwperf-eager-');
  const load = async (name: string, text: string) => {
    const r = await loadSpecFile(scratch.write(name, text));
    expect(r.errors).toEqual([]);
    return r.value!.spec as NormalizedRuntime;
  };

  it('vllm-ascend names only the attention kind: per_kernel and the other kinds are vllm\'s', () => {
    const [a, v] = [libraryRuntime('vllm-ascend').launch.eager!, libraryRuntime('vllm').launch.eager!];
    expect(a.perKernelS).toBe(v.perKernelS);
    expect(a.perKernelByKindS).toEqual({ ...v.perKernelByKindS, attention: 832e-6 });
  });

  const close = (m: Readonly<Record<string, number>> | undefined, want: Record<string, number>) => {
    expect(Object.keys(m ?? {}).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expect(m![k]).toBeCloseTo(v, 15);
  };

  it('a file that extends one keeps the parent\'s per_kernel and kinds it does not name', async () => {
    const r = await load('child.yaml', head('extends: vllm\nlaunch:\n  eager:\n    per_kernel_by_kind:\n      gemm: 50 us\n  source: t\n'));
    const v = libraryRuntime('vllm').launch.eager!;
    expect(r.launch.eager!.perKernelS).toBe(v.perKernelS);
    close(r.launch.eager!.perKernelByKindS, { ...v.perKernelByKindS, gemm: 50e-6 });
  });

  const own = 'launch:\n  per_kernel: 2 us\n  eager:\n    per_kernel: 10 us\n    per_kernel_by_kind:\n      gemm: 30 us\n      norm: 20 us\n  source: t\n';
  it('a by_hardware block that names one kind keeps the file\'s per_kernel and other kinds on that part only', async () => {
    const r = await load('byhw.yaml', head(`${own}by_hardware:\n  h100-sxm:\n    launch:\n      eager:\n        per_kernel_by_kind:\n          gemm: 40 us\n      source: t\n`));
    const lib = getLibrary();
    const on = bindRuntime(lib.hardware['h100-sxm']!, r).runtime!.launch.eager!;
    expect(on.perKernelS).toBeCloseTo(10e-6, 15);
    close(on.perKernelByKindS, { gemm: 40e-6, norm: 20e-6 });
    close(bindRuntime(lib.hardware['a100-sxm4-80gb']!, r).runtime!.launch.eager!.perKernelByKindS, { gemm: 30e-6, norm: 20e-6 });
  });

  it('a by_vendor eager block over a file without one takes the runtime\'s per_kernel where it names none, not 0', async () => {
    const r = await load('byvendor.yaml', head('launch:\n  per_kernel: 4 us\n  source: t\nby_vendor:\n  nvidia:\n    launch:\n      eager:\n        per_kernel_by_kind:\n          gemm: 30 us\n      source: t\n'));
    const l = bindRuntime(getLibrary().hardware['h100-sxm']!, r).runtime!.launch;
    expect(l.eager!.perKernelS).toBeCloseTo(4e-6, 15);
    expect(eagerLaunch(l, { graphs: 'none' }).perKernelS).toBeCloseTo(4e-6, 15);
  });

  it('a file\'s own eager block must state per_kernel (a one-line error naming the field)', async () => {
    const r = await loadSpecFile(scratch.write('noper.yaml', head('launch:\n  per_kernel: 4 us\n  eager:\n    per_kernel_by_kind:\n      gemm: 30 us\n  source: t\n')));
    expect(r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['launch.eager.per_kernel: missing required field "per_kernel"']);
  });

  it('a graphs-off block that states its own eager costs takes them over the base\'s', () => {
    const base = { perKernelS: 1e-6, graphs: 'decode' as const, deviceGap: true, eager: { perKernelS: 5e-6, perKernelByKindS: { gemm: 9e-6 } } };
    const l = eagerLaunch(base, { graphs: 'none', eager: { perKernelByKindS: { norm: 7e-6 } } });
    expect(l.perKernelS).toBe(5e-6);
    expect(l.perKernelByKindS).toEqual({ gemm: 9e-6, norm: 7e-6 });
  });
});
