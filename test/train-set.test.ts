// `hwperf train --set PATH=VALUE`: simulate's what-ifs on a training run (a cluster's stated network), the same code
// path on the CLI / library API (applyWhatIfs) and in accuracy rows (applySetPlain, a bandwidth written without spaces).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runTrain, trainFromArgs, trainFromFlags } from '../src/sim/training/from-args.js';
import { applySet, applySetPlain } from '../src/hardware/set-path.js';
import { RUNNERS, parseCommand } from '../src/sim/accuracy.js';
import { getLibrary } from '../src/spec/library.js';
import type { TrainResult } from '../src/sim/training/types.js';

const root = new URL('..', import.meta.url).pathname;
const base = { model: 'llama-3.1-8b', hardware: 'a100-sxm4-80gb' };
const tps = async (devices: number, set?: string[]) => ((await runTrain({ ...base, devices, set })) as TrainResult).tokens_per_s;

describe('train --set interconnect.scale_out.bandwidth', () => {
  it('a narrower scale-out network slows data parallelism across nodes, and the narrower the slower', async () => {
    const spec = await tps(16);
    const cut = await tps(16, ['interconnect.scale_out.bandwidth=6.25 GB/s']);
    const cutMore = await tps(16, ['interconnect.scale_out.bandwidth=1 GB/s']);
    expect(cut).toBeLessThan(spec);
    expect(cutMore).toBeLessThan(cut);
  });
  it('leaves a one-node run (dp inside the scale-up domain) unchanged', async () => {
    expect(await tps(8, ['interconnect.scale_out.bandwidth=1 GB/s'])).toBe(await tps(8));
  });
  it('the accuracy runner prices a row the CLI way: trainFromFlags with its sets = runTrain with --set', async () => {
    const c = parseCommand('hwperf train --model llama-3.1-8b --hardware a100-sxm4-80gb --devices 16 --set interconnect.scale_out.bandwidth=6.25GB/s --json');
    const row = RUNNERS.train!(c) as unknown as TrainResult;
    expect(row.tokens_per_s).toBeCloseTo(await tps(16, ['interconnect.scale_out.bandwidth=6.25GB/s']), 6);
    const args = (await trainFromArgs(['train', '--model', base.model, '--hardware', base.hardware, '--devices', '16', '--set', 'interconnect.scale_out.bandwidth=6.25GB/s'])) as TrainResult;
    expect(args.tokens_per_s).toBe(row.tokens_per_s);
    expect(row.runtime).toBe(((await runTrain({ ...base, devices: 16 })) as TrainResult).runtime);
  });
  it('repeated --set apply in order; the library copy is left alone', () => {
    const flags = { model: base.model, hardware: base.hardware, devices: '16' } as Record<string, string | true>;
    const last = trainFromFlags(flags, ['interconnect.scale_out.bandwidth=1GB/s', 'interconnect.scale_out.bandwidth=25GB/s']);
    expect(last.tokens_per_s).toBe(trainFromFlags(flags).tokens_per_s); // 25 GB/s is the part's own (one HDR per GPU)
    expect(getLibrary().hardware['a100-sxm4-80gb']!.scaleOut?.bandwidthBytePerS).toBe(25e9);
    expect(() => trainFromFlags({ ...flags, set: true })).toThrow(/--set needs PATH=VALUE/);
  });
});

describe('a bandwidth in an accuracy row (applySetPlain) reads as the CLI reads it', () => {
  const h = getLibrary().hardware['a100-sxm4-80gb']!;
  it.each(['interconnect.scale_out.bandwidth=12.5GB/s', 'interconnect.scale_out.bandwidth=6.25GB/s', 'memory.bandwidth=2TB/s', 'interconnect.scale_up.bandwidth=300GB/s'])('%s', async (a) => {
    const plain = applySetPlain(h, a);
    const full = await applySet(h, a);
    expect(plain.scaleOut?.bandwidthBytePerS).toBe(full.scaleOut?.bandwidthBytePerS);
    expect(plain.scaleUp?.bandwidthBytePerS).toBe(full.scaleUp?.bandwidthBytePerS);
    expect(plain.memory.bandwidthBytePerS).toBe(full.memory.bandwidthBytePerS);
  });
  it('12.5GB/s is 12.5e9 bytes per second; bits, a bare number and a bad unit are refused in one line naming the field', () => {
    expect(applySetPlain(h, 'interconnect.scale_out.bandwidth=12.5GB/s').scaleOut?.bandwidthBytePerS).toBe(12.5e9);
    for (const bad of ['12.5Gb/s', '12.5', '12.5GB', 'fast', '0GB/s']) {
      expect(() => applySetPlain(h, `interconnect.scale_out.bandwidth=${bad}`)).toThrow(/^--set interconnect\.scale_out\.bandwidth: /);
    }
    expect(() => applySetPlain(h, 'interconnect.scale_out.bandwith=12.5GB/s')).toThrow(/unknown hardware field \(did you mean "interconnect\.scale_out\.bandwidth"\?\)/);
  });
});

describe('hwperf train --set on the command line', () => {
  const cli = (...set: string[]) => spawnSync('node', ['bin/run.js', 'train', '--model', base.model, '--hardware', base.hardware, '--devices', '16', ...set.flatMap((s) => ['--set', s])], { cwd: root, encoding: 'utf8' });
  it.each([
    ['interconnect.scale_out.bandwith=6.25GB/s', /--set interconnect\.scale_out\.bandwith: unknown hardware field \(did you mean "interconnect\.scale_out\.bandwidth"\?\)/],
    ['interconnect.scale_out.bandwidth=fast', /--set interconnect\.scale_out\.bandwidth: .*e\.g\./],
    ['interconnect.scale_out.bandwidth=12.5', /--set interconnect\.scale_out\.bandwidth: needs a unit/],
  ])('%s: one line naming the field and a fix, non-zero exit', (a, re) => {
    const r = cli(a);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
  it('prints the run with the header unchanged', () => {
    const r = cli('interconnect.scale_out.bandwidth=12.5GB/s');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('llama-3.1-8b on 16 × a100-sxm4-80gb (runtime megatron)');
  });
});
