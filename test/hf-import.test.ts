// Hugging Face config.json import: every fixture (test/fixtures/hf/<arch>/config.json, written from the public
// config of a released checkpoint) loads wherever a model id does, its counts equal the library's for the same
// model, quantization_config sets the default dtype, and bad configs get one line naming the problem.
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModel, getLibrary } from '../src/spec/library.js';
import { countParams } from '../src/model/params.js';
import { convertHfConfig, shortestPeriod } from '../src/spec/hf/convert.js';
import { quantizationDtype } from '../src/spec/hf/quantization.js';
import { hfToYaml, hfYamlModel, readHfConfig } from '../src/spec/hf/load.js';
import { createHash } from 'node:crypto';

const root = new URL('..', import.meta.url).pathname;
const run = (args: string[]) => runCommand(args, { root });
const fixtures = join(root, 'test/fixtures/hf');
const ARCHS = readdirSync(fixtures).filter((d) => existsSync(join(fixtures, d, 'config.json')));
const tmp = mkdtempSync(join(tmpdir(), 'hwperf-hf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// the library model each fixture was written from (compared whenever the library has it)
const LIBRARY_TWIN: Record<string, string> = {
  llama: 'llama-3.1-8b',
  'llama-tied': 'llama-3.2-1b',
  mistral: 'mistral-7b',
  mixtral: 'mixtral-8x7b',
  qwen2: 'qwen2.5-72b',
  qwen3: 'qwen3-8b',
  'qwen3-moe': 'qwen3-235b-a22b',
  'qwen3-moe-small': 'qwen3-30b-a3b',
  'deepseek-v3': 'deepseek-v3',
  'gpt-oss': 'gpt-oss-20b',
  gemma3: 'gemma-3-27b',
  llama4: 'llama-4-scout',
  whisper: 'whisper-large-v3',
  'llama4-interleaved': 'llama-4-maverick',
  'kimi-k2': 'kimi-k2',
  'qwen2-small': 'qwen2.5-7b',
};

describe('every architecture imports', () => {
  it('covers the architectures the import promises', () => {
    expect(ARCHS).toEqual(expect.arrayContaining(['llama', 'mistral', 'qwen2', 'qwen3', 'qwen2-moe', 'qwen3-moe', 'mixtral', 'deepseek-v2', 'deepseek-v3', 'gpt-oss', 'gemma2', 'gemma3', 'phi3', 'llama4', 'whisper']));
  });
  it.each(ARCHS)('%s: --model folder and --model file give the same model', async (arch) => {
    const a = await resolveModel(join(fixtures, arch));
    const b = await resolveModel(join(fixtures, arch, 'config.json'));
    expect(countParams(a)).toEqual(countParams(b));
    expect(['decoder', 'encoder-decoder']).toContain(a.family);
  });
  it.each(Object.entries(LIBRARY_TWIN))('%s: counts equal the library\'s %s exactly', async (arch, id) => {
    const lib = getLibrary().models[id];
    if (!lib) return; // not in the library (yet): nothing to compare
    const imported = await resolveModel(join(fixtures, arch));
    const [p, q] = [countParams(imported), countParams(lib)];
    expect([p.total, p.active]).toEqual([q.total, q.active]);
  });
  it('counts what the public checkpoints hold (no library twin needed)', async () => {
    // DeepSeek-V2-Lite: 15.7B total / 2.4B active per its model card; computed 15,706,484,224 / 2,661,150,208 (incl. head)
    const v2 = countParams(await resolveModel(join(fixtures, 'deepseek-v2')));
    expect([v2.total, v2.active]).toEqual([15706484224, 2661150208]);
    // Mixtral from the config equals Keras-Hub's exact 46,702,792,704
    expect(countParams(await resolveModel(join(fixtures, 'mixtral'))).total).toBe(46702792704);
  });
});

describe('the spec it writes', () => {
  it('maps MLA, shared experts, first dense layers and the fp8 quantization of DeepSeek-V3', () => {
    const cfg = JSON.parse(readFileSync(join(fixtures, 'deepseek-v3/config.json'), 'utf8'));
    const s = Object.fromEntries(convertHfConfig(cfg, 'config.json').fields.map(([k, v]) => [k, v]));
    expect(s.moe).toEqual({ experts: 256, active: 8, shared: 1, intermediate: 2048, dense_layers: 3, router_bias: true, router: 'noaux_tc', expert_groups: 8, topk_groups: 4 });
    expect(s.attention).toEqual({ kind: 'mla', q_lora_rank: 1536, kv_lora_rank: 512, qk_rope_head_dim: 64, qk_nope_head_dim: 128, v_head_dim: 128 });
    expect([s.head_dim, s.kv_heads, s.dtype]).toEqual([192, 128, 'fp8']);
  });
  it('reads a Gemma 3 text_config with the config class defaults for what it leaves out', () => {
    const cfg = JSON.parse(readFileSync(join(fixtures, 'gemma3/config.json'), 'utf8'));
    const out = convertHfConfig(cfg, 'config.json');
    const s = Object.fromEntries(out.fields.map(([k, v]) => [k, v]));
    expect([s.hidden, s.layers, s.heads, s.kv_heads, s.head_dim, s.vocab, s.tied_embeddings]).toEqual([5376, 62, 32, 16, 128, 262208, true]);
    expect(out.header.join(' ')).toMatch(/vision encoder .* not imported/);
  });
  it('repeats the shortest layer pattern', () => {
    expect(shortestPeriod(['sliding', 'full', 'sliding', 'full'])).toEqual(['sliding', 'full']);
    expect(shortestPeriod(['a', 'a', 'a', 'b', 'a', 'a', 'a', 'b'])).toEqual(['a', 'a', 'a', 'b']);
    expect(shortestPeriod(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('quantization_config → default dtype', () => {
  it.each([
    [{ quant_method: 'fp8', fmt: 'e4m3', weight_block_size: [128, 128] }, 'fp8'],
    [{ quant_method: 'awq', bits: 4, group_size: 128, version: 'gemm', zero_point: true }, 'int4'],
    [{ quant_method: 'gptq', bits: 4, group_size: 128, desc_act: false }, 'int4'],
    [{ quant_method: 'gptq', bits: 8 }, 'int8'],
    [{ quant_method: 'mxfp4', modules_to_not_convert: ['lm_head'] }, 'fp4'],
    [{ quant_method: 'bitsandbytes', load_in_4bit: true, bnb_4bit_quant_type: 'nf4' }, 'int4'],
    [{ quant_method: 'compressed-tensors', format: 'float-quantized', config_groups: { group_0: { weights: { num_bits: 8, type: 'float' }, input_activations: { num_bits: 8, type: 'float' } } } }, 'fp8'],
    [{ quant_method: 'compressed-tensors', format: 'pack-quantized', config_groups: { group_0: { weights: { num_bits: 4, type: 'int' }, input_activations: null } } }, 'int4'],
    [{ quant_method: 'compressed-tensors', format: 'int-quantized', config_groups: { group_0: { weights: { num_bits: 8, type: 'int' }, input_activations: { num_bits: 8, type: 'int' } } } }, 'int8'],
    [{ quant_method: 'compressed-tensors', format: 'nvfp4-pack-quantized', config_groups: { group_0: { weights: { num_bits: 4, type: 'float' } } } }, 'fp4'],
  ])('%j → %s', (q, dtype) => {
    expect(quantizationDtype(q, 'q').dtype).toBe(dtype);
  });
  it('an unknown method is one line naming it', () => {
    expect(() => quantizationDtype({ quant_method: 'hqq' }, 'config.json quantization_config')).toThrow(/^config\.json quantization_config: unknown quant_method "hqq"/);
  });
  it('simulate takes the checkpoint precision unless --dtype is given', async () => {
    const m = join(fixtures, 'deepseek-v3');
    const a = (await run(['simulate', '--model', m, '--hardware', 'h200-sxm', '--tp', '8', '--json'])).result as any;
    const b = (await run(['simulate', '--model', m, '--hardware', 'h200-sxm', '--tp', '8', '--dtype', 'bf16', '--json'])).result as any;
    expect([a.dtype, a.weights_dtype]).toEqual(['fp8', 'fp8']);
    expect(b.dtype).toBe('bf16');
    const text = await run(['simulate', '--model', m, '--hardware', 'h200-sxm', '--tp', '8']);
    expect(text.stdout.split('\n')[0]).toBe("precision fp8: the model's own (its quantization_config); --dtype overrides it");
  });
});

describe('works wherever a model id does, recognised by content', () => {
  const odd = join(tmp, 'my-model.txt');
  copyFileSync(join(fixtures, 'qwen3/config.json'), odd);
  it.each([
    ['simulate', ['simulate', '--model', odd, '--hardware', 'h100-sxm', '--json']],
    ['show model', ['show', 'model', odd, '--json']],
    ['roofline', ['roofline', '--model', odd, '--hardware', 'h100-sxm', '--out', join(tmp, 'r.svg'), '--json']],
    ['size', ['size', '--model', odd, '--target-tok-s', '30', '--json']],
    ['train', ['train', '--model', odd, '--hardware', 'h100-sxm', '--devices', '8', '--json']],
  ])('%s', async (_name, args) => {
    const { error } = await run(args);
    expect(error).toBeUndefined();
  });
  it('compare and sweep take a config path too', async () => {
    const out = join(tmp, 'cmp');
    const c = await run(['compare', '--models', `llama-3.2-1b,${join(fixtures, 'llama-tied')}`, '--hardware', 'l4', '--out', out, '--json']);
    expect((c.result as any).ok).toBe(2);
    const sweepFile = join(tmp, 'sw.yaml');
    writeFileSync(sweepFile, `sweep:\n  model: [${join(fixtures, 'mistral')}]\n  hardware: [h100-sxm]\n  batch: [1, 8]\n`);
    const s = await run(['sweep', sweepFile, '--out', join(tmp, 'sw.csv'), '--json']);
    expect((s.result as any).feasible).toBe(2);
  });
});

describe('import hf', () => {
  it('writes a commented, sourced spec that loads to the same counts, and keeps an existing file', async () => {
    const out = join(tmp, 'mixtral.yaml');
    const r = (await run(['import', 'hf', join(fixtures, 'mixtral/config.json'), '--out', out, '--json'])).result as any;
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Imported by `hwperf import hf` from .*MixtralForCausalLM\./);
    expect(text).toMatch(/sources:\n {2}- "Hugging Face config.json .*sha256 [0-9a-f]{16}/);
    expect(countParams(await resolveModel(out)).total).toBe(r.params_total);
    const again = await run(['import', 'hf', join(fixtures, 'mixtral/config.json'), '--out', out]);
    expect(again.stderr).toMatch(/exists[:;] pass --force/);
    expect((await run(['import', 'hf', join(fixtures, 'mixtral/config.json'), '--out', out, '--force'])).error).toBeUndefined();
  });
  it('an unknown architecture is one line naming it', async () => {
    const f = join(tmp, 'rwkv.json');
    writeFileSync(f, JSON.stringify({ architectures: ['RwkvForCausalLM'], model_type: 'rwkv', hidden_size: 2048 }));
    const { stderr, error } = await run(['simulate', '--model', f, '--hardware', 'h100-sxm']);
    expect(error?.oclif?.exit).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/rwkv\.json: unknown architecture "RwkvForCausalLM"/);
  });
  it('an unknown field that may change the architecture is one line naming it; ignored fields pass', async () => {
    const cfg = JSON.parse(readFileSync(join(fixtures, 'llama/config.json'), 'utf8'));
    const f = join(tmp, 'extra.json');
    writeFileSync(f, JSON.stringify({ ...cfg, num_memory_tokens: 16 }));
    const { stderr } = await run(['show', 'model', f]);
    expect(stderr).toMatch(/extra\.json: unknown field "num_memory_tokens" for LlamaForCausalLM/);
    writeFileSync(f, JSON.stringify({ ...cfg, attention_dropout: 0.1, rope_scaling: { rope_type: 'yarn', factor: 4 }, pad_token_id: 7 }));
    expect((await run(['show', 'model', f])).error).toBeUndefined();
  });
  it('a folder without config.json says so', async () => {
    const { stderr } = await run(['show', 'model', tmp]);
    expect(stderr).toMatch(/a folder without config\.json/);
  });
  it('reads config.json once and converts that text once: a file changed after the read changes nothing', async () => {
    const f = join(tmp, 'once.json');
    const first = readFileSync(join(fixtures, 'qwen3/config.json'));
    writeFileSync(f, first);
    const c = readHfConfig(f);
    if ('why' in c) throw new Error(c.why);
    writeFileSync(f, JSON.stringify({ ...JSON.parse(first.toString('utf8')), num_hidden_layers: 2 })); // after the read
    const y = hfToYaml(c, f);
    expect(y.text).toContain(`sha256 ${createHash('sha256').update(first).digest('hex').slice(0, 16)}`);
    expect(y.text).toMatch(/^layers: 36$/m);
    expect(countParams(await hfYamlModel(y))).toEqual(countParams(await resolveModel(join(fixtures, 'qwen3'))));
    // the command prints that same text
    writeFileSync(f, first);
    expect((await run(['import', 'hf', f])).stdout).toBe(hfToYaml(c, f).text);
    expect(readHfConfig(join(fixtures, 'README.md'))).toEqual({ why: expect.stringMatching(/^not a Hugging Face config/) });
    expect(readHfConfig(fixtures)).toEqual({ why: expect.stringMatching(/folder/) });
  });
});
