// Resolve the sweep's specs once, in the main thread, before any worker starts: each distinct model,
// and each hardware variant (hardware × memory × set what-ifs). A user's own YAML file loads mathjs
// (~0.5 s) once here instead of once per worker; the workers get plain, already-normalized objects.
// An unknown id or a bad what-if is not an error of the sweep: it becomes the `reason` of its rows.
import { dirname, resolve } from 'node:path';
import { looksLikePath, resolveHardware, resolveModel } from '../spec/library.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { bindRuntime, resolveRuntime } from '../runtime/resolve.js';
import { maskEcho, UserError } from '../spec/errors.js';
import type { NormalizedHardware, NormalizedModel, NormalizedRuntime } from '../spec/types.js';
import type { SweepGrid } from './grid.js';

export interface SweepTables {
  models: (NormalizedModel | string)[]; // per value of the model axis; a string says why not
  variantAxes: number[]; // the axes that make a hardware variant: hardware, runtime, memory, set…
  hardware: (NormalizedHardware | string)[]; // per variant: mixed radix over variantAxes, first slowest
  families: string[]; // of the models that resolved
}

const isUserError = (e: unknown): e is Error => e instanceof UserError || (e instanceof Error && e.name === 'UserError');

async function orReason<T>(f: () => Promise<T>): Promise<T | string> {
  try {
    return await f();
  } catch (e) {
    if (isUserError(e)) return maskEcho(e.message.split('\n')[0]!);
    throw e;
  }
}

export async function resolveTables(grid: SweepGrid): Promise<SweepTables> {
  // a spec file named in the sweep is relative to the sweep file, as `extends:` is to its spec
  const ref = (v: unknown) => (looksLikePath(String(v)) ? resolve(dirname(grid.file), String(v)) : String(v));
  const modelAxis = grid.axes.find((a) => a.key === 'model')!;
  const models: (NormalizedModel | string)[] = [];
  for (const v of modelAxis.values) models.push(await orReason(() => resolveModel(ref(v))));

  const variantAxes = grid.axes.flatMap((a, i) => (a.key === 'hardware' || a.key === 'runtime' || a.key === 'memory' || a.key === 'set' ? [i] : []));
  const count = variantAxes.reduce((n, i) => n * grid.axes[i]!.values.length, 1);
  const hardware: (NormalizedHardware | string)[] = [];
  const base = new Map<string, NormalizedHardware | string>();
  const runtimes = new Map<string, NormalizedRuntime | string>();
  for (let v = 0; v < count; v++) {
    // decode the variant number into one value per variant axis
    let rest = v;
    const picked: unknown[] = new Array(variantAxes.length);
    for (let k = variantAxes.length - 1; k >= 0; k--) {
      const axis = grid.axes[variantAxes[k]!]!;
      picked[k] = axis.values[rest % axis.values.length];
      rest = Math.floor(rest / axis.values.length);
    }
    let hwRef = '';
    let rtRef: string | undefined;
    let memory: string | undefined;
    const set: string[] = [];
    variantAxes.forEach((ai, k) => {
      const axis = grid.axes[ai]!;
      const val = picked[k];
      if (axis.key === 'hardware') hwRef = String(val);
      else if (axis.key === 'runtime') rtRef = val === 'default' ? undefined : String(val);
      else if (axis.key === 'memory') memory = val === 'none' ? undefined : String(val);
      else if (axis.setPath !== undefined) set.push(`${axis.setPath}=${val}`);
      else set.push(...(val as string[]));
    });
    if (!base.has(hwRef)) base.set(hwRef, await orReason(() => resolveHardware(ref(hwRef))));
    let hw = base.get(hwRef)!;
    // the runtime binds before the what-ifs, so that `set: runtime.…` edits the bound runtime; without a runtime
    // axis each row gets its model's default runtime in simulate()
    if (typeof hw !== 'string' && rtRef !== undefined) {
      const rt = runtimes.get(rtRef) ?? (await orReason(() => resolveRuntime(ref(rtRef!))));
      runtimes.set(rtRef, rt);
      hw = typeof rt === 'string' ? rt : bindRuntime(hw, rt);
    }
    const h = hw;
    hardware.push(typeof h === 'string' || (!memory && !set.length) ? h : await orReason(() => applyWhatIfs(h, memory, set)));
  }
  const families = [...new Set(models.flatMap((m) => (typeof m === 'string' ? [] : [m.family])))];
  return { models, variantAxes, hardware, families };
}
