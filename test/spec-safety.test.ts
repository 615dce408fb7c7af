// Spec files are data from strangers (issue 15): `extends:` reaches only library ids and .yaml files inside
// the spec tree, nothing hangs or fills memory, prototype keys are unknown fields everywhere, malformed YAML
// of any kind is one located line, and errors never quote a file that is not a spec.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueAt, loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { setSpecRoots } from '../src/spec/safe-read.js';
import { parseYaml } from '../src/spec/yaml-doc.js';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
let dir: string; // the user's spec folder
let outside: string; // a sibling folder with a "secret"
const write = (name: string, text: string | Buffer, base = dir) => {
  const p = join(base, name);
  writeFileSync(p, text);
  return p;
};
const problems = async (file: string) => (await loadSpecFile(file)).errors.map(formatIssue);
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, input });

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'hwperf-safety-'));
  dir = join(root, 'specs');
  outside = join(root, 'secret');
  mkdirSync(dir);
  mkdirSync(outside);
  write('creds.json', '{"aws_key": "AKIAEXAMPLESECRET"}\n', outside);
  write('creds.yaml', 'aws_key: AKIAEXAMPLESECRET\n', outside);
});

describe('extends: only library ids and .yaml files inside the spec tree', () => {
  it('a relative path out of the folder is refused without reading it', async () => {
    const p = await problems(write('up.yaml', 'extends: ../secret/creds.yaml\nid: x\n'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/up\.yaml:1:\d+ {2}extends {2}the file is outside the spec folder.*--spec-root/);
    expect(p.join()).not.toMatch(/AKIA/);
  });
  it('a non-YAML file (creds.json) is refused by its name', async () => {
    const p = await problems(write('json.yaml', 'extends: ../secret/creds.json\n'));
    expect(p[0]).toMatch(/must end in \.yaml or \.yml/);
    expect(p.join()).not.toMatch(/AKIA/);
  });
  it('absolute paths, /proc and devices are refused', async () => {
    for (const ext of ['/etc/passwd', '/proc/self/status', '/dev/zero', '/dev/stdin', '~/x.yaml']) {
      const p = await problems(write('abs.yaml', `extends: ${ext}\n`));
      expect(p, ext).toHaveLength(1);
      expect(p[0], ext).toMatch(/abs\.yaml:1:\d+ {2}extends {2}/);
    }
  });
  it('a symlink that leaves the tree is refused', async () => {
    symlinkSync(join(outside, 'creds.yaml'), join(dir, 'link.yaml'));
    const p = await problems(write('via-link.yaml', 'extends: ./link.yaml\n'));
    expect(p[0]).toMatch(/outside the spec folder/);
    expect(p.join()).not.toMatch(/AKIA/);
  });
  it('--spec-root widens the tree', async () => {
    write('base.yaml', 'id: base\nname: Base\ncompute: {matrix: {bf16: 100 TFLOP/s}}\nmemory: {capacity: 80 GB, bandwidth: 2 TB/s}\nsources: [t]\n', outside);
    const f = write('wide.yaml', 'id: wide\nextends: ../secret/base.yaml\n');
    expect((await problems(f))[0]).toMatch(/outside the spec folder/);
    setSpecRoots([outside]);
    try {
      expect(await problems(f)).toEqual([]);
    } finally {
      setSpecRoots([]);
    }
  });
  it('a FIFO and a device named on the command line answer at once', () => {
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    write('fifo-ext.yaml', 'extends: ./fifo.yaml\n');
    for (const args of [['validate', 'fifo.yaml'], ['validate', 'fifo-ext.yaml'], ['simulate', '-m', '/dev/zero', '-H', 'h100-sxm'], ['simulate', '-m', '/dev/stdin', '-H', 'h100-sxm']]) {
      const r = cli(args, 'family: decoder\n');
      expect(r.status, args.join(' ')).toBeGreaterThan(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/not a regular file/);
    }
  });
  it('an extended file that is not a spec is never quoted', async () => {
    write('binary.yaml', Buffer.from([0x41, 0x4b, 0x49, 0x41, 0x00, 0xff, 0xfe]));
    write('mapping-less.yaml', '- AKIAEXAMPLESECRET\n');
    for (const target of ['binary.yaml', 'mapping-less.yaml']) {
      const p = await problems(write('ext.yaml', `id: e\nextends: ./${target}\n`));
      expect(p.length, target).toBeGreaterThan(0);
      expect(p.join(), target).not.toMatch(/AKIA/);
    }
  });
});

describe('prototype keys are unknown fields everywhere', () => {
  it('__proto__ in a spec over extends does not supply fields', async () => {
    const p = await problems(write('proto.yaml', 'extends: llama-3.1-8b\nid: y\n__proto__: {layers: 3}\n'));
    expect(p).toEqual(['proto.yaml:3:1  __proto__  unknown field "__proto__" (remove it)'.replace('proto.yaml', join(dir, 'proto.yaml').replace(process.cwd() + '/', ''))]);
    expect(({} as any).layers).toBeUndefined();
  });
  it('constructor and prototype, nested too', async () => {
    for (const text of ['id: y\nconstructor: 1\n', 'id: y\nffn: {prototype: 3}\n']) {
      const p = await problems(write('proto2.yaml', `extends: llama-3.1-8b\n${text}`));
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/unknown field "(constructor|prototype)"/);
    }
  });
  it('flags: --activations constructor, --kv-cache constructor, --weights __proto__, --set constructor=1, -m constructor', () => {
    const base = ['simulate', '-m', 'llama-3.1-8b', '-H', 'h100-sxm'];
    for (const extra of [['--activations', 'constructor'], ['--kv-cache', 'constructor'], ['--weights', '__proto__'], ['--set', 'constructor=1'], ['--dtype', 'prototype']]) {
      const r = cli([...base, ...extra]);
      expect(r.status, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), extra.join(' ')).toHaveLength(1);
      expect(r.stdout + r.stderr).not.toMatch(/NaN|undefined|TypeError/);
    }
    const r = cli(['simulate', '-m', 'constructor', '-H', 'h100-sxm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown model "constructor"/);
  });
});

describe('malformed YAML of any kind is one located line', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['alias bomb', (() => {
      let s = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
      let p = 'a';
      for (let i = 0; i < 8; i++) {
        s += `b${i}: &b${i} [${Array(10).fill(`*${p}`).join(', ')}]\n`;
        p = `b${i}`;
      }
      return s;
    })(), /too many alias references/],
    ['binary tag', 'id: x\nfamily: !!binary aGVsbG8=\n', /:2:\d+ .*YAML tags are not allowed/],
    ['custom tag', 'id: x\nfamily: !js/function x\n', /YAML tags are not allowed/],
    ['set tag', 'id: x\nfamily: !!set {a, b}\n', /YAML tags are not allowed/],
    ['collection key', '? [a]\n: 1\n', /keys must be plain names/],
    ['NUL byte', Buffer.from('id: x\nfam\u0000ily: decoder\n'), /:2:4 .*not a UTF-8 text file/],
    ['UTF-16', Buffer.from('\ufeffid: x\n', 'utf16le'), /UTF-16/],
    ['latin-1', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe9, 0x0a]), /not a UTF-8 text file/],
    ['.nan', 'id: x\nhidden: .nan\n', /:2:\d+ .*finite/],
    ['1e999', 'id: x\nhidden: 1e999\n', /finite/],
    ['deep nesting', `a: ${'['.repeat(40)}${']'.repeat(40)}\n`, /nested more than/],
    ['duplicate key', 'id: x\nid: y\n', /malformed YAML/],
    ['bad indentation', 'id: x\n  family: decoder\n bad\n', /malformed YAML/],
  ];
  for (const [name, text, re] of cases) {
    it(name, async () => {
      const p = await problems(write('bad.yaml', text));
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/bad\.yaml(:\d+:\d+)? {2}/);
      expect(p[0]).toMatch(re);
    });
  }
  it('a UTF-8 byte-order mark is fine', () => {
    expect(parseYaml('\ufeffid: x\n', 'f').doc?.data).toEqual({ id: 'x' });
  });
  it('the same YAML checks guard sweep grids', () => {
    const grid = write('grid.yaml', 'sweep: {model: [llama-3.1-8b], hardware: [h100-sxm]}\nconstructor: 1\n');
    const r = cli(['sweep', grid, '--out', join(dir, 'g.csv')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/grid\.yaml:2:1 {2}constructor {2}unknown field/);
  });
});

// A problem the YAML walk finds (before the schema) names its field and a fix, as the schema's errors do: it said
// "(file)" and no fix for a .nan three levels down a runtime table, a 20,000-character name or a 40-deep mapping.
describe('a malformed value names its field and a fix', () => {
  const one = (text: string) => {
    const { errors } = parseYaml(text, 'f.yaml');
    expect(errors).toHaveLength(1);
    return errors[0]!;
  };
  it('.nan and 1e999 by their field, list indices included', () => {
    const e = one('id: x\ncollectives:\n  custom_allreduce:\n    sizes: [2048, .nan]\n');
    expect([e.line, e.path]).toEqual([4, 'collectives.custom_allreduce.sizes.1']);
    expect(e.suggestion).toMatch(/finite number/);
    expect(one('id: x\nhidden: 1e999\n').path).toBe('hidden');
  });
  it('a 20,000-character value, a mapping 40 deep, 200,001 values', () => {
    const long = one(`id: x\nname: ${'B'.repeat(20_000)}\n`);
    expect([long.path, long.suggestion]).toEqual(['name', expect.stringMatching(/shorten/)]);
    const deep = one('ffn:\n' + Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n') + '\n');
    expect(deep.path).toBe('ffn.k0.k1.k2.….k30.k31'); // long paths keep their ends
    expect(deep.suggestion).toMatch(/flatten/);
    const many = one(`sources: [${Array(200_001).fill('1').join(',')}]\n`);
    expect(many.path).toMatch(/^sources\.\d+$/);
    expect(many.suggestion).toMatch(/split/);
  });
  it('nesting the parser cannot follow and a file over the size cap carry a fix too', async () => {
    expect(one('x: ' + '['.repeat(10_000) + ']'.repeat(10_000)).suggestion).toMatch(/flatten/);
    const p = await problems(write('huge.yaml', `id: x\nname: ${'A'.repeat(2 * 2 ** 20)}\n`));
    expect(p).toEqual([expect.stringMatching(/huge\.yaml {2}\(file\) {2}is larger than 1 MiB, too large to read \(check that this is the spec file you meant\)$/)]);
  });
});

describe('wrong types and hostile expressions', () => {
  it('dims: "2" in a VAE spec is one line, not c.toLowerCase', async () => {
    const p = await problems(write('vae.yaml', 'extends: sd-vae\nid: v\ndims: "2"\n'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/vae\.yaml:3:\d+ {2}dims {2}must be one of 2, 3 \(write 2 without quotes\)/);
  });
  it('a 6 KB expression is an error, not a stack overflow', async () => {
    const expr = Array(3000).fill('1').join('+');
    const p = await problems(write('long.yaml', `extends: llama-3.1-8b\nid: l\nlayers: "${expr}"\n`));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/long\.yaml:3:\d+ {2}layers {2}an expression longer than/);
  });
  it('deeply nested parentheses and prototype names in expressions', async () => {
    const p = await problems(write('deep.yaml', `extends: llama-3.1-8b\nid: d\nlayers: "${'('.repeat(40)}1${')'.repeat(40)}"\nvocab: "constructor * 2"\n`));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/nested more than 16/);
    expect(p[1]).toMatch(/vocab .*unknown name "constructor"/);
  });
});

describe('errors in a user file over a library file point at the user file', () => {
  it('heads: 31 over extends: llama-3.1-8b names the user file and line', async () => {
    const f = write('h31.yaml', 'extends: llama-3.1-8b\nid: x\nheads: 31\n');
    const p = await problems(f);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^\S*h31\.yaml:3:8 {2}heads {2}heads \(31\) must be divisible by kv_heads \(8\)/);
  });
  it('a problem that lies only in an extended library file is reported at the user file\'s extends line', () => {
    const user = parseYaml('id: k\nextends: llama-3.1-8b\n', 'mine.yaml').doc!;
    const lib = { ...parseYaml('id: llama\nkv_heads: 8\n', 'models/llama.yaml').doc!, library: true };
    const ctx = { file: 'mine.yaml', docs: [user, lib], errors: [], warnings: [] };
    expect(formatIssue(issueAt(ctx, ['kv_heads'], 'must divide heads'))).toBe('mine.yaml:2:10  kv_heads  must divide heads (inherited from models/llama.yaml:2)');
  });
});

describe('every field has a range (stated in the schema, shown in the error)', () => {
  const over = async (base: string, text: string) => problems(write('range.yaml', `extends: ${base}\nid: r\n${text}`));
  it('channels: -100000 over vit-b-16', async () => {
    expect(await over('vit-b-16', 'channels: -100000\n')).toEqual([expect.stringMatching(/range\.yaml:3:11 {2}channels {2}must be between 1 and 100000, found -100000$/)]);
  });
  it('res_blocks: 1e9 over sd-vae is rejected at validation (it hung simulate)', async () => {
    expect(await over('sd-vae', 'res_blocks: 1e9\n')).toEqual([expect.stringMatching(/res_blocks {2}must be between 1 and 64, found 1000000000$/)]);
  });
  it('1e300 in any count, and an expression whose value is out of range', async () => {
    const p = await over('llama-3.1-8b', 'vocab: 1e300\nlayers: "hidden * 1000"\n');
    expect(p).toHaveLength(2);
    expect(p.join('\n')).toMatch(/vocab {2}must be between 0 and 100000000, found 1e\+300/);
    expect(p.join('\n')).toMatch(/range\.yaml:4:\d+ {2}layers {2}must be between 1 and 10000, found 4096000/);
  });
  it('hardware quantities: 80 kB of memory, 700 GW TDP', async () => {
    const p = await over('h100-sxm', 'memory: {capacity: 80 kB, bandwidth: 3350 TB/s}\npower: {tdp: 700 GW}\n');
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/memory\.capacity {2}must be between 1 MB and 10 PB, found "80 kB"/);
    expect(p[1]).toMatch(/power\.tdp {2}must be between 10 mW and 1 MW, found "700 GW"/);
  });
  it('plausibility: usable memory ≤ 0 is an error, values outside every shipped part are warnings', async () => {
    const r = await loadSpecFile(write('tiny.yaml', 'extends: h100-sxm\nid: tiny\nmemory: {capacity: 80 MB, bandwidth: 3350 TB/s}\npower: {tdp: 700 kW}\n'));
    expect(r.errors.map(formatIssue)).toEqual([expect.stringMatching(/tiny\.yaml:3:\d+ {2}memory\.capacity {2}usable memory would be ≤ 0/)]);
    expect(r.warnings.map(formatIssue).join('\n')).toMatch(/memory\.bandwidth {2}3\.35 PB\/s is outside every shipped part's range[\s\S]*power\.tdp {2}700 kW is outside/);
  });
  it('--set takes the same ranges: 1e-300 FLOP/s and 1 B are one-line errors', () => {
    for (const set of ['compute.matrix.bf16=1e-300 FLOP/s', 'memory.capacity=1 B']) {
      const r = cli(['simulate', '-m', 'llama-3.1-8b', '-H', 'h100-sxm', '--set', set, '--json']);
      expect(r.status, set).toBe(2);
      expect(JSON.parse(r.stdout).error.message, set).toMatch(/must be between/);
    }
  });
  it('flags have ranges too', () => {
    for (const extra of [['--input-tokens', '1e12'], ['--batch', '100000000000'], ['--audio-seconds', '1e300'], ['--tp', '99999999']]) {
      const r = cli(['simulate', '-m', 'llama-3.1-8b', '-H', 'h100-sxm', ...extra]);
      expect(r.status, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), extra.join(' ')).toHaveLength(1);
    }
  });
});
