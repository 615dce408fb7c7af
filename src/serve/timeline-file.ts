// --timeline FILE.csv: one row per engine iteration, and FILE.png beside it (queue, batch and KV use over time).
// Both written atomically and together (src/report/write.ts): never a new CSV beside an old chart.
import { writeFilesAtomic } from '../report/write.js';
import { renderChart } from '../report/charts/common.js';
import { timelineChart } from '../report/charts/timeline.js';
import type { ServeRun } from './serve.js';

const COLUMNS = ['t_s', 'pool', 'replica', 'step_s', 'decode_seqs', 'prefill_tokens', 'waiting', 'running', 'kv_used_tokens'] as const;

export async function writeTimeline(file: string, run: ServeRun, title: string): Promise<void> {
  const lines = [COLUMNS.join(',')];
  for (const r of run.timeline) lines.push(COLUMNS.map((c) => (typeof r[c] === 'number' ? Number((r[c] as number).toPrecision(9)) : r[c])).join(','));
  const cfg = timelineChart(run.timeline, run.kvTokens, `${title}: queue, batch and KV cache over time`);
  const { png } = await renderChart(cfg);
  writeFilesAtomic([[file, lines.join('\n') + '\n'], [file.replace(/\.csv$/i, '.png'), png]]);
}
