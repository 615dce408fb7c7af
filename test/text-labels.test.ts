// Human output labels: what each row says must match what it measures (QA findings). JSON keys are unchanged.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';

const root = new URL('..', import.meta.url).pathname;
const sim = async (...args: string[]) => (await runCommand(['simulate', ...args], { root })).stdout;

describe('simulate text labels', () => {
  it('a video pipeline reports videos per second, an image pipeline images per second', async () => {
    const wan = await sim('--model', 'wan-2.1-t2v-14b', '--hardware', 'h100-sxm', '--steps', '2');
    expect(wan).toMatch(/^videos per second/m);
    expect(wan).not.toMatch(/images per second/);
    expect(await sim('--model', 'wan-2.1-t2v-14b', '--hardware', 'h100-sxm', '--steps', '2', '--frames', '1')).toMatch(/^images per second/m);
    expect(await sim('--model', 'flux.1-dev', '--hardware', 'h100-sxm', '--steps', '2')).toMatch(/^images per second/m);
  });
});

describe('pipeline phase names', () => {
  it('are unique and name the encoder when two stages share a role (flux: CLIP and T5)', async () => {
    const r = JSON.parse(await sim('--model', 'flux.1-dev', '--hardware', 'h100-sxm', '--steps', '2', '--json'));
    const names: string[] = r.phases.map((p: { name: string }) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('text-encoder (clip-vit-l-14-text)');
    expect(names).toContain('text-encoder (t5-xxl-encoder)');
    expect(names).toContain('vae-decoder'); // a role held by one stage keeps its plain name
  });
});

describe('train --search table', () => {
  const search = ['train', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--devices', '8', '--search', '--top', '2'];
  it('has no total column without --tokens (it would be all "—"), and has one with it', async () => {
    const head = (out: string) => out.split('\n').find((l) => /^\s*tp\s/.test(l)) ?? '';
    const without = (await runCommand(search, { root })).stdout;
    expect(head(without)).toMatch(/memory\s*$/);
    expect(head(without)).not.toMatch(/total/);
    const withTokens = (await runCommand([...search, '--tokens', '1e9'], { root })).stdout;
    expect(head(withTokens)).toMatch(/total\s*$/);
  });
});

describe('decoder phase rows say what the step holds', () => {
  const phaseRows = (out: string) => out.split('\n').filter((l) => /^(prefill|decode)/.test(l));
  it('a step that carries a prefill is not labelled plain "decode"; a pure decode step is', async () => {
    // batch 100 of 128 output tokens: the most frequent cycle step carries one request's prefill (its time is ttft_s)
    const busy = await sim('--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '100');
    const rows = phaseRows(busy);
    expect(rows.some((l) => /^decode step \+ 1 prefill\s/.test(l))).toBe(true);
    expect(rows.some((l) => /^decode\s{2}/.test(l))).toBe(false);
    expect(rows.some((l) => /^prefill, whole batch cold\s/.test(l))).toBe(true);
    const json = JSON.parse(await sim('--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '100', '--json'));
    expect(json.phases.map((p: { name: string }) => p.name)).toEqual(['prefill', 'decode']); // JSON names unchanged
    // batch 8: most steps are pure decode
    const light = phaseRows(await sim('--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', '8'));
    expect(light.some((l) => /^decode\s{2}/.test(l))).toBe(true);
  });
});
