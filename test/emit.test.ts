// --emit vllm|sglang|tensorrt-llm: the launch command carries the simulated configuration in each engine's own
// flag names (see src/emit/launch.ts for where each name comes from).
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (args: string[]) => runCommand(args, { root });
const sim = (...rest: string[]) => ['simulate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--tp', '4', '--devices', '8', '--dtype', 'fp8', '--batch', '64', '--input-tokens', '2048', '--output-tokens', '512', ...rest];

async function launch(args: string[]) {
  const { result, error } = await run([...args, '--json']);
  expect(error).toBeUndefined();
  return result as any;
}

describe('--emit on a dense model: tp 4, 2 replicas, fp8, 64 sequences of 2,560 tokens', () => {
  it('vllm', async () => {
    // --kv-cache fp8: vLLM's own default is a 16-bit cache (--kv-cache-dtype auto, runtimes/vllm.yaml kv_cache)
    const r = await launch(sim('--emit', 'vllm', '--kv-cache', 'fp8'));
    const share = Math.floor((r.memory.usable_bytes / r.memory.capacity_bytes) * 100) / 100;
    expect(r.launch.command).toBe(
      ['vllm serve "$MODEL"', '--tensor-parallel-size 4', '--data-parallel-size 2', '--quantization fp8', '--kv-cache-dtype fp8', '--max-num-seqs 64', '--max-model-len 2560', `--gpu-memory-utilization ${share}`].join(' \\\n  '),
    );
    expect(r.launch.config_file).toBeNull();
    // without --kv-cache the simulated cache is vLLM's default (bf16) and the command leaves the flag out
    const auto = await launch(sim('--emit', 'vllm'));
    expect(auto.kv_cache_dtype).toBe('bf16');
    expect(auto.launch.command).not.toContain('--kv-cache-dtype');
  });
  it('simulates the engine it emits for (its memory share, host time), unless --runtime names another', async () => {
    const v = await launch(sim('--emit', 'vllm'));
    expect(v.runtime).toBe('vllm');
    expect(v.launch.command).toMatch(/--gpu-memory-utilization 0\.9$/); // vLLM's own default share of the device
    expect((await launch(sim('--emit', 'vllm', '--runtime', 'sglang'))).runtime).toBe('sglang');
  });
  it('sglang', async () => {
    const r = await launch(sim('--emit', 'sglang', '--kv-cache', 'fp8'));
    expect((await launch(sim('--emit', 'sglang'))).launch.command).not.toContain('--kv-cache-dtype');
    expect(r.launch.command).toMatch(/^python -m sglang\.launch_server --model-path "\$MODEL"/);
    for (const f of ['--tp-size 4', '--dp-size 2', '--quantization fp8', '--kv-cache-dtype fp8_e4m3', '--max-running-requests 64', '--context-length 2560', '--mem-fraction-static 0.']) expect(r.launch.command).toContain(f);
  });
  it('tensorrt-llm, with its extra options file', async () => {
    const r = await launch(sim('--emit', 'tensorrt-llm'));
    for (const f of ['trtllm-serve "$MODEL"', '--backend pytorch', '--tp_size 4', '--pp_size 1', '--max_batch_size 64', '--max_seq_len 2560', '--kv_cache_free_gpu_memory_fraction 0.', '--extra_llm_api_options extra_llm_api_options.yaml']) expect(r.launch.command).toContain(f);
    expect(r.launch.config_file.name).toBe('extra_llm_api_options.yaml');
    expect(r.launch.config_file.text).toMatch(/^kv_cache_config:\n {2}dtype: fp8\n {2}free_gpu_memory_fraction: 0\.\d+\n$/);
    expect(r.launch.notes.join(' ')).toMatch(/fp8 weights: serve a checkpoint quantized to it .*2 replicas/);
  });
  it('the text output is the snippet alone, ready for a shell', async () => {
    const { stdout } = await run(sim('--emit', 'tensorrt-llm'));
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^# tensorrt-llm: llama-3\.1-70b on 8× h100-sxm as simulated — tp 4, pp 1, fp8 weights, fp8 KV cache, 64 sequences, 2560 tokens each$/);
    expect(lines).toContain("cat > extra_llm_api_options.yaml <<'EOF'");
    expect(lines.at(-1)).toBe('  --extra_llm_api_options extra_llm_api_options.yaml');
  });
});

describe('--emit on MoE with data-parallel attention (DeepSeek-V3 on 8× H200)', () => {
  const ds = ['simulate', '--model', 'deepseek-v3', '--hardware', 'h200-sxm', '--tp', '8', '--attention-dp', '--dtype', 'fp8', '--batch', '256'];
  it.each([
    ['vllm', ['--tensor-parallel-size 1', '--data-parallel-size 8', '--enable-expert-parallel']],
    ['sglang', ['--tp-size 8', '--dp-size 8', '--enable-dp-attention']],
    ['tensorrt-llm', ['--tp_size 8', '--ep_size 8']],
  ])('%s', async (engine, flags) => {
    const r = await launch([...ds, '--emit', engine as string]);
    for (const f of flags as string[]) expect(r.launch.command).toContain(f);
    if (engine === 'tensorrt-llm') expect(r.launch.config_file.text).toMatch(/^enable_attention_dp: true\n/);
  });
  it('an imported Hugging Face folder is served from its path, its fp8 from the checkpoint', async () => {
    const r = await launch(['simulate', '--model', join(root, 'test/fixtures/hf/deepseek-v3'), '--hardware', 'h200-sxm', '--tp', '8', '--batch', '32', '--emit', 'vllm']);
    expect(r.launch.command.split(' \\\n')[0]).toMatch(/^vllm serve \S*test\/fixtures\/hf\/deepseek-v3$/);
    expect(r.launch.command).not.toContain('--quantization');
    expect(r.launch.notes).toEqual(["fp8 weights: the checkpoint's own (its quantization_config is read at load)"]);
  });
});

describe('--emit refuses what it cannot deploy, in one line', () => {
  it.each([
    ['a configuration that does not fit', ['simulate', '--model', 'llama-3.1-70b', '--hardware', 'h100-sxm', '--emit', 'vllm'], /does not fit .*nothing to deploy/],
    ['a non-LLM', ['simulate', '--model', 'dit-xl-2', '--hardware', 'h100-sxm', '--emit', 'sglang'], /launch commands are for decoder LLMs/],
    ['a GGUF scheme', ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--dtype', 'q4_0', '--emit', 'vllm'], /GGUF scheme/],
    ['an unknown engine', ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--emit', 'ollama'], /--emit ollama: expected one of vllm, sglang, tensorrt-llm/],
  ])('%s', async (_n, args, message) => {
    const { stderr, error } = await run(args as string[]);
    expect(error?.oclif?.exit).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message as RegExp);
  });
});
