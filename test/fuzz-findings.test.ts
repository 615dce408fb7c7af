// What the command-line fuzz campaigns (test/fuzz/cli.ts, seeds 1–3 and later) found, one test each, so that
// none comes back: prototype ids, absurd config.json counts, hostile shards and bench files, output paths that
// were checked only after the work, user text echoed as NaN/undefined, content of a non-spec file in a message.
import { describe, expect, it, beforeAll } from 'vitest';
import { runCli } from './fuzz/cli.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { clearStale, commitRenames } from '../src/report/write.js';
import { maskEcho } from '../src/spec/errors.js';
import { parseTrace } from '../src/serve/trace.js';
import { sampleCc } from './fixtures/bench-sample.js';

const root = new URL('..', import.meta.url).pathname;
const BAD = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]|internal error|at .*\.js:\d+/;
let dir: string;
// a pid proven dead: a child this process spawned and spawnSync reaped (a fixed number may be a live process)
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;

const run = runCli;

const hf = (over: Record<string, unknown>) => {
  const cfg = { ...JSON.parse(readFileSync(join(root, 'test/fixtures/hf/llama/config.json'), 'utf8')), ...over };
  const f = join(dir, `cfg-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(cfg));
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-findings-'));
  writeFileSync(join(dir, 'afile'), 'x');
});

describe('prototype names are unknown ids everywhere', () => {
  it('serve --runtime __proto__ / bogus: one line naming the runtime (was an internal error / a silent default)', async () => {
    for (const rt of ['__proto__', 'constructor', 'bogus']) {
      const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '3', '--runtime', rt]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(/^hwperf: unknown runtime/);
      expect(r.stderr).not.toMatch(BAD);
    }
  });
  it('config.json model_type "__proto__" is an unknown model type', async () => {
    const r = await run(['import', 'hf', hf({ architectures: undefined, model_type: '__proto__' })]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/unknown model_type/);
  });
});

describe('a hostile config.json is one line, never a crash or a hang', () => {
  it('num_hidden_layers 1e20 (was a fatal "invalid array length" building per-layer lists)', async () => {
    const r = await run(['simulate', '--model', hf({ num_hidden_layers: 1e20, sliding_window: 4096, model_type: 'mistral', architectures: ['MistralForCausalLM'] }), '--hardware', 'h100-sxm']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/\.json:1:\d+ {2}num_hidden_layers {2}must be at most 10000/); // the key at its line in the file
  });
  it('an unknown architecture is quoted only when it looks like a transformers class name', async () => {
    const secret = await run(['import', 'hf', hf({ architectures: ['AKIASECRETTOKEN123'] })]);
    expect(secret.stderr).toMatch(/unknown architecture \(not a transformers class name\)/);
    expect(secret.stderr).not.toMatch(/AKIA/);
    const named = await run(['import', 'hf', hf({ architectures: ['FooForCausalLM'] })]);
    expect(named.stderr).toMatch(/unknown architecture "FooForCausalLM"/);
  });
  it('quantization_config with odd values: no undefined or [object Object] in the message', async () => {
    for (const q of [{ quant_method: 'gptq', bits: {} }, { quant_method: {} }, { quant_method: 'compressed-tensors', config_groups: { g: { weights: {} } } }]) {
      const r = await run(['import', 'hf', hf({ quantization_config: q })]);
      expect(r.exit).toBe(2);
      expect(r.stderr).not.toMatch(BAD);
    }
  });
  it('a newline in _name_or_path stays inside the YAML comment', async () => {
    const r = await run(['import', 'hf', hf({ _name_or_path: 'org/x\nlayers: 7717' }), '--json']);
    const y = (JSON.parse(r.stdout) as { yaml: string }).yaml;
    expect(y).not.toMatch(/^layers: 7717/m);
  });
});

describe('outputs are checked before the work, one `--out` line', () => {
  it('import hf --out through a file, merge --out under /proc or with a 5000-byte name', async () => {
    const a = await run(['import', 'hf', hf({}), '--out', join(dir, 'afile', 'x.yaml')]);
    expect(a.exit).toBe(2);
    expect(a.stderr).toMatch(/^hwperf: --out .*afile is a file, not a folder$/);
    const shard = join(dir, 'not-a-shard.csv');
    writeFileSync(shard, 'a,b\n');
    for (const out of ['/proc/self/x.csv', join(dir, 'x'.repeat(5000))]) {
      const m = await run(['merge', shard, '--out', out]);
      expect(m.exit).toBe(2);
      expect(m.stderr).toMatch(/^hwperf: --out /);
      expect(m.stderr.split('\n')).toHaveLength(1);
      expect(m.stderr).not.toMatch(/ENAMETOOLONG|ENOENT|internal/);
    }
  });
  it('serve --timeline into a folder that is not there fails before the simulation', async () => {
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '3', '--timeline', join(dir, 'afile', 't.csv')]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --timeline .*is a file, not a folder$/);
  });
});

describe('hostile shards and bench files', () => {
  let shards: string[];
  beforeAll(async () => {
    const grid = join(dir, 'grid.yaml');
    writeFileSync(grid, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [h100-sxm, l4]\n  batch: [1, 8]\n');
    shards = [1, 2].map((i) => join(dir, `s-${i}.csv`));
    for (const [i, f] of shards.entries()) expect((await run(['sweep', grid, '--shard', `${i + 1}/2`, '--out', f])).exit).toBe(0);
  });
  it('a cell edited to Infinity is refused (was copied into the merged CSV)', async () => {
    const lines = readFileSync(shards[1]!, 'utf8').split('\n');
    lines[1] = lines[1]!.replace(/,1,/, ',Infinity,');
    const bad = join(dir, 's-2-bad.csv');
    writeFileSync(bad, lines.join('\n'));
    const r = await run(['merge', shards[0]!, bad, '--out', join(dir, 'm1.csv')]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/a row holds a value hwperf does not write/);
    expect(existsSync(join(dir, 'm1.csv'))).toBe(false);
  });
  it('a trailer claiming 1e9 shards is refused at once (was an array of 1e9 entries)', async () => {
    const text = readFileSync(shards[1]!, 'utf8').replace(/"of":2/, '"of":1000000000');
    const bad = join(dir, 's-2-of.csv');
    writeFileSync(bad, text);
    const r = await run(['merge', shards[0]!, bad, '--out', join(dir, 'm2.csv')]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/line is damaged/);
  });
  it('calibrate refuses a bench dtype that is no dtype (was "FALLBACK[dtype] is not iterable" for "constructor")', async () => {
    const b = JSON.parse(JSON.stringify(sampleCc()));
    b.gemm[0].dtype = 'constructor';
    const f = join(dir, 'bench-dt.json');
    writeFileSync(f, JSON.stringify(b));
    const r = await run(['calibrate', f, '--hardware', 'gb200']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/gemm\[0\] must have/);
  });
  it('op stream --bytes "1e300 TB" is refused (was "Infinity FLOP")', async () => {
    const r = await run(['op', 'stream', '--hardware', 'rtx-5090', '--bytes', '1e300 TB']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --bytes: expected at most 1e21 bytes/);
  });
  it('calibrate refuses a bench file with a NaN matrix size or a non-numeric rate (was "1024×1024×NaN" in the table)', async () => {
    const b = JSON.parse(JSON.stringify(sampleCc()));
    b.gemm[0].n = 'NaN';
    const f = join(dir, 'bench.json');
    writeFileSync(f, JSON.stringify(b));
    const r = await run(['calibrate', f, '--hardware', 'h100-sxm']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: not a usable hwperf bench result: gemm\[0\] must have whole m, n, k/);
  });
});

describe('what the user typed is never echoed as NaN, Infinity or undefined', () => {
  it('oclif parse errors: one line, the value quoted and masked, in text and in --json', async () => {
    const t = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--max-concurrency', '-Infinity']);
    expect(t.stderr).toBe('hwperf: --max-concurrency: expected an integer, found "-infinite"');
    const j = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--max-concurrency', 'NaN', '--json']);
    const msg = (JSON.parse(j.stdout) as { error: { message: string } }).error.message;
    expect(msg).toBe('--max-concurrency: expected an integer, found "not-a-number"');
  });
  it('ids, shard specs, goodput, report titles', async () => {
    for (const args of [['show', 'model', 'undefined'], ['validate', 'undefined'], ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8', '--goodput', 'Infinity'], ['sweep', join(dir, 'grid.yaml'), '--shard', 'NaN/2', '--out', join(dir, 'n.csv')]]) {
      const r = await run(args);
      expect([1, 2]).toContain(r.exit); // validate says 1 (a file is invalid), the others 2 (a usage error)
      expect(`${r.stdout}${r.stderr}`).not.toMatch(BAD);
    }
    const out = join(dir, 'rep');
    // --max-tpot NaN makes the pair a row with its reason; the reason, the title and the command line are masked
    const ok = await run(['compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--title', 'NaN undefined', '--max-tpot', 'NaN', '--out', out]);
    expect(ok.stderr).toBe('');
    expect(ok.exit).toBe(0);
    for (const f of readdirSync(out)) if (/\.(md|html|json)$/.test(f)) expect(readFileSync(join(out, f), 'utf8').replace(/<script[\s\S]*?<\/script>/g, '')).not.toMatch(BAD);
  });
  it('maskEcho masks quotes, a leading --flag value and a file location, not the message itself', () => {
    expect(maskEcho('--shard NaN/2: expected I/N')).toBe('--shard not-a-number/2: expected I/N');
    expect(maskEcho('a/undefined.yaml:3:4  layers  must be ≥ 1')).toBe('a/undef.yaml:3:4  layers  must be ≥ 1');
    expect(maskEcho('weights are NaN GB')).toBe('weights are NaN GB'); // a fault stays visible to the fuzz oracle
  });
  it('a trace that is not a trace never has its content quoted', () => {
    expect(() => parseTrace('input_tokens,output_tokens\nAKIASECRET,1\n', 't.csv', 8192)).toThrow(/found text that is not a number$/);
    expect(() => parseTrace('input_tokens,output_tokens\n-3,1\n', 't.csv', 8192)).toThrow(/found "-3"$/);
  });
});

describe('work is bounded before it starts', () => {
  it('bench --out "" is an error before the benchmarks (it ran them all, then wrote nothing)', async () => {
    const r = await run(['bench', '--out', '']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --out : expected a file name/);
  });
  it('accuracy --file: a row whose command names no --hardware, or a prototype id, is that row\'s note', async () => {
    const f = join(dir, 'acc.csv');
    writeFileSync(f, 'id,category,hwperf_command,hwperf_json_key,hwperf_expected\nX,A,hwperf simulate --model llama-3.2-1b,latency_s,1\nY,A,hwperf simulate --model llama-3.2-1b --hardware constructor,latency_s,1\nZ,A,hwperf simulate --model llama-3.2-1b --hardware undefined,latency_s,1\n');
    const r = await run(['accuracy', '--file', f, '--json']);
    const notes = (JSON.parse(r.stdout) as { rows: { note: string }[] }).rows.map((x) => x.note);
    expect(notes.slice(0, 2)).toEqual(['the command names no --hardware', 'unknown hardware "constructor"']);
    // an id spelled "undefined" is an unknown id, not a missing flag (the check came after String(), fuzz3)
    expect(notes[2]).toMatch(/^unknown hardware "/);
  });
  it('serve --requests 1e8 is refused at once (was a simulation of 1e8 requests: hours)', async () => {
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '1', '--requests', '100000000']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --requests: at most 1000000 requests are simulated/);
  });
  it('serve --decode-devices 2147483648 is refused at once (was 2^31 replicas: a hang)', async () => {
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '1', '--prefill-devices', '8', '--decode-devices', '2147483648']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --decode-devices: at most 16384 devices are simulated/);
  });
  it('requests × output tokens past 5e8 is refused (llama-4-scout: 10M context × 1000 requests)', async () => {
    const r = await run(['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '10000', '--input-tokens', '1', '--output-tokens', '100000']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/at most 5\.0e\+8 generated tokens are simulated, here 1\.00e\+9/);
  });
});

describe('a set of outputs is renamed into place as one step', () => {
  it('a journal left by a killed process is finished by the next run (no CSV new and Pareto file old)', () => {
    const d = join(dir, 'commit');
    mkdirSync(d);
    const pid = deadPid();
    writeFileSync(join(d, 'a.csv'), 'old a');
    writeFileSync(join(d, 'a.pareto.csv'), 'old p');
    writeFileSync(join(d, `.a.csv.${pid}.tmp`), 'new a');
    writeFileSync(join(d, `.a.pareto.csv.${pid}.tmp`), 'new p');
    // the process (not running) renamed the first file and was killed before the second
    writeFileSync(join(d, `.a.csv.${pid}.commit`), JSON.stringify([[join(d, `.a.csv.${pid}.tmp`), join(d, 'a.csv')], [join(d, `.a.pareto.csv.${pid}.tmp`), join(d, 'a.pareto.csv')]]));
    clearStale(join(d, 'a.pareto.csv'));
    expect(readFileSync(join(d, 'a.csv'), 'utf8')).toBe('new a');
    expect(readFileSync(join(d, 'a.pareto.csv'), 'utf8')).toBe('new p');
    expect(readdirSync(d).sort()).toEqual(['a.csv', 'a.pareto.csv']);
    commitRenames([]);
  });
  it('a journal never moves files out of its folder', () => {
    const d = join(dir, 'commit2');
    mkdirSync(d);
    const pid = deadPid();
    writeFileSync(join(dir, 'victim.txt'), 'keep');
    writeFileSync(join(d, `.x.csv.${pid}.commit`), JSON.stringify([[join(dir, 'victim.txt'), join(d, 'stolen.txt')]]));
    clearStale(join(d, 'x.csv'));
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('free text of a spec file never prints the words that mean a bug (seed 13)', () => {
  it('show runtime: a runtime named NaN, version Infinity, a source "undefined" are spelled out', async () => {
    const f = join(dir, 'odd-rt.yaml');
    writeFileSync(f, 'id: odd-rt\nname: NaN\nversion: Infinity\nextends: vllm\nsources: ["undefined"]\n');
    for (const json of [[], ['--json']]) {
      const r = await run(['show', 'runtime', f, ...json]);
      expect(r.exit).toBe(0);
      expect(r.stdout).toMatch(/not-a-number/);
      expect(r.stdout + r.stderr).not.toMatch(BAD);
    }
  });
  it('show model: a model named Infinity is spelled out', async () => {
    const f = join(dir, 'odd-model.yaml');
    writeFileSync(f, 'id: odd-model\nname: Infinity\nextends: llama-3.1-8b\n');
    const r = await run(['show', 'model', f]);
    expect(r.exit).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(BAD);
  });
});

describe('compare reports an unknown id as a row without echoing the bug words (fuzz seeds 14, 979)', () => {
  it('--hardware NaN and --models undefined: the rows name them spelled out', async () => {
    for (const [flag, id, other] of [['--hardware', 'NaN', ['--models', 'gpt2']], ['--models', 'undefined', ['--hardware', 'b200']]] as const) {
      const r = await run(['compare', flag, id, ...other, '--out', join(dir, `cmp-${flag.slice(2)}`), '--json']);
      expect(r.stdout).toMatch(/"status": "error"/);
      expect(r.stdout + r.stderr).not.toMatch(BAD);
    }
  });
});

describe('third round (fuzz3: seed 31337 and the widened generator)', () => {
  it('an integer flag of 400 digits is one line (parseInt made it Infinity: "not a multiple of tp·pp·cp = Infinity")', async () => {
    const r = await run(['train', '--model', 'llama-3.1-70b', '--hardware', 'b200', '--devices', '16', '--tp', '9'.repeat(400)]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --tp: the number is too large/);
    expect(r.stdout + r.stderr).not.toMatch(BAD);
  });
  it('a pipeline\'s defaults have the ranges of the flags they stand for (resolution 1e300 gave memory Infinity)', async () => {
    const f = join(dir, 'pipe-defaults.yaml');
    writeFileSync(f, 'extends: wan-2.1-t2v-14b\nid: pipe-defaults\ndefaults:\n  resolution: 1e+300\n');
    const r = await run(['validate', f]);
    expect(r.exit).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/defaults\.resolution {2}must be between 1 and 65536/);
  });
  it('needsReason says an overflowed size in words, never "Infinity GB"', async () => {
    const { needsReason } = await import('../src/sim/graph-cost.js');
    expect(needsReason(Infinity, 80e9)).toBe('needs more memory than any device holds per device, 80.00 GB usable');
    expect(needsReason(81.2e9, 80e9)).toBe('needs 81.20 GB per device, 80.00 GB usable');
  });
  it('compare refuses flags that apply to none of its pairs (--emit; --resolution with only LLMs), like simulate', async () => {
    for (const extra of [['--emit', 'vllm'], ['--resolution', '512']]) {
      const r = await run(['compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--out', join(dir, 'cmp-flags'), ...extra]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hwperf: ${extra[0]} (does not apply to compare|applies to none of the models compared)`));
      expect(existsSync(join(dir, 'cmp-flags'))).toBe(false);
    }
    // a family flag that applies to one of the models is taken
    const ok = await run(['compare', '--models', 'llama-3.2-1b,dit-xl-2', '--hardware', 'l4', '--resolution', '256', '--out', join(dir, 'cmp-flags-ok'), '--json']);
    expect(ok.exit).toBe(0);
  });
  it('roofline refuses --emit, --auto-tp and a family flag its model does not take (they were silently ignored)', async () => {
    for (const [extra, msg] of [[['--emit', 'vllm'], /^hwperf: --emit does not apply to roofline/], [['--auto-tp'], /^hwperf: --auto-tp does not apply to roofline/],
      [['--resolution', '512'], /^hwperf: --resolution does not apply to llama-3\.2-1b/]] as const) {
      const out = join(dir, 'roof.svg');
      const r = await run(['roofline', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--out', out, ...extra]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
  });
  it('size --target-tok-s 1e308 / --target-tpot 1e-300 is one line about the target (was "--memory ddr5:infinite", a flag never given)', async () => {
    for (const t of [['--target-tok-s', '1e308'], ['--target-tpot', '1e-300']]) {
      const r = await run(['size', '--model', 'llama-3.1-8b', ...t]);
      expect(r.exit).toBe(2);
      // (a TPOT of 1e-300 s is refused as a latency limit since fuzz round 5: 1 ps at the least)
      expect(r.stderr).toMatch(t[0] === '--target-tpot' ? /^hwperf: --target-tpot: expected 0 or seconds from 1 ps to 1e9 s/ : /^hwperf: size: a target of .* tok\/s is more than 1e9 tok\/s/); // (refused by its range since fuzz round 5)
      expect(r.stderr).not.toMatch(/--memory/);
    }
  });
  it('train: every count is a whole number in its range (--seq-len 0 gave "global batch Infinity", -1 a fitting result; edge sweep)', async () => {
    for (const [flag, v] of [['--seq-len', '0'], ['--seq-len', '-1'], ['--global-batch', '0'], ['--micro-batch', '-1'], ['--cp', '0'], ['--dp', '0']]) {
      const r = await run(['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8', flag!, v!]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hwperf: ${flag} must be a whole number from 1 to \\d+, found "${v}"$`));
    }
  });
  it('a sweep grid\'s max_tpot: -1 is refused like --max-tpot -1 (a YAML number skipped parseSeconds\' checks; edge sweep)', async () => {
    const grid = join(dir, 'neg-tpot.yaml');
    writeFileSync(grid, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n  max_tpot: [-1]\n');
    const r = await run(['sweep', grid, '--out', join(dir, 'neg-tpot.csv')]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/sweep\.max_tpot\.0 {2}expected seconds/);
    expect(existsSync(join(dir, 'neg-tpot.csv'))).toBe(false);
  });
  it('--out DIR/. or DIR/.. is a folder, refused in one line (seed 4444444: sweep --shard wrote to "DIR/...PID.tmp", an internal ENOENT)', async () => {
    const grid = join(dir, 'dot-grid.yaml');
    writeFileSync(grid, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n');
    for (const out of [join(dir, 'nodir') + '/.', join(dir, 'nodir') + '/..', '.']) {
      for (const extra of [[], ['--shard', '1/2']]) {
        const r = await run(['sweep', grid, '--out', out, ...extra]);
        expect(r.exit).toBe(2);
        expect(r.stderr).toMatch(/^hwperf: --out .*: expected a file name, not a folder$/);
      }
    }
  });
  it('a trace, a shard, a measurements CSV named as a folder are called what they are, not "a spec file"', async () => {
    const t = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '1', '--trace', dir]);
    expect(t.stderr).toMatch(/is a folder, not a trace$/);
    const m = await run(['merge', dir, '--out', join(dir, 'm.csv')]);
    expect(m.stderr).toMatch(/is a folder, not a sweep shard$/);
    const a = await run(['accuracy', '--file', dir]);
    expect(a.stderr).toMatch(/is a folder, not a measurements CSV$/);
  });
  it('compare --out a dangling symbolic link is one line (was an internal error: ENOTDIR on the rename)', async () => {
    const link = join(dir, 'dangling-out');
    symlinkSync(join(dir, 'nowhere', 'x'), link);
    const r = await run(['compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--out', link]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --out .*: exists and is not a folder \(a symbolic link\)$/);
  });
  it('an output name with a newline or tab is refused before any work (it split every line naming the file)', async () => {
    const grid = join(dir, 'nl-grid.yaml');
    writeFileSync(grid, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n');
    for (const args of [['sweep', grid, '--out', join(dir, 'a\nb.csv')], ['serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '1', '--requests', '2', '--timeline', join(dir, 't\tb.csv')],
      ['compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--out', join(dir, 'c\nd')]]) {
      const r = await run(args);
      expect(r.exit).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/the name holds a control character/);
    }
  });
});

describe('every library entry shows clean (seed 8675309: show runtime llama.cpp printed decode_graph=[object Object])', () => {
  it('show runtime / model / hardware of every library id: no NaN, Infinity, undefined or [object Object]', async () => {
    const { getLibrary } = await import('../src/spec/library.js');
    const lib = getLibrary();
    const kinds = [['runtime', Object.keys(lib.runtimes)], ['model', Object.keys(lib.models)], ['hardware', Object.keys(lib.hardware)]] as const;
    for (const [kind, ids] of kinds) {
      for (const id of ids) {
        const r = await run(['show', kind, id]);
        expect(r.exit, `show ${kind} ${id}`).toBe(0);
        expect(`${r.stdout}${r.stderr}`.replace(/Infinity (Cache|Fabric)/g, ''), `show ${kind} ${id}`).not.toMatch(BAD);
      }
    }
  });
});

describe('what a spec holds never splits or dirties a line (seed 161803 with YAML literals on any field)', () => {
  it('a block scalar "5\\n" in a field is quoted with its newline escaped: one line per issue', async () => {
    const f = join(dir, 'block.yaml');
    writeFileSync(f, 'extends: llama-3.2-1b\nid: block\nkv_heads: |\n  5\n');
    const r = await run(['validate', f]);
    expect(r.exit).not.toBe(0);
    const lines = (r.stdout + r.stderr).trim().split('\n');
    expect(lines.every((l) => l.startsWith(f) || l.startsWith('hwperf:'))).toBe(true);
    expect(r.stdout + r.stderr).toMatch(/"5\\n"/);
  });
  it('a --set value with a newline is quoted escaped on the one line of its error', async () => {
    const r = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--set', 'memory.capacity=5\nGB']);
    expect(r.exit).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
  it('an id "undefined" is refused (it headed the simulate report as "undefined on gaudi2")', async () => {
    for (const [id, base] of [['undefined', 'llama-3.2-1b'], ['x-undefined', 'h100-sxm']]) {
      const f = join(dir, `id-${id}.yaml`);
      writeFileSync(f, `extends: ${base}\nid: ${id}\n`);
      const r = await run(['validate', f]);
      expect(r.exit).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/id {2}an id is lowercase letters/);
      expect(r.stdout + r.stderr).not.toMatch(BAD);
    }
    const ok = join(dir, 'id-undefinedx.yaml');
    writeFileSync(ok, 'extends: llama-3.2-1b\nid: undefinedx\n');
    expect((await run(['validate', ok])).exit).toBe(0);
  });
});

describe('the boundary corpus (test/fuzz/bounds.ts, seeds 1001–1003): valid edges of every range', () => {
  it('an efficiency of 5e-324 is refused in a spec, a runtime file and --set (was fits: true with null latency, and Infinity in report.html)', async () => {
    const hw = join(dir, 'eff-hw.yaml');
    writeFileSync(hw, 'extends: h100-sxm\nid: eff-hw\nefficiency:\n  vector: 5.0e-324\n');
    const r = await run(['validate', hw]);
    expect(r.exit).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/efficiency\.vector {2}efficiency must be a fraction from 0\.000001 to 1/);
    const rt = join(dir, 'eff-rt.yaml');
    writeFileSync(rt, 'extends: vllm\nid: eff-rt\nkernels:\n  attention_efficiency: 5.0e-324\n');
    const rr = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--runtime', rt]);
    expect(rr.exit).toBe(2);
    expect(rr.stderr).toMatch(/attention_efficiency/);
    const s = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--set', 'efficiency.attention=5e-324']);
    expect(s.exit).toBe(2);
    expect(s.stderr).toMatch(/^hwperf: --set efficiency.attention: expected a fraction from 0.000001 to 1/);
    // the smallest allowed still answers with finite times
    const ok = await run(['simulate', '--model', 'sd-vae', '--hardware', 'h100-sxm', '--set', 'efficiency.vector=0.000001', '--set', 'efficiency.memory=0.000001', '--json']);
    expect(ok.exit).toBe(0);
    expect(JSON.parse(ok.stdout).latency_s).toBeGreaterThan(0);
  });
  it('--set interconnect.host.latency on a part without a host link is refused (made a link of 0 B/s: fits with null latency)', async () => {
    const r = await run(['simulate', '--model', 'llama-2-7b', '--hardware', 'apple-m3-max', '--tp', '8', '--set', 'interconnect.host.latency=2.4e-9 s']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --set interconnect.host.latency: apple-m3-max has no interconnect.host link; give its bandwidth first/);
    const ok = await run(['simulate', '--model', 'llama-2-7b', '--hardware', 'apple-m3-max', '--tp', '8', '--set', 'interconnect.host.bandwidth=10 GB/s', '--set', 'interconnect.host.latency=2.4e-9 s', '--json']);
    expect(ok.exit).toBe(0);
    expect(JSON.parse(ok.stdout).latency_s).toBeGreaterThan(0);
  });
  it('a report cell whose number is not finite sorts as "" in report.html, never data-sort="Infinity"', async () => {
    const { summaryTable } = await import('../src/report/table.js');
    const { tableHtml } = await import('../src/report/html.js');
    const row = { model: 'm', hardware: 'h', family: 'decoder', status: 'ok', result: { devices: 1, tp: 1, pp: 1, ttft_s: Infinity, tpot_s: NaN, memory: { per_device_bytes: 1, capacity_bytes: 2 } } };
    const html = tableHtml(summaryTable([row as never]));
    expect(html).not.toMatch(/\bNaN\b|\bInfinity\b/);
  });
});

describe('serve and plan leftovers of the fifth session', () => {
  it('--rate whose arrivals would span more than 1e8 s is refused (1e-300 gave 7.9e299 J/token; 5e-324 silently ran as a burst)', async () => {
    for (const rate of ['1e-300', '5e-324', '1e-6']) {
      const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', rate, '--requests', '1000']);
      expect(r.exit, rate).toBe(2);
      expect(r.stderr, rate).toMatch(/^hwperf: --rate: 1000 requests at .* requests\/s would arrive over .* s; at most 1e\+8 s/);
    }
    // one request needs no rate; a slow rate over few requests is a run of its own
    for (const [rate, n] of [['1e-300', '1'], ['1e-6', '50']]) {
      const ok = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', rate, '--requests', n, '--json']);
      expect(ok.exit, rate).toBe(0);
      expect(JSON.parse(ok.stdout).energy_j_per_token).toBeLessThan(1e9);
    }
  });
  it('a trace arrival_s past 1e8 s and a --burstiness outside [0.001, 1000] are one line each', async () => {
    const t = join(dir, 'late.csv');
    writeFileSync(t, 'arrival_s,input_tokens,output_tokens\n0,10,10\n1e300,10,10\n');
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--trace', t]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/late\.csv:3: arrival_s must be at most 1e\+8 s/);
    for (const b of ['1e-300', '1e300']) {
      const rb = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '5', '--burstiness', b]);
      expect(rb.exit, b).toBe(2);
      expect(rb.stderr, b).toMatch(/^hwperf: --burstiness: expected a gamma shape from 0.001 to 1000/);
    }
  });
  it('--set runtime.admission sets serve\'s policy as a runtime file\'s scheduler.admission does; other words are refused', async () => {
    const base = ['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--rate', '50', '--requests', '300', '--input-tokens', '2000', '--output-tokens', '1000', '--set', 'memory.capacity=24 GB', '--json'];
    const rt = join(dir, 'preempt.yaml');
    writeFileSync(rt, 'extends: tensorrt-llm\nid: trt-maxutil\nscheduler:\n  admission: preempt\n');
    const viaFile = JSON.parse((await run([...base, '--runtime', rt])).stdout);
    const viaSet = JSON.parse((await run([...base, '--runtime', 'tensorrt-llm', '--set', 'runtime.admission=preempt'])).stdout);
    const reserve = JSON.parse((await run([...base, '--runtime', 'tensorrt-llm'])).stdout);
    expect(viaSet.kv_peak_bytes).toBe(viaFile.kv_peak_bytes);
    expect(viaSet.ttft_s.p99).toBe(viaFile.ttft_s.p99);
    expect(viaSet.kv_peak_bytes).not.toBe(reserve.kv_peak_bytes);
    const bad = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1', '--requests', '3', '--set', 'runtime.admission=evict']);
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toMatch(/^hwperf: --set runtime.admission: expected one of reserve, preempt, estimate, found "evict"/);
  });
});

describe('an output path with a fault word in it (fifth session leftover: `--out NaN.csv` printed "wrote NaN.csv")', () => {
  it('is refused before any work, for files and report folders, in one line that does not print the word', async () => {
    const cases: string[][] = [
      ['roofline', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--out', join(dir, 'NaN.svg')],
      ['sweep', join(root, 'examples', 'sweep-small.yaml'), '--out', join(dir, 'Infinity.csv')],
      ['compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--out', join(dir, 'undefined')],
      ['import', 'hf', join(root, 'test/fixtures/hf/llama/config.json'), '--out', join(dir, 'NaN', 'x.yaml')],
    ];
    for (const argv of cases) {
      const r = await run(argv);
      expect(r.exit, argv[0]).toBe(2);
      expect(r.stderr, argv[0]).toMatch(/^hwperf: --out .*: the path holds a word hwperf prints only for a fault \(shown here as not-a-number, infinite, undef, \{object\}\); choose another name$/);
      expect(r.stdout + r.stderr, argv[0]).not.toMatch(BAD);
    }
    // a word inside a longer one is no fault word
    const ok = await run(['roofline', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--out', join(dir, 'NaNo.svg')]);
    expect(ok.exit).toBe(0);
    expect(existsSync(join(dir, 'NaNo.svg'))).toBe(true);
  });
});

describe('the boundary corpus, seed 1005', () => {
  it('a GEMM efficiency of 2.9e-6 (allowed: ≥ 1e-6) gives finite times (its table rounded to 3 decimals was all 0: fits with null latency)', async () => {
    const { gemmTable } = await import('../src/hardware/efficiency.js');
    expect(gemmTable(2.9e-6).values.every((v) => v > 0)).toBe(true);
    expect(gemmTable(0.75).values).toEqual([0.06, 0.135, 0.203, 0.622, 0.675, 0.705, 0.75]); // the library's tables unchanged
    for (const path of ['efficiency.gemm_by_dtype.bf16', 'efficiency.gemm']) {
      const r = await run(['simulate', '--model', 'gpt3-6.7b', '--hardware', 'ryzen-ai-max-plus-395', '--devices', '128', '--set', `${path}=0.0000029`, '--json']);
      expect(r.exit, path).toBe(0);
      const v = JSON.parse(r.stdout);
      expect(v.memory.fits).toBe(true);
      expect(v.latency_s, path).toBeGreaterThan(0);
    }
  });
});

describe('every count has a maximum (the fields bounds.ts found without one)', () => {
  it('a UNet transformer_depth of -2 or channels of 1e9 are refused (-2 validated and gave fits: true)', async () => {
    for (const [key, v] of [['transformer_depth', '[0, -2, 10]'], ['channels', '[1.0e+9, 640, 1280]']]) {
      const f = join(dir, `unet-${key}.yaml`);
      const other = key === 'channels' ? 'transformer_depth: [0, 2, 10]' : 'channels: [320, 640, 1280]';
      writeFileSync(f, `extends: sdxl-unet\nid: unet-${key.replace('_', '-')}\nunet:\n  ${key}: ${v}\n  ${other}\n`);
      const r = await run(['validate', f]);
      expect(r.exit, key).not.toBe(0);
      expect(r.stdout + r.stderr, key).toMatch(new RegExp(`unet\\.${key}\\.\\d`));
    }
  });
  it('a runtime file\'s max_num_batched_tokens of 2^53 is refused (serve answered "workspace 4620909390464.8 GB")', async () => {
    const f = join(dir, 'rt-huge.yaml');
    writeFileSync(f, 'extends: vllm\nid: rt-huge\nby_hardware:\n  h100-sxm:\n    scheduler: {max_num_seqs: 9007199254740991, max_num_batched_tokens: 9007199254740991, source: test}\n');
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '5', '--requests', '10', '--runtime', f]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/by_hardware\.h100-sxm\.scheduler\.max_num_(seqs|batched_tokens) {2}must be between 1 and 100000000/);
    expect(r.stderr).not.toMatch(BAD);
  });
});

describe('the boundary corpus, seed 1007', () => {
  it('a runtime file\'s quantities are checked against the runtime schema\'s ranges (looked up in the hardware schema, none applied: per_kernel 1.9e14 s gave 1.4e16 J/token)', async () => {
    const f = join(dir, 'rt-slow.yaml');
    writeFileSync(f, 'extends: llama.cpp-2024\nid: rt-slow\nby_vendor:\n  amd:\n    launch:\n      per_kernel: 187123760595896.16 s\n      source: test\n');
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'mi300x', '--concurrency', '1', '--requests', '5', '--runtime', f]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/rt-slow\.yaml:6:\d+ {2}by_vendor\.amd\.launch\.per_kernel {2}must be 0 or between 10 fs and 10 s/);
    const g = join(dir, 'rt-step.yaml');
    writeFileSync(g, 'extends: vllm\nid: rt-step\nhost:\n  step_overhead: 11 s\n  source: test\n');
    const s = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--runtime', g]);
    expect(s.exit).toBe(2);
    expect(s.stderr).toMatch(/host\.step_overhead {2}must be 0 or between 10 fs and 10 s/);
  });
});
