// Numeric flags out of range are refused where they are parsed: one line naming the flag and what it takes, a
// non-zero exit, never a price of zero work (--resolution 0 once answered 2.4 s: flux.1-dev's text encoders alone),
// a silently aliased seed (the serving streams take it as a uint32), a price past any budget or an empty table.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';

const root = new URL('..', import.meta.url).pathname;
const run = (args: string[]) => runCommand(args, { root });

const SIM = ['simulate', '--hardware', 'h100-sxm'];
const SERVE = ['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--requests', '20'];
const PLAN = ['plan', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--slo-tpot', '50ms', '--requests', '20'];
const TRAIN = ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8'];

const cases: [string, string[], RegExp][] = [
  ['image DiT at --resolution 0', [...SIM, '--model', 'flux.1-dev', '--resolution', '0'], /^--resolution: expected an integer from 1 to 65536, found "0"$/],
  ['video DiT at --frames 0', [...SIM, '--model', 'cogvideox-5b', '--frames', '0'], /^--frames: expected an integer from 1 to 100000, found "0"$/],
  ['--steps 0', [...SIM, '--model', 'flux.1-dev', '--steps', '0'], /^--steps: expected an integer from 1 to 100000, found "0"$/],
  ['--resolution past its cap', [...SIM, '--model', 'flux.1-dev', '--resolution', '70000'], /^--resolution: expected an integer from 1 to 65536, found "70000"$/],
  ['simulate --tp 0 names the flag and the value', [...SIM, '--model', 'llama-3.1-8b', '--tp', '0'], /^--tp: expected an integer from 1 to 100000, found "0"$/],
  ['serve --rate past a billion a second', [...SERVE, '--rate', '1e30'], /^--rate: expected at most 1000000000, found "1e\+30"$/],
  ['serve --seed past a uint32', [...SERVE, '--rate', '2', '--seed', '4294967296'], /^--seed: expected an integer from 0 to 4294967295, found "4294967296"$/],
  ['serve --price past a million USD an hour', [...SERVE, '--rate', '2', '--price', '1e7'], /^--price "1e7": expected 0 or USD per device-hour from 1e-6 to 1e6, found 10000000$/],
  ['serve --max-num-seqs past the requests simulated', [...SERVE, '--rate', '2', '--max-num-seqs', '2000000'], /^--max-num-seqs: expected at most 1000000, found "2000000"$/],
  ['serve --max-num-batched-tokens past the token cap', [...SERVE, '--rate', '2', '--max-num-batched-tokens', '2000000000'], /^--max-num-batched-tokens: expected at most 1000000000, found "2000000000"$/],
  ['serve --max-concurrency past the requests simulated', [...SERVE, '--rate', '2', '--max-concurrency', '2000000'], /^--max-concurrency: expected at most 1000000, found "2000000"$/],
  ['plan --seed -1', [...PLAN, '--rate', '2', '--seed', '-1'], /^--seed: expected an integer from 0 to 4294967295, found "-1"$/],
  ['plan --max-devices past what serve simulates', [...PLAN, '--rate', '2', '--max-devices', '20000'], /^--max-devices: expected an integer from 1 to 16384 .*found "20000"$/],
  ['plan --price past a million USD an hour', [...PLAN, '--rate', '2', '--price', 'h100-sxm=2e6'], /^--price "h100-sxm=2e6": expected 0 or USD per device-hour from 1e-6 to 1e6, found 2000000$/],
  ['plan --rate past a billion a second', [...PLAN, '--rate', '2e9'], /^--rate: expected at most 1000000000 requests\/s, found "2000000000"$/],
  ['train --top 0', [...TRAIN, '--search', '--top', '0'], /^--top: expected an integer from 1 to 10000 .*found "0"$/],
  ['train --top -1 (it printed all but the last)', [...TRAIN, '--top', '-1'], /^--top: expected an integer from 1 to 10000 .*found "-1"$/],
  ['op gemm past a 32-bit dimension', ['op', 'gemm', '--hardware', 'h100-sxm', '--m', '99999999999999', '--n', '8', '--k', '8'], /^--m: expected at most 2147483647 .*found "99999999999999"$/],
  ['op allreduce past simulate\'s device cap', ['op', 'allreduce', '--hardware', 'h100-sxm', '--bytes', '1e9', '--devices', '99999999999'], /^--devices: expected an integer from 2 to 1000000 .*found "99999999999"$/],
  ['sweep --workers past a thread count', ['sweep', 'examples/sweep-small.yaml', '--out', '/nonexistent/x.csv', '--workers', '100000'], /^--workers: expected an integer from 1 to 1024 \(engine threads\), found "100000"$/],
];

describe('numeric flags out of range: one line naming the flag, non-zero exit', () => {
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const { error, stdout, stderr } = await run(args);
      expect(error?.oclif?.exit).toBe(2);
      const lines = stderr.split('\n').filter((l) => l.trim() && !/^\s*›?\s*Warning/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]!.replace(/^hwperf: /, '')).toMatch(message);
      expect(stdout).toBe('');
    });
  }
  it('with --json the error is oclif\'s {"error": {"message"}} and the exit non-zero (the --json contract)', async () => {
    const { stdout } = await run([...SIM, '--model', 'flux.1-dev', '--resolution', '0', '--json']);
    const out = JSON.parse(stdout);
    expect(out.error.oclif.exit).toBe(2);
    expect(out.error.message).toMatch(/^--resolution: expected an integer from 1 to 65536, found "0"$/);
  });
  it('0 stays valid where it asks something: no output tokens (a prompt-only TTFT run)', async () => {
    const { error, result } = await run([...SIM, '--model', 'llama-3.1-8b', '--output-tokens', '0', '--json']);
    expect(error).toBeUndefined();
    expect((result as { ttft_s: number }).ttft_s).toBeGreaterThan(0);
  });
});
