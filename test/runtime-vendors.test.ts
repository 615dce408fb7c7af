// A runtime file's `vendors:` (the hardware vendors it runs on) is checked when the runtime is bound: a part of another
// vendor is priced as asked, with one line saying so (simulate, serve and train report it).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOneLineSpecErrors } from './helpers/spec-issues.js';

const lib = getLibrary();

describe('runtime vendors', () => {
  it('a part whose vendor the runtime does not list gets one line naming both; a listed vendor gets none', () => {
    const ds = libraryRuntime('deepspeed-fastgen');
    expect(ds.vendors).toEqual(['nvidia']);
    const w = bindRuntime(lib.hardware['mi300x']!, ds).runtime!.vendorWarning;
    expect(w).toMatch(/does not list amd .*\(nvidia\).*mi300x/);
    expect(w).not.toMatch(/\n/);
    expect(bindRuntime(lib.hardware['h100-sxm']!, ds).runtime!.vendorWarning).toBeUndefined();
    // a runtime that states no vendors says nothing
    const ideal = libraryRuntime('ideal');
    expect(ideal.vendors).toBeUndefined();
    expect(bindRuntime(lib.hardware['mi300x']!, ideal).runtime!.vendorWarning).toBeUndefined();
  });
  it("`other` covers vendors the library does not know, not the ones the file leaves out", () => {
    const pt = libraryRuntime('pytorch');
    expect(pt.vendors).toContain('other');
    expect(bindRuntime(lib.hardware['tpu-v6e']!, pt).runtime!.vendorWarning).toMatch(/does not list google/);
    const own = { ...lib.hardware['h100-sxm']!, id: 'own-part', vendor: 'newco' };
    expect(bindRuntime(own, pt).runtime!.vendorWarning).toBeUndefined();
    expect(bindRuntime(own, libraryRuntime('deepspeed-fastgen')).runtime!.vendorWarning).toMatch(/does not list newco/);
  });
  it('a misspelt vendor in a runtime file is one line naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-vendors-'));
    await expectOneLineSpecErrors(join(dir, 'rt.yaml'), 'id: rt\nname: RT\nkind: runtime\nrole: serving\nvendors: [nvidiaa]\nsources: ["x"]\n', /vendors/);
  });
  it('simulate reports it once', () => {
    const model = lib.models['llama-3.1-8b']!;
    const run = (hw: string, rt: string) => {
      const h = bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
      return simulate(buildRequest({ batch: 1, 'input-tokens': 128, 'output-tokens': 64 }, model, h, (id) => lib.models[id]!));
    };
    const trt = run('mi300x', 'tensorrt-llm');
    expect(trt.warnings.filter((x) => /does not list amd/.test(x))).toHaveLength(1);
    expect(run('h100-sxm', 'tensorrt-llm').warnings.some((x) => /does not list/.test(x))).toBe(false);
  });
});
