// What the session-34 fuzz seeds (FUZZ_SEED 7377-7400) found, one test each.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './fuzz/cli.js';

const BAD = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]|internal error|at .*\.js:\d+/;

// seed 7384 case 1044: memory.technology "-Infinity" (free text) was echoed as is in the energy label and warning
// ("energy per token 0.718 J (-Infinity ASSUMED, …"); the hardware's free-text words (memory and link technology,
// vendor) are masked at load as its name already was
describe('a hardware spec\'s free-text fields never print the fault words', () => {
  it('memory.technology -Infinity, a link technology NaN and vendor undefined: simulate text and --json, show hardware', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-findings6-'));
    const f = join(dir, 'gpu.yaml');
    writeFileSync(f, 'id: gpu-x\nextends: mi250x\nvendor: undefined\nmemory:\n  technology: -Infinity\ninterconnect:\n  scale_up:\n    bandwidth: 350 GB/s\n    technology: NaN\n');
    const text = await runCli(['simulate', '-m', 'gpt-oss-20b', '-H', f, '--devices', '8']);
    expect(text.exit, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/energy per token .*\(-infinite ASSUMED, no published figure/);
    const json = await runCli(['simulate', '-m', 'gpt-oss-20b', '-H', f, '--devices', '8', '--json']);
    const show = await runCli(['show', 'hardware', f]);
    for (const r of [text, json, show]) expect(r.stdout + r.stderr).not.toMatch(BAD);
  });
  it('price dates and sources, the own runtime name, the efficiency source and a memory spec\'s name and sources too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-findings6-'));
    const hw = join(dir, 'gpu.yaml');
    writeFileSync(hw, 'id: gpu-y\nextends: mi250x\nprice:\n  hour: 2 USD\n  hour_date: undefined\n  hour_source: Infinity\n  purchase: 10000 USD\n  purchase_date: NaN\n  purchase_source: "[object Object]"\nruntime:\n  name: undefined\nefficiency:\n  source: Infinity\n');
    const mem = join(dir, 'mem.yaml');
    writeFileSync(mem, 'id: mem-x\nname: NaN\nkind: stack\nper_stack_bandwidth: 819 GB/s\nper_stack_capacity: 24 GB\nsources: [undefined]\n');
    const runs = [['show', 'hardware', hw], ['show', 'hardware', hw, '--json'], ['show', 'memory', mem], ['show', 'memory', mem, '--json']];
    for (const argv of runs) {
      const r = await runCli(argv);
      expect(r.exit, r.stderr).toBe(0);
      expect(r.stdout + r.stderr, argv.join(' ')).not.toMatch(BAD);
    }
    expect((await runCli(['show', 'hardware', hw])).stdout).toMatch(/\$2 \(undef, infinite\)/);
  });
  it('a model spec\'s reference_params.source too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-findings6-'));
    const f = join(dir, 'm.yaml');
    writeFileSync(f, 'id: m-w\nextends: llama-3.2-1b\nreference_params:\n  total: 1.24e9\n  source: NaN\n');
    for (const argv of [['show', 'model', f], ['show', 'model', f, '--json']]) {
      const r = await runCli(argv);
      expect(r.exit, r.stderr).toBe(0);
      expect(r.stdout + r.stderr, argv.join(' ')).not.toMatch(BAD);
      expect(r.stdout).toContain('not-a-number');
    }
  });
});
