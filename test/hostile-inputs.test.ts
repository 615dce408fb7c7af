// Hostile input, a sweep the other suites did not take (spec-safety, fuzz-findings, the fuzz rounds): long and
// circular `extends:` chains, expressions past floating point, ids with invisible or look-alike characters, BOM and
// CRLF files, duplicate nested keys, runtime fields at 0 / -1 / 1e308 and Hugging Face configs with odd fields. Each
// is one line naming the file (and its line and field where there is one), a non-zero exit, never a stack or a hang.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFile } from '../src/spec/load.js';
import { escapeControls, formatIssue } from '../src/spec/errors.js';
import { atConfigLines } from '../src/spec/hf/load.js';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
const HF_LLAMA = JSON.parse(readFileSync(new URL('./fixtures/hf/llama/config.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const BAD = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]|internal error|at .*\.js:\d+|[\u0080-\u009f\u2028\u2029\u202e\u200b]/;
// a decoder spec that loads (llama-3.2-1b's shape)
const SPEC = 'sources: [t]\nfamily: decoder\nhidden: 2048\nlayers: 16\nheads: 32\nkv_heads: 8\nhead_dim: 64\nffn: {kind: gated, intermediate: 8192, activation: silu}\nvocab: 128256\ncontext: 131072\n';

let dir: string;
let outside: string;
const write = (name: string, text: string, base = dir) => {
  writeFileSync(join(base, name), text);
  return name;
};
const hf = (name: string, patch: Record<string, unknown>) => {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'config.json'), JSON.stringify({ ...HF_LLAMA, ...patch }, null, 2));
  return join(name, 'config.json');
};
const gemma3 = (name: string, key: string, v: unknown) => {
  const cfg = JSON.parse(readFileSync(new URL('./fixtures/hf/gemma3/config.json', import.meta.url), 'utf8'));
  cfg.text_config[key] = v;
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'config.json'), JSON.stringify(cfg, null, 2));
  return join(name, 'config.json');
};
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
const sim = (model: string, hw = 'h100-sxm') => ['simulate', '-m', model, '-H', hw];

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'hwperf-hostile-'));
  dir = join(root, 'specs');
  outside = join(root, 'secret');
  mkdirSync(dir);
  mkdirSync(outside);
  write('secret.yaml', `id: secret\n${SPEC}`, outside);
  for (let i = 0; i < 18; i++) write(`c${i}.yaml`, `id: c${i}\nextends: ${i === 17 ? 'llama-3.2-1b' : `./c${i + 1}.yaml`}\n`);
  write('cyc-a.yaml', 'id: cyc-a\nextends: ./cyc-b.yaml\n');
  write('cyc-b.yaml', 'id: cyc-b\nextends: ./cyc-a.yaml\n');
  write('self.yaml', 'id: self\nextends: ./self.yaml\n');
  symlinkSync(join(outside, 'secret.yaml'), join(dir, 'link-out.yaml'));
  write('ext-link.yaml', 'id: ext-link\nextends: ./link-out.yaml\n');
  symlinkSync(join(dir, 'loop2.yaml'), join(dir, 'loop1.yaml'));
  symlinkSync(join(dir, 'loop1.yaml'), join(dir, 'loop2.yaml'));
  write('ext-loop.yaml', 'id: ext-loop\nextends: ./loop1.yaml\n');
  write('exp-huge.yaml', `id: exp-huge\n${SPEC.replace('layers: 16', 'layers: "2^1024"')}`);
  write('exp-tower.yaml', `id: exp-tower\n${SPEC.replace('hidden: 2048', 'hidden: "9^9^9"')}`);
  write('exp-tiny.yaml', `id: exp-tiny\n${SPEC.replace('layers: 16', 'layers: "2^-1074"')}`);
  write('exp-div0.yaml', `id: exp-div0\n${SPEC.replace('heads: 32', 'heads: "hidden / 0"')}`);
  write('uni-id.yaml', `id: lláma\n${SPEC}`);
  write('bom-crlf.yaml', `\ufeffid: bom-crlf\r\n${SPEC.replace('heads: 32', 'heads: -32').replace(/\n/g, '\r\n')}`);
  write('dup-nested.yaml', `id: dup-nested\n${SPEC.replace('ffn: {kind: gated, intermediate: 8192, activation: silu}', 'ffn:\n  kind: gated\n  intermediate: 8192\n  intermediate: 4096\n  activation: silu')}`);
  write('dup-case.yaml', `id: dup-case\n${SPEC}Hidden: 4096\n`);
});

// [what, argv, the one line (after "hwperf: ")]
const cases: [string, () => string[], RegExp][] = [
  ['an extends chain 18 files deep', () => sim('c0.yaml'), /^c16\.yaml:2:10 {2}extends {2}extends chain longer than 16 files \(remove one of the extends links\)$/],
  ['an extends cycle of two files', () => sim('cyc-a.yaml'), /^cyc-b\.yaml:2:10 {2}extends {2}extends cycle: cyc-a\.yaml → cyc-b\.yaml → cyc-a\.yaml \(remove one/],
  ['a file that extends itself', () => sim('self.yaml'), /^self\.yaml:2:10 {2}extends {2}extends cycle: self\.yaml → self\.yaml/],
  ['extends through a symlink out of the folder', () => sim('ext-link.yaml'), /^ext-link\.yaml:2:10 {2}extends {2}the file is outside the spec folder \(.*--spec-root DIR\)$/],
  ['extends a symlink loop', () => sim('ext-loop.yaml'), /^ext-loop\.yaml:2:10 {2}extends {2}/],
  ['a symlink loop named on the command line', () => sim('loop1.yaml'), /^loop1\.yaml: /],
  ['an expression of 2^1024', () => sim('exp-huge.yaml'), /^exp-huge\.yaml:5:9 {2}layers {2}expression "2\^1024" does not give a finite number$/],
  ['an exponent tower 9^9^9', () => sim('exp-tower.yaml'), /^exp-tower\.yaml:4:9 {2}hidden {2}expression "9\^9\^9" does not give a finite number$/],
  ['an expression of 2^-1074 (the smallest subnormal)', () => sim('exp-tiny.yaml'), /^exp-tiny\.yaml:5:9 {2}layers {2}must be between 1 and 10000, found 5e-324$/],
  ['a division by zero in an expression', () => sim('exp-div0.yaml'), /^exp-div0\.yaml:6:8 {2}heads {2}expression "hidden \/ 0" does not give a finite number$/],
  ['a non-ASCII id in a file', () => sim('uni-id.yaml'), /^uni-id\.yaml:1:5 {2}id {2}an id is lowercase letters, digits.*found "lláma"$/],
  ['a look-alike id (Cyrillic a) on the command line', () => sim('llamа-3.2-1b'), /^unknown model "llamа-3\.2-1b": did you mean "llama-3\.2-1b"\?$/],
  ['a bidi override in an id is shown escaped', () => sim('llama\u202e-3.2-1b'), /^unknown model "llama\\u202e-3\.2-1b": did you mean "llama-3\.2-1b"\?$/],
  ['a zero-width space in a hardware id is shown escaped', () => sim('llama-3.2-1b', 'h100\u200b-sxm'), /^unknown hardware "h100\\u200b-sxm": did you mean "h100-sxm"\?$/],
  ['a C1 CSI (U+009B, a terminal escape) in a hardware id is shown escaped', () => sim('llama-3.2-1b', 'h100\u009b31m-sxm'), /^unknown hardware "h100\\u009b31m-sxm"/],
  ['a line separator (U+2028) in a model id is shown escaped', () => sim('llama\u2028-3.2-1b'), /^unknown model "llama\\u2028-3\.2-1b"/],
  ['a BOM and CRLF line ends keep line numbers', () => sim('bom-crlf.yaml'), /^bom-crlf\.yaml:6:8 {2}heads {2}must be between 1 and 10000, found -32$/],
  ['a duplicate key in a nested block', () => sim('dup-nested.yaml'), /^dup-nested\.yaml:12:3 {2}\(file\) {2}malformed YAML: Map keys must be unique/],
  ['a key that differs only in case', () => sim('dup-case.yaml'), /^dup-case\.yaml:12:\d+ {2}Hidden {2}unknown field "Hidden" \(did you mean "hidden"\?\)$/],
  ['--set on a runtime path that is not one', () => ['simulate', '-m', 'llama-3.2-1b', '-H', 'h100-sxm', '--set', 'runtime.host.step_overhead=1e308 us'], /^--set runtime\.host\.step_overhead: unknown hardware field/],
  // Hugging Face configs: the field named as config.json names it, at its line there (not the converted YAML's)
  ['config.json with num_attention_heads 0', () => sim(hf('hf-h0', { num_attention_heads: 0 })), /^hf-h0\/config\.json:16:3 {2}num_attention_heads {2}must be between 1 and 10000, found 0$/],
  ['config.json with num_key_value_heads 3', () => sim(hf('hf-kv', { num_key_value_heads: 3 })), /^hf-kv\/config\.json:18:3 {2}num_key_value_heads {2}heads \(32\) must be divisible by kv_heads \(3\)/],
  ['config.json with head_dim 0', () => sim(hf('hf-hd', { head_dim: 0 })), /^hf-hd\/config\.json:\d+:3 {2}head_dim {2}must be between 1 and 65536, found 0$/],
  ['import hf of num_attention_heads 0', () => ['import', 'hf', hf('hf-h0b', { num_attention_heads: 0 }), '--out', 'x.yaml'], /^hf-h0b\/config\.json:16:3 {2}num_attention_heads {2}must be between/],
  ['config.json with hidden_size as a string', () => sim(hf('hf-hs', { hidden_size: '4096' })), /^hf-hs\/config\.json:\d+:3 {2}hidden_size {2}must be a whole number, found "4096"$/],
  ['a Gemma 3 text_config field of the wrong kind, at its line', () => sim(gemma3('hf-g3', 'num_key_value_heads', 'x')), /^hf-g3\/config\.json:\d+:5 {2}text_config\.num_key_value_heads {2}must be a whole number, found "x"$/],
  // written twice (vision_config has num_hidden_layers too): no line, the key named
  ['a text_config key written twice in the file', () => sim(gemma3('hf-g3b', 'num_hidden_layers', '62')), /^hf-g3b\/config\.json text_config: "num_hidden_layers" must be a whole number, found "62"$/],
  ['config.json with num_hidden_layers 1e308', () => sim(hf('hf-l', { num_hidden_layers: 1e308 })), /^hf-l\/config\.json:\d+:3 {2}num_hidden_layers {2}must be at most 10000/],
];

// each case: exit 2, one line on stderr matching `want` (after "hwperf: "), no NaN, stack or raw control character
function oneLineEach(list: [string, () => string[], RegExp][]): void {
  for (const [what, argv, want] of list) {
    it(what, () => {
      const r = cli(argv());
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]!.replace(/^hwperf: /, '')).toMatch(want);
      expect(r.stdout + r.stderr).not.toMatch(BAD);
    });
  }
}

describe('hostile input: one line, non-zero exit, no stack, no hang', () => {
  oneLineEach(cases);
  it('escapeControls shows invisible format characters as escapes, and leaves other text alone', () => {
    expect(escapeControls('a\u202eb\u200bc\u2066d\ufeffe\u061cf')).toBe('a\\u202eb\\u200bc\\u2066d\\ufeffe\\u061cf');
    expect(escapeControls('lláma — llamа ✓\n')).toBe('lláma — llamа ✓\\n');
    expect(escapeControls('a\u0085b\u009bc\u2028d\u2029e')).toBe('a\\u0085b\\u009bc\\u2028d\\u2029e');
  });
  it('an issue in a field the import does not take from one config.json key carries no line', () => {
    const text = JSON.stringify({ hidden_size: 8, text_config: { hidden_size: 8 } }, null, 2);
    const [twice, other] = atConfigLines([
      { file: 'c.json', line: 7, col: 9, path: 'hidden', message: 'm' },
      { file: 'c.json', line: 9, col: 3, path: 'ffn.activation', message: 'm' },
    ], text);
    expect([twice!.line, twice!.path, other!.line, other!.path]).toEqual([undefined, 'hidden', undefined, 'ffn.activation']);
  });
});

// A second sweep (session 34): config.json files that are not quite JSON (Python's json.dump writes inf and nan bare;
// a hand edit leaves a trailing comma, None or single quotes), numbers past 2^53, nested text_config of the wrong kind,
// keys with invisible or look-alike characters, runtime fields as words / .nan / 1e23 / a block given a number,
// --set on runtime paths that are not settable fields, and runtime files that extend out of the spec folder.
const LLAMA_TEXT = JSON.stringify(HF_LLAMA, null, 2);
const rawHf = (name: string, text: string) => {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'config.json'), text);
  return join(name, 'config.json');
};
// a JSON value as Python's json.dumps writes it (a bare word JSON does not have) in place of one key's value
const pyValue = (name: string, key: string, word: string) => rawHf(name, LLAMA_TEXT.replace(new RegExp(`("${key}": )[^,\n]+`), `$1${word}`));
const gemma3Text = (name: string, v: unknown) => {
  const cfg = JSON.parse(readFileSync(new URL('./fixtures/hf/gemma3/config.json', import.meta.url), 'utf8'));
  return rawHf(name, JSON.stringify({ ...cfg, text_config: v }, null, 2));
};
const runtime = (name: string, body: string) => write(name, `id: ${name.replace(/\.yaml$/, '')}\nkind: runtime\n${body}`);
const simRt = (rt: string) => ['simulate', '-m', 'llama-3.2-1b', '-H', 'h100-sxm', '--runtime', rt];
const setRt = (assignment: string) => ['simulate', '-m', 'llama-3.2-1b', '-H', 'h100-sxm', '--set', assignment];
const second: [string, () => string[], RegExp][] = [
  ['config.json with a bare Infinity (json.dump of float("inf"))', () => sim(pyValue('hf-inf', 'hidden_size', 'Infinity')), /^hf-inf\/config\.json:\d+:18 {2}hidden_size {2}not a finite number: JSON has no inf or nan .*\(write a finite number\)$/],
  ['config.json with a bare NaN', () => sim(pyValue('hf-nan', 'rope_theta', 'NaN')), /^hf-nan\/config\.json:\d+:17 {2}rope_theta {2}not a finite number/],
  ['config.json with a bare -Infinity', () => sim(pyValue('hf-ninf', 'max_position_embeddings', '-Infinity')), /^hf-ninf\/config\.json:\d+:30 {2}max_position_embeddings {2}not a finite number/],
  ['config.json with text after its object', () => sim(rawHf('hf-after', `${LLAMA_TEXT}\n}`)), /^hf-after\/config\.json:\d+:1 {2}\(file\) {2}not valid JSON/],
  ['config.json with a trailing comma', () => sim(rawHf('hf-comma', LLAMA_TEXT.replace(/\n}$/, ',\n}'))), /^hf-comma\/config\.json:\d+:1 {2}\(file\) {2}not valid JSON.*JSON allows no trailing comma\)$/],
  ["config.json with Python's None", () => sim(pyValue('hf-none', 'bos_token_id', 'None')), /^hf-none\/config\.json:\d+:\d+ {2}bos_token_id {2}not valid JSON: a bare word "None" \(strings and keys are double-quoted/],
  ['config.json with a single-quoted string', () => sim(rawHf('hf-sq', LLAMA_TEXT.replace('"model_type": "llama"', `"model_type": 'llama'`))), /^hf-sq\/config\.json:\d+:\d+ {2}model_type {2}not valid JSON: a bare word "llama"/],
  ['config.json with vocab_size 1e30', () => sim(hf('hf-v30', { vocab_size: 1e30 })), /^hf-v30\/config\.json:\d+:3 {2}vocab_size {2}must be at most 9007199254740991, found 1e\+30$/],
  ['config.json with hidden_size 2^53 + 1', () => sim(hf('hf-h53', { hidden_size: 2 ** 53 + 1 })), /^hf-h53\/config\.json:\d+:3 {2}hidden_size {2}must be at most 9007199254740991/],
  ['config.json with num_hidden_layers true', () => sim(hf('hf-lt', { num_hidden_layers: true })), /^hf-lt\/config\.json:\d+:3 {2}num_hidden_layers {2}must be a whole number, found true$/],
  ['config.json with intermediate_size a list', () => sim(hf('hf-il', { intermediate_size: [14336] })), /^hf-il\/config\.json:\d+:3 {2}intermediate_size {2}must be a whole number, found \[14336\]$/],
  ['a Gemma 3 text_config that is a list', () => sim(gemma3Text('hf-g3l', [1])), /^hf-g3l\/config\.json:\d+:3 {2}text_config {2}must be an object, found \[1\]$/],
  // fields whose content the import ignores but whose shape transformers fixes (session 34 found them accepted silently)
  ['config.json with architectures a string, not a list', () => sim(hf('hf-arch-s', { architectures: 'LlamaForCausalLM' })), /^hf-arch-s\/config\.json:\d+:3 {2}architectures {2}must be a list, found "LlamaForCausalLM" \(write it as a list: \["LlamaForCausalLM"\]\)$/],
  ['config.json with rope_scaling a number', () => sim(hf('hf-rope-n', { rope_scaling: 8 })), /^hf-rope-n\/config\.json:\d+:3 {2}rope_scaling {2}must be an object, found 8 \(a mapping such as \{"rope_type": "linear", "factor": 8\.0\}, or null\)$/],
  ['a Gemma 3 text_config rope_scaling that is a number', () => sim(gemma3('hf-g3r', 'rope_scaling', 8)), /^hf-g3r\/config\.json:\d+:5 {2}text_config\.rope_scaling {2}must be an object, found 8 \(a mapping such as/],
  ['a Gemma 3 text_config that is a string', () => sim(gemma3Text('hf-g3s', 'gemma')), /^hf-g3s\/config\.json:\d+:3 {2}text_config {2}must be an object, found "gemma"$/],
  ['a config.json key with a bidi override is shown escaped', () => sim(hf('hf-bidi', { '\u202ehidden_size': 4096 })), /^hf-bidi\/config\.json: unknown field "\\u202ehidden_size" for LlamaForCausalLM/],
  ['a config.json key with a Cyrillic look-alike letter', () => sim(hf('hf-cyr', { 'h\u0456dden_size': 4096 })), /^hf-cyr\/config\.json: unknown field "h\u0456dden_size" for LlamaForCausalLM/],
  ['a runtime field given as a word', () => simRt(runtime('rt-word.yaml', 'extends: vllm\nhost:\n  step_overhead: fast\n')), /^rt-word\.yaml:5:18 {2}host\.step_overhead {2}"fast" is not a quantity with a known unit/],
  ['a runtime field at .nan', () => simRt(runtime('rt-nan.yaml', 'extends: vllm\nhost:\n  step_overhead: .nan\n')), /^rt-nan\.yaml:5:18 {2}host\.step_overhead {2}numbers must be finite/],
  ['a runtime count at 1e23', () => simRt(runtime('rt-1e23.yaml', 'extends: vllm\nscheduler:\n  max_num_seqs: 99999999999999999999999\n')), /^rt-1e23\.yaml:5:17 {2}scheduler\.max_num_seqs {2}must be between 1 and \d+, found 1e\+23$/],
  // a list at a field that takes false or a mapping: every schema error was dropped as another branch's, and the
  // normalizer read sizes of the list (an internal error)
  ['a runtime custom_allreduce given a list', () => simRt(runtime('rt-car.yaml', 'extends: vllm\ncollectives:\n  custom_allreduce: [1, 2]\n')), /^rt-car\.yaml:5:21 {2}collectives\.custom_allreduce {2}must be false or a mapping, found \[1,2\]/],
  // a block of the wrong kind is named, not the sibling `rate` its mapping then lacks (a child tiled_gemm replaces the parent's)
  ['a runtime tiled_gemm sub-block given a list', () => simRt(runtime('rt-tgl.yaml', 'extends: vllm\nkernels:\n  tiled_gemm:\n    int4_moe: [1]\n')), /^rt-tgl\.yaml:6:15 {2}kernels\.tiled_gemm\.int4_moe {2}must be false or a mapping, found \[1\]/],
  ['a runtime tiled_gemm weight_only_moe given a list', () => simRt(runtime('rt-tgw.yaml', 'extends: vllm\nkernels:\n  tiled_gemm:\n    weight_only_moe: [1]\n')), /^rt-tgw\.yaml:6:22 {2}kernels\.tiled_gemm\.weight_only_moe {2}must be false or a mapping, found \[1\]/],
  ['a runtime block given a number', () => simRt(runtime('rt-block.yaml', 'extends: vllm\nhost: 5\n')), /^rt-block\.yaml:4:7 {2}host {2}must be a mapping, found number 5$/],
  // the fields sessions 35-36 added (kernels.gguf_shape, kernels.int4_moe_per_expert, launch.split_point,
  // kernels.weight_cast_bytes): each bad value one line naming the field and what it takes
  ['a runtime int4_moe_per_expert given a number', () => simRt(runtime('rt-pe-n.yaml', 'extends: vllm\nkernels:\n  int4_moe_per_expert: -1\n')), /^rt-pe-n\.yaml:5:24 {2}kernels\.int4_moe_per_expert {2}must be a mapping or a boolean, found number -1$/],
  ['a runtime int4_moe_per_expert given a word', () => simRt(runtime('rt-pe-w.yaml', 'extends: vllm\nkernels:\n  int4_moe_per_expert: "yes"\n')), /^rt-pe-w\.yaml:5:24 {2}kernels\.int4_moe_per_expert {2}must be a mapping or a boolean, found string "yes"$/],
  // an empty mapping lacks up_to_experts, and is not also "no boolean" (two lines)
  ['a runtime int4_moe_per_expert given an empty mapping', () => simRt(runtime('rt-pe-e.yaml', 'extends: vllm\nkernels:\n  int4_moe_per_expert: {}\n')), /^rt-pe-e\.yaml:5:24 {2}kernels\.int4_moe_per_expert\.up_to_experts {2}missing required field "up_to_experts"/],
  ['a runtime int4_moe_per_expert bound at 1.5 experts', () => simRt(runtime('rt-pe-f.yaml', 'extends: vllm\nkernels:\n  int4_moe_per_expert: {up_to_experts: 1.5}\n')), /^rt-pe-f\.yaml:5:40 {2}kernels\.int4_moe_per_expert\.up_to_experts {2}must be a whole number, found number 1\.5$/],
  ['a runtime gguf_shape given a number', () => simRt(runtime('rt-gs-n.yaml', 'extends: llama.cpp\nkernels:\n  gguf_shape: -1\n')), /^rt-gs-n\.yaml:5:15 {2}kernels\.gguf_shape {2}must be "class" or a mapping, found -1/],
  ['a runtime gguf_shape value above 1', () => simRt(runtime('rt-gs-v.yaml', 'extends: llama.cpp\nkernels:\n  gguf_shape: {flops: [1e9], values: [1e9]}\n')), /^rt-gs-v\.yaml:5:39 {2}kernels\.gguf_shape\.values\.0 {2}must be between 0\.000001 and 1, found 1000000000$/],
  ['a runtime gguf_shape of unequal lists', () => simRt(runtime('rt-gs-l.yaml', 'extends: llama.cpp\nkernels:\n  gguf_shape: {flops: [1e9, 2e9], values: [0.5]}\n')), /^rt-gs-l\.yaml:5:15 {2}kernels\.gguf_shape {2}flops \(2\) and values \(1\) differ in length/],
  ['a runtime split_point negative', () => simRt(runtime('rt-sp-n.yaml', 'extends: vllm\nlaunch:\n  split_point: "-3 us"\n')), /^rt-sp-n\.yaml:5:16 {2}launch\.split_point {2}"-3 us" is negative; it must be ≥ 0$/],
  ['a runtime split_point in bytes', () => simRt(runtime('rt-sp-u.yaml', 'extends: vllm\nlaunch:\n  split_point: "5 GB"\n')), /^rt-sp-u\.yaml:5:16 {2}launch\.split_point {2}"5 GB" is not a seconds quantity/],
  ['a runtime split_point of a billion seconds', () => simRt(runtime('rt-sp-h.yaml', 'extends: vllm\nlaunch:\n  split_point: "1e9 s"\n')), /^rt-sp-h\.yaml:5:16 {2}launch\.split_point {2}must be 0 or between 10 fs and 10 s, found "1e9 s"$/],
  ['a runtime weight_cast_bytes of 2', () => simRt(runtime('rt-wc-2.yaml', 'extends: openai-whisper\nkernels:\n  weight_cast_bytes: 2\n')), /^rt-wc-2\.yaml:5:22 {2}kernels\.weight_cast_bytes {2}must be one of 4 \(4 is fp32 parameters cast/],
  // a unit on a count the schema lists: not "did you mean \"4\"?"
  ['a runtime weight_cast_bytes with a unit', () => simRt(runtime('rt-wc-u.yaml', 'extends: openai-whisper\nkernels:\n  weight_cast_bytes: "4 B"\n')), /^rt-wc-u\.yaml:5:22 {2}kernels\.weight_cast_bytes {2}must be one of 4 \(write 4 as a bare number, without quotes or a unit\)$/],
  ['a runtime that extends a symlink out of the folder', () => {
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'rt-link-out.yaml'));
    return simRt(runtime('rt-ext-link.yaml', 'extends: ./rt-link-out.yaml\n'));
  }, /^rt-ext-link\.yaml:3:10 {2}extends {2}the file is outside the spec folder/],
  ['a runtime that extends ../ out of the folder', () => simRt(runtime('rt-dotdot.yaml', 'extends: ../secret/secret.yaml\n')), /^rt-dotdot\.yaml:3:10 {2}extends {2}the file is outside the spec folder/],
  // the part after "runtime." is matched against the runtime fields alone ("runtime.vad" was suggested for these)
  ['--set runtime.host (a block of a runtime file)', () => setRt('runtime.host=5'), /^--set runtime\.host: unknown hardware field \(settable: runtime\.step_overhead, .*runtime\.api_servers; any other runtime field: a runtime YAML that extends the runtime, passed with --runtime FILE\)$/],
  ['--set runtime.kernels.rope_kernels (a runtime file field)', () => setRt('runtime.kernels.rope_kernels=2'), /^--set runtime\.kernels\.rope_kernels: unknown hardware field \(settable: runtime\.step_overhead, .*--runtime FILE\)$/],
  ['--set runtime.id', () => setRt('runtime.id=x'), /^--set runtime\.id: unknown hardware field \(settable: runtime\./],
  ['--set runtime.memory.share', () => setRt('runtime.memory.share=0.5'), /^--set runtime\.memory\.share: unknown hardware field \(did you mean "runtime\.memory_share"\?\)$/],
];

describe('hostile input, second sweep: one line, non-zero exit, no stack, no hang', () => {
  oneLineEach(second);
  it('import hf names architectures given as a string', () => {
    const r = cli(['import', 'hf', hf('hf-arch-imp', { architectures: 'LlamaForCausalLM' })]);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim()).toMatch(/^hwperf: hf-arch-imp\/config\.json:\d+:3 {2}architectures {2}must be a list, found "LlamaForCausalLM" \(write it as a list: \["LlamaForCausalLM"\]\)$/);
  });
  it('a tiled_gemm block whose only fault is its missing rate still says so', async () => {
    const r = await loadSpecFile(join(dir, runtime('rt-tgr.yaml', 'extends: vllm\nkernels:\n  tiled_gemm:\n    weight_only_moe: {rate: 3 GB/s}\n')));
    expect(r.errors.map(formatIssue)).toEqual([expect.stringMatching(/rt-tgr\.yaml:6:5 {2}kernels\.tiled_gemm\.rate {2}missing required field "rate"/)]);
  });
  it('import hf names a bare Infinity the same way', () => {
    const r = cli(['import', 'hf', pyValue('hf-inf-imp', 'hidden_size', 'Infinity')]);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim()).toMatch(/^hwperf: hf-inf-imp\/config\.json:\d+:18 {2}hidden_size {2}not a finite number/);
  });
});

// A runtime field past its range is one located line; at 0 where 0 is allowed it loads. (The sweep that took every
// numeric field of vllm, sglang, tensorrt-llm, llama.cpp, megatron, torchtitan and deepspeed at 0, -1 and 1e308
// through load, simulate and train found no fault; these are one field of each block, at the three values.)
describe('runtime fields at 0, -1 and 1e308', () => {
  const FIELDS: [block: string, key: string, unit: string][] = [
    ['host', 'step_overhead', ' us'], ['host', 'per_sequence', ' us'], ['frontend', 'processes', ''], ['launch', 'per_kernel', ' us'],
    ['memory', 'share', ''], ['scheduler', 'max_num_seqs', ''], ['overlap', 'tp_comm', ''], ['kernels', 'rope_kernels', ''],
  ];
  for (const [block, key, unit] of FIELDS) {
    it(`${block}.${key}`, async () => {
      for (const v of ['0', '-1', '1e308']) {
        const f = join(dir, `rt-${block}-${key}.yaml`);
        writeFileSync(f, `id: rt-x\nextends: vllm\n${block}:\n  ${key}: ${v}${unit}\n`);
        const r = await loadSpecFile(f);
        const lines = r.errors.map(formatIssue);
        if (v === '0' && lines.length === 0) continue; // 0 is in range for this field
        expect(lines, `${key} ${v}`).toHaveLength(1);
        expect(lines[0], `${key} ${v}`).toMatch(new RegExp(`rt-${block}-${key}\\.yaml:4:\\d+ {2}${block}\\.${key} {2}\\S`));
        expect(lines[0]).not.toMatch(BAD);
      }
    }, 30_000);
  }
});
