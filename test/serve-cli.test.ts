// `hwperf serve` as a user runs it: --json keys, one-line errors, the timeline files.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (args: string[]) => spawnSync('node', ['bin/run.js', ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'hwperf-serve-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serve CLI (built dist)', () => {
  beforeAll(() => {
    if (!existsSync('dist/commands/serve.js')) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  });
  it('a trace row with a negative length: one line naming file and line, exit non-zero', () => {
    const f = join(tmp, 'bad.csv');
    writeFileSync(f, 'arrival_s,input_tokens,output_tokens\n0,100,10\n0.1,-5,10\n');
    const r = run(['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--trace', f]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${f}:3: input_tokens must be an integer ≥ 1`);
  });
  it('no load given: one line', () => {
    const r = run(['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--rate R/);
  });
  it('a trace runs; --timeline writes the CSV and the PNG beside it', () => {
    const f = join(tmp, 'ok.jsonl');
    writeFileSync(f, Array.from({ length: 50 }, (_, i) => JSON.stringify({ arrival_s: i * 0.1, input_tokens: 200 + i, output_tokens: 20, prefix_id: 'sys', prefix_tokens: 100 })).join('\n'));
    const tl = join(tmp, 'tl.csv');
    const r = run(['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--trace', f, '--timeline', tl, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.requests).toBe(50);
    expect(readFileSync(tl, 'utf8').split('\n')[0]).toBe('t_s,pool,replica,step_s,decode_seqs,prefill_tokens,waiting,running,kv_used_tokens');
    expect(existsSync(join(tmp, 'tl.png'))).toBe(true);
  });
});
