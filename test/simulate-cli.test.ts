import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (args: string[]) => spawnSync('node', ['bin/run.js', ...args], { encoding: 'utf8' });

describe('simulate CLI (built dist)', () => {
  beforeAll(() => {
    if (!existsSync('dist/commands/simulate.js')) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  });
  it('--json carries the contract keys', () => {
    const r = run(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['ttft_s', 'tpot_s', 'e2e_s', 'latency_s', 'throughput_tok_s', 'prefill_tok_s', 'batch', 'replicas', 'devices', 'tp', 'pp', 'ep', 'warnings', 'phases']) {
      expect(j).toHaveProperty(k);
    }
    for (const k of ['per_device_bytes', 'capacity_bytes', 'fits', 'reason', 'weights_bytes', 'kv_cache_bytes', 'activations_bytes']) expect(j.memory).toHaveProperty(k);
    expect(j.tpot_s).toBeGreaterThan(0);
    expect(j.e2e_s).toBeCloseTo(j.ttft_s + 127 * j.tpot_s, 9);
  });
  it('does-not-fit exits 0 with fits false and null times', () => {
    const r = run(['simulate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.memory.fits).toBe(false);
    expect(j.memory.reason).toBeTruthy();
    expect(j.throughput_tok_s).toBeNull();
  });
  it('heads not divisible by tp: one clear line, non-zero exit', () => {
    const r = run(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--tp', '3']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not divisible by --tp 3/);
  });
  it('op gemm --json', () => {
    const r = run(['op', 'gemm', '--m', '8192', '--n', '8192', '--k', '8192', '--dtype', 'fp8', '--hardware', 'h100-sxm', '--json']);
    const j = JSON.parse(r.stdout);
    for (const k of ['seconds', 'achieved_flops_per_s', 'achieved_bytes_per_s', 'bus_bandwidth_bytes_per_s', 'bound']) expect(j).toHaveProperty(k);
  });
  it('human output has a summary and --verbose per-op tables', () => {
    const r = run(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--verbose']);
    expect(r.stdout).toMatch(/time per output token/);
    expect(r.stdout).toMatch(/prefill ops/);
    expect(r.stdout).toMatch(/decode ops/);
  });
});
