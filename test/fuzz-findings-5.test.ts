// What the fifth fuzz round (test/fuzz/hostile.ts, seeds 3001–3020) found, one test each: ranges that were
// missing (TCO years, training tokens and goodput, bench measurements, length distributions, a size target), a
// trace read whole before its length was checked, two lines for one field, a config value quoted whole, a CSV
// header naming a column twice, YAML nested past the parser's stack.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './fuzz/cli.js';
import { parseLength, sampleLength } from '../src/serve/lengths.js';
import { loadTrace, parseTrace, MAX_TRACE_ROWS } from '../src/serve/trace.js';
import { makeRng } from '../src/serve/rng.js';
import { readBenchJson } from '../src/bench/calibrate.js';
import { parseYaml } from '../src/spec/yaml-doc.js';
import { sampleCc } from './fixtures/bench-sample.js';

const root = new URL('..', import.meta.url).pathname;
const BAD = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]|internal error|at .*\.js:\d+|call stack/;
let dir: string;

const run = runCli;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-findings5-'));
});

describe('length distributions have a range (serve hung on lognormal:1,1e300)', () => {
  it('parameters past 1e9 tokens are one line; lognormal:1,1e9 draws finite lengths', () => {
    for (const d of ['lognormal:1e300,1e300', 'lognormal:1,1e300', 'normal:1e300,1', 'uniform:1,1e300', '99999999999']) {
      expect(() => parseLength('input-tokens', d, 512, 1)).toThrow(/at most 1e9 tokens/);
    }
    const d = parseLength('input-tokens', 'lognormal:1,1e9', 512, 1);
    const rng = makeRng(1);
    for (let i = 0; i < 1000; i++) expect(Number.isFinite(sampleLength(d, rng, 1))).toBe(true);
  });
  it('serve --input-tokens lognormal:1e300,1e300 exits 2 at once', async () => {
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '5', '--requests', '20', '--input-tokens', 'lognormal:1e300,1e300']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --input-tokens "lognormal:1e300,1e300": parameters must be at most 1e9 tokens/);
  });
});

describe('a trace is read no further than it is used (10 million lines took 1.9 GB before the count was checked)', () => {
  it('parseTrace stops at maxRows; loadTrace reads one row past the limit and serve refuses it', () => {
    const text = 'input_tokens,output_tokens\n' + '10,10\n'.repeat(50);
    expect(parseTrace(text, 't.csv', 8192, 7)).toHaveLength(7);
    // a bad row after the rows taken is not read
    expect(parseTrace(text + 'x,1\n', 't.csv', 8192, 50)).toHaveLength(50);
    const f = join(dir, 'long.csv');
    writeFileSync(f, 'input_tokens,output_tokens\n' + '10,10\n'.repeat(MAX_TRACE_ROWS + 5));
    expect(loadTrace(f, 8192)).toHaveLength(MAX_TRACE_ROWS + 1);
    expect(loadTrace(f, 8192, 3)).toHaveLength(3);
  });
  it('CRLF, a trailing line without a newline and blank lines read as before', () => {
    const rows = parseTrace('\r\n\r\narrival_s,input_tokens,output_tokens\r\n0,5,2\r\n\r\n1,6,3', 't.csv', 8192);
    expect(rows).toEqual([{ arrival: 0, input: 5, output: 2, prefixId: undefined, prefixTokens: undefined }, { arrival: 1, input: 6, output: 3, prefixId: undefined, prefixTokens: undefined }]);
    expect(() => parseTrace('\n\ninput_tokens\n1\n', 't.csv', 8192)).toThrow(/^t\.csv:3: the CSV header has no output_tokens column/);
  });
  it('a CSV header that names a column twice is one line (which one counted was not said)', () => {
    expect(() => parseTrace('arrival_s,arrival_s,input_tokens,output_tokens\n1,2,10,10\n', 't.csv', 8192)).toThrow(/^t\.csv:1: the CSV header names arrival_s twice/);
  });
});

describe('TCO and training flags have ranges (--years 1e-300 gave a TCO of 3e300 $/h, 5e-324 a null in a fitting result)', () => {
  it('simulate and train: --years, --pue, --usd-per-kwh past their ranges are one line', async () => {
    for (const cmd of [['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm'], ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8']]) {
      for (const [flag, v] of [['--years', '5e-324'], ['--years', '1e-300'], ['--years', '1e300'], ['--pue', '1e300'], ['--usd-per-kwh', '1e300'], ['--usd-per-kwh', '-1']]) {
        const r = await run([...cmd, '--price', '2', flag, v!]);
        expect(r.exit, `${cmd[0]} ${flag} ${v}`).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^hwperf: ${flag}: expected .*, from [0-9.]+ to [0-9.]+, found "${v}"$`));
      }
    }
  });
  it('train --tokens 1e30 / 0.5 and --goodput 1e-300 are one line (the run time overflowed to null)', async () => {
    const base = ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8'];
    for (const [flag, v, re] of [['--tokens', '1e30', /--tokens: expected a token count from 1 to 1e15/], ['--tokens', '0.5', /--tokens: expected a token count/], ['--goodput', '1e-300', /--goodput is a share of wall time from 0.01 to 1/]] as const) {
      const r = await run([...base, flag, v]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    const ok = await run([...base, '--tokens', '1e15', '--goodput', '0.01', '--price', '2', '--years', '0.01', '--json']);
    expect(ok.exit).toBe(0);
    const v = JSON.parse(ok.stdout);
    for (const k of ['total_s', 'gpu_hours', 'cost_usd', 'energy_j', 'tco_usd']) expect(Number.isFinite(v[k]), k).toBe(true);
  });
  it('size: a target below a token a day is one line (5e-324 tok/s sized 1e-314 B/s)', async () => {
    const r = await run(['size', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--target-tok-s', '5e-324']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/less than one token a day/);
  });
});

describe('calibrate: a measurement no device makes is refused (1e300 B/s printed an error of 3e289 %)', () => {
  const mutate = (f: (b: any) => void) => {
    const b = JSON.parse(JSON.stringify(sampleCc()));
    f(b);
    return b;
  };
  it('bandwidth, FLOP/s and allreduce times outside 1e3–1e19 / 1 ns–1 day', () => {
    expect(() => readBenchJson(mutate((b) => (b.memory_bandwidth_bytes_per_s = 1e300)))).toThrow(/memory_bandwidth_bytes_per_s must be a number of B\/s from 1e3 to 1e19/);
    expect(() => readBenchJson(mutate((b) => (b.memory_bandwidth_bytes_per_s = 5e-324)))).toThrow(/from 1e3 to 1e19/);
    expect(() => readBenchJson(mutate((b) => (b.gemm[0].flops_per_s = 1e308)))).toThrow(/gemm\[0\] must have .*flops_per_s from 1e3 to 1e19/);
    expect(() => readBenchJson(mutate((b) => (b.peak_flops_per_s.fp32 = 1e300)))).toThrow(/peak_flops_per_s must map dtypes to numbers from 1e3 to 1e19/);
    expect(() => readBenchJson(mutate((b) => (b.allreduce = [{ bytes: 1e9, devices: 2, seconds: 1e-300 }])))).toThrow(/allreduce\[0\]/);
    expect(readBenchJson(sampleCc()).memory_bandwidth_bytes_per_s).toBeGreaterThan(0);
  });
  it('a bench result without peak_flops_per_s is one line (seed 3001 case 34: an internal error)', async () => {
    for (const peaks of [undefined, [], null]) expect(() => readBenchJson(mutate((b) => (b.peak_flops_per_s = peaks)))).toThrow(/peak_flops_per_s must map dtypes/);
    const f = join(dir, 'nopeak.json');
    writeFileSync(f, JSON.stringify(mutate((b) => delete b.peak_flops_per_s)));
    const r = await run(['calibrate', f, '--hardware', 'l4']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: not a usable hwperf bench result: peak_flops_per_s/);
  });
});

describe('one line per field, values quoted short, deep YAML named as such', () => {
  it('kv_heads: 0 is one line (the schema range and the count check both printed)', async () => {
    const f = join(dir, 'kv0.yaml');
    writeFileSync(f, 'extends: llama-3.2-1b\nid: kv0\nkv_heads: 0\n');
    const r = await run(['validate', f]);
    expect(r.exit).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/kv0\.yaml:3:11 {2}kv_heads {2}must be between 1 and 10000, found 0$/);
  });
  it('a config.json value of 100,000 elements is quoted in 60 characters', async () => {
    const cfg = JSON.parse(readFileSync(join(root, 'test/fixtures/hf/llama/config.json'), 'utf8'));
    cfg.num_hidden_layers = new Array(100_000).fill(1);
    const f = join(dir, 'long-list.json');
    writeFileSync(f, JSON.stringify(cfg));
    const r = await run(['import', 'hf', f]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/long-list\.json:1:\d+ {2}num_hidden_layers {2}must be a whole number, found \[1,1,.*…$/); // the key at its place in the file
    expect(r.stderr.length).toBeLessThan(300);
  });
  it('a config.json too large to read says so (it was "not a Hugging Face config")', async () => {
    const cfg = JSON.parse(readFileSync(join(root, 'test/fixtures/hf/llama/config.json'), 'utf8'));
    cfg.layer_types = new Array(200_000).fill('full_attention');
    const f = join(dir, 'huge.json');
    writeFileSync(f, JSON.stringify(cfg));
    const r = await run(['import', 'hf', f]);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/huge\.json: .*too large/);
  });
  it('10,000 nested "[" and 1,400 nested mappings: "nested more than 32 levels deep", not the engine\'s stack error', () => {
    for (const text of ['x: ' + '['.repeat(10_000) + ']'.repeat(10_000), Array.from({ length: 1400 }, (_, i) => ' '.repeat(i) + 'a:').join('\n')]) {
      const { errors } = parseYaml(text, 'deep.yaml');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toBe('nested more than 32 levels deep');
    }
  });
  it('a field given ~, a list or a mapping says what it needs and what it found (was "must be number,string")', async () => {
    const f = join(dir, 'null.yaml');
    writeFileSync(f, 'extends: llama-3.2-1b\nid: n\nlayers: ~\n');
    const r = await run(['validate', f]);
    expect(r.stderr).toMatch(/layers {2}must be a number or an expression in quotes, found nothing \(null or ~\)$/);
    expect(r.stderr).not.toMatch(BAD);
  });
});

describe('seeds 3001–3003', () => {
  it('a file name with a newline is one line (3001 case 258: "no such file" split in two)', async () => {
    const r = await run(['simulate', '--model', join(dir, 'a\nb.yaml'), '--hardware', 'l4']);
    expect(r.exit).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/a\\nb\.yaml: no such file/);
  });
  it('--bytes of a fraction of a byte is one line (3002 case 7: 4.9e-324 GB priced 8e-316 FLOP)', async () => {
    const r = await run(['op', 'stream', '--hardware', 'h100-sxm', '--bytes', '4.9e-324 GB']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/--bytes: expected 0 or at least 1 byte/);
  });
  it('a latency limit past 1e9 s or under 1 ps is one line (3002 case 132: "TTFT ≤ Infinity s")', async () => {
    for (const [flag, v] of [['--slo-ttft', '1.7976931348623157e308'], ['--slo-tpot', '5e-324 s'], ['--slo-ttft', '1e10']]) {
      const r = await run(['plan', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '2', flag!, v!]);
      expect(r.exit).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hwperf: ${flag}: expected 0 or seconds from 1 ps to 1e9 s`));
    }
  });
});

describe('seed 3004', () => {
  it('train --search --devices 2^53 is one line at once (case 104: listing its divisors one by one never ended)', async () => {
    const r = await run(['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '9007199254740993', '--search', '--top', '3']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --devices must be a whole number from 1 to 10000000/);
    const ok = await run(['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '9699690', '--search', '--top', '1', '--json']);
    expect(ok.exit).toBe(0);
  });
});

describe('seeds 3005–3007', () => {
  it('a price under a millionth of a dollar (but not 0) or over a million is one line (3005 case 107, 3007 case 168: 1e-308 USD per Mtok)', async () => {
    for (const p of ['1e-320', 'h100-sxm=2.2250738585072014e-308', '1e7']) {
      const r = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--price', p]);
      expect(r.exit, p).toBe(2);
      expect(r.stderr).toMatch(/expected 0 or USD per device-hour from 1e-6 to 1e6/);
    }
    const free = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--price', '0', '--json']);
    expect(JSON.parse(free.stdout).cost_usd_per_mtok).toBe(0);
    const f = join(dir, 'price-grid.yaml');
    writeFileSync(f, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n  price: {l4: 5e-324}\n');
    const g = await run(['sweep', f, '--out', join(dir, 'price-grid.csv')]);
    expect(g.exit).toBe(2);
    expect(g.stderr).toMatch(/sweep\.price\.l4 {2}expected 0 or USD per device-hour from 1e-6 to 1e6/);
  });
  it('a quantity whose range starts at 0 takes 0 or at least max × 1e-15 (--set price.hour="1e-320 USD" was taken)', async () => {
    const r = await run(['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--set', 'price.hour=1e-320 USD']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/--set price\.hour: must be 0 or between 1 µUSD and 1 GUSD, found "1e-320 USD"/);
    const f = join(dir, 'tiny-price.yaml');
    writeFileSync(f, 'extends: h100-sxm\nid: tiny-price\nprice:\n  hour: 5e-324 USD\n');
    const v = await run(['validate', f]);
    expect(v.exit).toBe(1);
    expect(v.stderr).toMatch(/price\.hour {2}must be 0 or between 1 µUSD and 1 GUSD/);
  });
  it('train --search checks the counts it is given (3005 case 110: --seq-len -1 came back in a fitting config)', async () => {
    const r = await run(['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '64', '--search', '--top', '3', '--seq-len', '-1']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/^hwperf: --seq-len must be a whole number from 1 to 100000000, found "-1"$/);
  });
});

describe('seed 3011 and by hand', () => {
  it('a UTF-32 file is named UTF-32 (its little-endian byte-order mark begins with UTF-16\'s: it was called UTF-16)', async () => {
    const g = 'extends: llama-3.2-1b\nid: u32\n';
    const le = Buffer.alloc(g.length * 4);
    const be = Buffer.alloc(g.length * 4);
    [...g].forEach((c, i) => {
      le.writeUInt32LE(c.codePointAt(0)!, i * 4);
      be.writeUInt32BE(c.codePointAt(0)!, i * 4);
    });
    for (const [name, bytes] of [['le', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), le])], ['be', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), be])]] as const) {
      const f = join(dir, `u32${name}.yaml`);
      writeFileSync(f, bytes);
      const r = await run(['validate', f]);
      expect(r.exit).toBe(1);
      expect(r.stderr).toMatch(/is UTF-32 text; save it as UTF-8/);
    }
  });
});

describe('seed 3021', () => {
  it('--audio-seconds under 10 ms is one line (case 58: 5e-324 s fitted with a null real-time factor)', async () => {
    for (const s of ['5e-324', '0.001', '0']) {
      const r = await run(['simulate', '--model', 'whisper-large-v3', '--hardware', 'l4', '--audio-seconds', s]);
      expect(r.exit, s).toBe(2);
      expect(r.stderr).toMatch(/--audio-seconds: expected at least 0\.01/);
    }
    const ok = await run(['simulate', '--model', 'whisper-large-v3', '--hardware', 'l4', '--audio-seconds', '0.01', '--json']);
    expect(ok.exit).toBe(0);
    expect(Number.isFinite(JSON.parse(ok.stdout).rtf)).toBe(true);
  });
});

describe('seeds 3023–3025', () => {
  it('--rate 5e-324 is one line without the word for an infinite span (3023 case 350, 3024 case 242)', async () => {
    const r = await run(['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '5e-324', '--requests', '30']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/would arrive over more than 1e308 s/);
    expect(r.stderr).not.toMatch(BAD);
  });
  it('size --target-tok-s 1e100 is one line (3025 case 93: 2.5e109 B/s of bandwidth sized)', async () => {
    const r = await run(['size', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--target-tok-s', '1e100']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/is more than 1e9 tok\/s/);
  });
  it('--acceptance 4.9e-324 is one line (3025 case 277: printed back as "acceptance 5e-324")', async () => {
    const r = await run(['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--spec-model', 'llama-3.2-1b', '--spec-tokens', '4', '--acceptance', '4.9e-324']);
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/--acceptance: expected a probability of 0 or from 1e-6 to 1/);
  });
});
