// Bad input is rejected with one line per problem naming file:line:col, the field path and a fix.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';

let dir: string;
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const problems = async (file: string) => (await loadSpecFile(file)).errors.map(formatIssue);

const MODEL = `id: tiny
name: Tiny
family: decoder
hidden: 256
layers: 2
heads: 8
kv_heads: 2
ffn: {kind: gated, intermediate: "4 * hidden"}
vocab: 1000
sources: [test]
`;
const GPU = `id: gpu
name: GPU
compute:
  matrix: {bf16: 100 TFLOP/s}
memory:
  technology: hbm3
  capacity: 80 GB
  bandwidth: 2 TB/s
sources: [test]
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-spec-'));
});

describe('valid specs', () => {
  it('loads a model with an expression', async () => {
    const r = await loadSpecFile(write('ok-model.yaml', MODEL));
    expect(r.errors).toEqual([]);
    expect(r.value?.kind).toBe('model');
    expect((r.value?.spec as any).ffn.intermediate).toBe(1024);
    expect((r.value?.spec as any).head_dim).toBe(32);
  });
  it('loads hardware in SI units', async () => {
    const r = await loadSpecFile(write('ok-gpu.yaml', GPU));
    expect(r.errors).toEqual([]);
    const hw = r.value?.spec as any;
    expect(hw.memory.capacityBytes).toBe(80e9);
    expect(hw.memory.bandwidthBytePerS).toBe(2e12);
    expect(hw.matrixFlopPerS.bf16).toBe(100e12);
  });
  it('extends a relative file and overrides fields', async () => {
    write('base-gpu.yaml', GPU);
    const r = await loadSpecFile(write('child.yaml', 'id: child\nname: Child\nextends: ./base-gpu.yaml\nmemory:\n  capacity: 141 GB\n'));
    expect(r.errors).toEqual([]);
    const hw = r.value?.spec as any;
    expect(hw.memory.capacityBytes).toBe(141e9);
    expect(hw.memory.bandwidthBytePerS).toBe(2e12);
  });
});

describe('bad input: one line each, with file and line', () => {
  it('malformed YAML', async () => {
    const f = write('malformed.yaml', 'id: x\nhidden: [1, 2\nlayers: 3\n');
    const p = await problems(f);
    expect(p.length).toBeGreaterThanOrEqual(1);
    expect(p[0]).toMatch(/malformed\.yaml:\d+:\d+ .*malformed YAML/);
  });
  it('a bare number where a unit is needed', async () => {
    const p = await problems(write('bare.yaml', GPU.replace('80 GB', '80')));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/bare\.yaml:7:\d+ {2}memory\.capacity {2}needs a unit, e\.g\. "80 GB"/);
  });
  it('negative capacity', async () => {
    const p = await problems(write('negative.yaml', GPU.replace('80 GB', '-80 GB')));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/negative\.yaml:7:\d+ {2}memory\.capacity {2}.*negative/);
  });
  it('a unit of the wrong kind', async () => {
    const p = await problems(write('wrongunit.yaml', GPU.replace('2 TB/s', '2 TB')));
    expect(p[0]).toMatch(/wrongunit\.yaml:8:\d+ {2}memory\.bandwidth {2}.*not a bytes per s quantity/);
  });
  it('an extends typo gets a suggestion', async () => {
    const p = await problems(write('typo.yaml', 'id: t\nname: T\nextends: h100-sxn\n'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/typo\.yaml:3:\d+ {2}extends {2}"h100-sxn" is neither.*did you mean "h100-sxm"/);
  });
  it('heads not divisible by kv_heads', async () => {
    const p = await problems(write('heads.yaml', MODEL.replace('kv_heads: 2', 'kv_heads: 3')));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/heads\.yaml:7:\d+ {2}kv_heads {2}heads \(8\) must be divisible by kv_heads \(3\)/);
  });
  it('an expression that calls a function', async () => {
    const p = await problems(write('func.yaml', MODEL.replace('"4 * hidden"', '"sqrt(hidden)"')));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/func\.yaml:8:\d+ {2}ffn\.intermediate {2}.*function calls are not allowed/);
  });
  it('an extends cycle', async () => {
    write('cycle-a.yaml', 'id: a\nname: A\nextends: ./cycle-b.yaml\n');
    write('cycle-b.yaml', 'id: b\nname: B\nextends: ./cycle-a.yaml\n');
    const p = await problems(join(dir, 'cycle-a.yaml'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/cycle-b\.yaml:3:\d+ {2}extends {2}extends cycle: .*cycle-a\.yaml → .*cycle-b\.yaml → .*cycle-a\.yaml/);
  });
  it('an unknown field gets a did-you-mean', async () => {
    const p = await problems(write('unknown.yaml', MODEL.replace('layers: 2', 'layres: 2')));
    expect(p.some((l) => /unknown\.yaml:5:\d+ {2}layres {2}unknown field "layres" \(did you mean "layers"\?\)/.test(l))).toBe(true);
  });
  it('reports every problem of a broken file', async () => {
    const p = await problems(write('broken.yaml', 'id: broken\nfamily: decoder\nhidden: "lots"\nlayers: -3\n'));
    expect(p.length).toBeGreaterThanOrEqual(1);
    for (const line of p) expect(line).toMatch(/^.*broken\.yaml(:\d+:\d+)? {2}\S+ {2}/);
  });
  it('efficiency outside [1e-6, 1]', async () => {
    const p = await problems(write('eff.yaml', GPU + 'efficiency: {memory: 1.3}\n'));
    expect(p[0]).toMatch(/eff\.yaml:\d+:\d+ {2}efficiency\.memory {2}efficiency must be a fraction from 0\.000001 to 1/);
  });
  it('a GEMM efficiency may exceed 1 (measured over a rated peak) up to 1.25, not beyond', async () => {
    expect(await problems(write('gemm-ok.yaml', GPU + 'efficiency: {gemm: 1.08}\n'))).toEqual([]);
    const p = await problems(write('gemm-bad.yaml', GPU + 'efficiency: {gemm: 1.6}\n'));
    expect(p[0]).toMatch(/gemm-bad\.yaml:\d+:\d+ {2}efficiency\.gemm {2}efficiency must be from 0\.000001 to 1\.25 \(measured over rated peak\)/);
  });
  it('fp8 peak below bf16', async () => {
    const p = await problems(write('fp8.yaml', GPU.replace('{bf16: 100 TFLOP/s}', '{bf16: 100 TFLOP/s, fp8: 50 TFLOP/s}')));
    expect(p[0]).toMatch(/compute\.matrix\.fp8 {2}fp8 peak is below the bf16 peak/);
  });
});

describe('did-you-mean', () => {
  it('an id typed without its suffix, or with other separators, finds the library id', async () => {
    const { nearest } = await import('../src/spec/errors.js');
    const ids = ['b200', 'h800-sxm', 'h100-sxm', 'mi300x', 'llama-2-7b', 'llama-2-70b', 'llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b'];
    expect(nearest('h800', ids)).toBe('h800-sxm');
    expect(nearest('mi300', ids)).toBe('mi300x');
    expect(nearest('llama3-8b', ids)).toBe('llama-3.1-8b');
    expect(nearest('llama-3-70b', ids)).toBe('llama-3.1-70b');
    expect(nearest('mixtral8x7b', ids)).toBe('mixtral-8x7b');
    expect(nearest('tpu-v9', ids)).toBeUndefined();
  });
});
