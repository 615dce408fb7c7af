import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { BaseCommand } from '../cli/base-command.js';
import { startProgress } from '../cli/progress.js';
import { readValidationCsv, runAccuracy } from '../sim/accuracy.js';
import { UserError } from '../spec/errors.js';
import { fmtNumber, renderTable } from '../report/format.js';
import { VALIDATION_CSV as DEFAULT_CSV } from '../spec/paths.js';

export default class Accuracy extends BaseCommand {
  static summary = 'Predictions vs the bundled public measurements: error per case, MAPE per category.';
  static examples = ['<%= config.bin %> accuracy', '<%= config.bin %> accuracy --category A,B --json'];
  static flags = {
    category: Flags.string({ char: 'c', description: 'only these categories, comma-separated (A,B,…)' }),
    file: Flags.string({ description: 'a measurements CSV with the same columns', default: DEFAULT_CSV }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Accuracy);
    if (!existsSync(flags.file)) throw new UserError(`${flags.file}: no such file`);
    const bar = startProgress({ label: 'accuracy', json: this.jsonEnabled() });
    let report;
    try {
      report = runAccuracy(readValidationCsv(flags.file), flags.category?.split(','), (done, total) => bar.update(done, total), flags.file === DEFAULT_CSV ? undefined : flags.file);
    } finally {
      bar.done();
    }
    if (!this.jsonEnabled()) {
      const rows = report.rows.map((r) => [
        r.id,
        r.category,
        r.runtime ?? '—',
        fmtNumber(r.measured, 4),
        r.predicted == null ? '—' : fmtNumber(r.predicted, 4),
        r.error == null ? (r.note ?? r.status) : `${r.error >= 0 ? '+' : ''}${(r.error * 100).toFixed(1)}%`,
        r.command.replace(/^hwperf /, '').replace(/ --json$/, ''),
      ]);
      this.log(renderTable(['id', 'cat', 'runtime', 'measured', 'predicted', 'error', 'command'], rows));
      this.log('');
      const cats = Object.keys(report.mape);
      const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
      const ratio = (x: number | null | undefined) => (x == null ? '—' : `${x.toFixed(2)}×`);
      this.log(renderTable(['category', 'MAPE', 'worst ratio'], cats.map((c) => [c, pct(report.mape[c]), ratio(report.max_ratio[c])])));
      this.log('');
      this.log(renderTable(['runtime', 'rows', 'MAPE', 'worst ratio'], report.by_runtime.map((g) => [g.runtime === 'none' ? 'none (kernels, counts)' : g.runtime, String(g.ok === g.rows ? g.rows : `${g.ok}/${g.rows}`), pct(g.mape), ratio(g.max_ratio)])));
    }
    return report;
  }
}
