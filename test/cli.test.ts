// runCommand tests of list/show/validate: human output and --json.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARDWARE_IDS, MEMORY_IDS, MODEL_IDS } from './helpers/ids.js';
import { fmtNumber, fmtPercent } from '../src/report/format.js';

const root = new URL('..', import.meta.url).pathname;
const run = (args: string[]) => runCommand(args, { root });

describe('list', () => {
  it('lists models as a table', async () => {
    const { stdout } = await run(['list', 'models']);
    expect(stdout.split('\n')[0]).toMatch(/^id\s+family\s+params\s+active\s+name$/);
    expect(stdout).toMatch(/llama-3\.1-70b\s+decoder\s+70\.6B\s+70\.6B/);
  });
  it('lists hardware as JSON with SI numbers', async () => {
    const { result } = await run(['list', 'hardware', '--json']);
    const h100 = (result as any[]).find((r) => r.id === 'h100-sxm');
    expect(h100.memory_bytes).toBe(81559 * 2 ** 20); // nvidia-smi total, not the printed "80 GB"
    expect(h100.memory_bandwidth_bytes_per_s).toBe(3.35e12);
  });
  it('rejects an unknown kind with a suggestion', async () => {
    const { stderr, error } = await run(['list', 'modles']);
    expect(error?.oclif?.exit).toBe(2);
    expect(stderr).toMatch(/^hwperf: unknown list "modles": did you mean "models"\?$/m);
  });
});

describe('show --json works for every library id', () => {
  it.each(MODEL_IDS)('show model %s', async (id) => {
    const { result, error } = await run(['show', 'model', id, '--json']);
    expect(error).toBeUndefined();
    const r = result as any;
    expect(r.id).toBe(id);
    expect(r.params_total).toBeGreaterThan(0);
    expect(r.params_active).toBeGreaterThan(0);
    expect(r.params_active).toBeLessThanOrEqual(r.params_total);
    expect('forward_flops' in r).toBe(true);
  });
  it.each(HARDWARE_IDS)('show hardware %s', async (id) => {
    const { result, error } = await run(['show', 'hardware', id, '--json']);
    expect(error).toBeUndefined();
    expect((result as any).memory.capacity_bytes).toBeGreaterThan(0);
  });
  it.each(MEMORY_IDS)('show memory %s', async (id) => {
    const { result, error } = await run(['show', 'memory', id, '--json']);
    expect(error).toBeUndefined();
    expect((result as any).id).toBe(id);
  });
});

describe('show human output', () => {
  it('formats units', async () => {
    const { stdout } = await run(['show', 'hardware', 'h100-sxm']);
    expect(stdout).toMatch(/matrix bf16\s+989\.4 TFLOP\/s/);
    expect(stdout).toMatch(/memory bandwidth\s+3\.35 TB\/s/);
  });
  it('prints the efficiencies the roofline prices at, read from the same object --json writes', async () => {
    const { stdout } = await run(['show', 'hardware', 'h20']);
    const { result } = await run(['show', 'hardware', 'h20', '--json']); // one at a time: runCommand captures the process's stdout
    const e = (result as any).efficiency;
    const last = (t: { values: number[] }) => `${fmtNumber(t.values[t.values.length - 1]! * 100)}%`;
    const line = (field: string) => stdout.split('\n').find((l) => l.startsWith(`${field} `)) ?? '';
    expect(line('GEMM efficiency')).toContain(`… ${last(e.gemm)} at `);
    expect(line('GEMM efficiency fp8')).toContain(`… ${last(e.gemm_by_dtype.fp8)} at `);
    expect(line('attention')).toContain(`${fmtPercent(e.attention, 0)} of matrix peak`);
    expect(line('collectives')).toContain(`(${e.collective_algorithm})`);
    expect(stdout).toContain(`efficiency: ${e.source}`);
  });
  it('unknown id: one line, suggestion, non-zero exit', async () => {
    const { stderr, error } = await run(['show', 'model', 'llama-3.1-8x']);
    expect(`${stderr}${error?.message ?? ''}`).toMatch(/unknown model "llama-3\.1-8x": did you mean "llama-3\.1-8b"\?/);
  });
});

describe('validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-cli-'));
  it('accepts a user file that extends a library entry', async () => {
    const f = join(dir, 'h100-hbm3e.yaml');
    writeFileSync(f, 'id: h100-hbm3e\nname: H100 with HBM3e\nextends: h100-sxm\nmemory:\n  capacity: 141 GB\n  bandwidth: 4.8 TB/s\n');
    const { stdout, error } = await run(['validate', f]);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/valid hardware spec "h100-hbm3e"/);
    const shown = await run(['show', 'hardware', f, '--json']);
    expect((shown.result as any).memory.bandwidth_bytes_per_s).toBe(4.8e12);
    expect((shown.result as any).matrix_flops_per_s.bf16).toBeCloseTo(989.4e12, -9);
  });
  it('reports every problem with file:line and exits non-zero', async () => {
    const f = join(dir, 'broken.yaml');
    writeFileSync(f, 'id: broken\nfamily: decoder\nhidden: "lots"\nlayers: -3\n');
    const { stderr, error } = await run(['validate', f]);
    expect(error?.oclif?.exit).toBe(1);
    expect(stderr).toMatch(/broken\.yaml:3:9 {2}hidden {2}expected a number/);
    expect(stderr).toMatch(/broken\.yaml:4:9 {2}layers {2}must be between 1 and 10000, found -3/);
    expect(stderr.match(/ layers /g)).toHaveLength(1); // one line per field
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
