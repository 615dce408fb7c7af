// Regenerates the curated reports in reports/ (npm run reports). Each is one `hwperf compare` run with
// --force into reports/<slug>/; the built CLI (dist/) is used, so run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const REPORTS = [
  {
    slug: 'llama-3.1-70b-serving',
    title: 'Llama-3.1-70B serving across NVIDIA, AMD and Huawei (fp8, 2k in / 256 out, batch 32)',
    args: ['--models', 'llama-3.1-70b', '--hardware', 'h100-sxm,h200-sxm,b200,mi300x,mi325x,ascend-910b,ascend-910c',
      '--dtype', 'fp8', '--batch', '32', '--input-tokens', '2048', '--output-tokens', '256', '--auto-tp'],
  },
  {
    slug: '3b-on-device',
    title: '3B on-device: LPDDR5X vs HBM3e on a phone NPU (Llama-3.2-3B int4, batch 1)',
    args: ['--models', 'llama-3.2-3b,llama-3.2-1b', '--hardware',
      'snapdragon-8-elite,reports/specs/snapdragon-8-elite-lpddr5x-128.yaml,reports/specs/snapdragon-8-elite-hbm3e.yaml,apple-a18-pro,dimensity-9400',
      '--dtype', 'int4', '--batch', '1', '--input-tokens', '512', '--output-tokens', '256'],
  },
  {
    slug: 'gpt3-moe-whisper-dit',
    title: 'GPT-3, a 1.8T MoE, Whisper and DiT across six accelerators (bf16, batch 8)',
    args: ['--models', 'gpt3-175b,gpt4-moe-1.8t,whisper-large-v3,dit-xl-2', '--hardware', 'h100-sxm,h200-sxm,b200,mi300x,ascend-910c,tpu-v5p',
      '--batch', '8', '--auto-tp'],
  },
];

let failed = 0;
for (const r of REPORTS) {
  const out = join('reports', r.slug);
  const args = ['bin/run.js', 'compare', ...r.args, '--title', r.title, '--out', out, '--force'];
  const p = spawnSync('node', args, { cwd: root, encoding: 'utf8' });
  process.stdout.write(p.stdout);
  process.stderr.write(p.stderr);
  if (p.status !== 0) {
    failed++;
    console.error(`reports: ${r.slug} failed (exit ${p.status})`);
  }
}
process.exit(failed ? 1 : 0);
