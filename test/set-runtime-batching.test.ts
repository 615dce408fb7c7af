// --set runtime.batching: how the measured run batched its requests. static = one batch prefilled together and decoded
// to the end without replacement (an offline benchmark timing one generate call over a fixed batch: vLLM's
// benchmark_latency, TensorRT-LLM's run.py); inflight = a finished request replaced at once (the serving default).
import { describe, expect, it } from 'vitest';
import { runCli } from './fuzz/cli.js';

const sim = ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--dtype', 'fp16', '--input-tokens', '1024', '--output-tokens', '256', '--batch', '32', '--json'];
const json = async (argv: string[]) => {
  const r = await runCli(argv);
  expect(r.exit, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('--set runtime.batching', () => {
  it('static: the whole batch is prefilled from cold, then decoded O - 1 steps at its own decode step', async () => {
    const inflight = await json([...sim, '--runtime', 'vllm-0.6']);
    const st = await json([...sim, '--runtime', 'vllm-0.6', '--set', 'runtime.batching=static']);
    const decode = st.phases.find((p: { name: string }) => p.name === 'decode').seconds;
    expect(st.ttft_s).toBeCloseTo(st.ttft_cold_s, 12);
    expect(st.e2e_s).toBeCloseTo(st.ttft_cold_s + 255 * decode, 9);
    expect(st.tpot_s).toBeCloseTo(decode, 12);
    expect(st.throughput_tok_s).toBeCloseTo((32 * 256) / st.e2e_s, 6);
    // the in-flight default is unchanged by the new field and prices a steady state instead
    expect(inflight.ttft_s).toBeLessThan(inflight.ttft_cold_s);
    expect(inflight.e2e_s).toBeCloseTo(inflight.ttft_s + 255 * inflight.tpot_s, 9);
    expect(st.ttft_cold_s).toBeCloseTo(inflight.ttft_cold_s, 12);
  });
  it('inflight turns a statically batching runtime (optimum-habana) to in-flight batching', async () => {
    const base = ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'gaudi2', '--dtype', 'bf16', '--input-tokens', '1024', '--output-tokens', '256', '--batch', '32', '--runtime', 'optimum-habana', '--json'];
    const own = await json(base);
    const inflight = await json([...base, '--set', 'runtime.batching=inflight']);
    expect(own.ttft_s).toBeCloseTo(own.ttft_cold_s, 12);
    expect(inflight.ttft_s).toBeLessThan(inflight.ttft_cold_s);
  });
  it('another word is a one-line error naming the field and the choices', async () => {
    const bad = await runCli([...sim.filter((a) => a !== '--json'), '--set', 'runtime.batching=continuous']);
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toMatch(/^hwperf: --set runtime.batching: expected one of inflight, static, found "continuous"/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
