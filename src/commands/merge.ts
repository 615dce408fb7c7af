import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { mergeShards, type MergeSummary } from '../sweep/shard.js';

export default class Merge extends BaseCommand {
  static summary = 'Join the shard CSVs of `sweep --shard I/N` into the CSV and Pareto file of the whole sweep.';
  static description =
    'The output is byte for byte what one `hwperf sweep` run writes: the rows in sweep order, and the Pareto front beside it (small.csv → small.pareto.csv) with the ' +
    'Pareto front of the whole sweep (taken from the local fronts the shards carry in their last line). Shards may be named ' +
    'in any order; each shard of one sweep must be there exactly once.';
  static examples = ['<%= config.bin %> merge results/shard-*.csv --out results.csv'];
  static strict = false; // any number of shard files
  static args = { shards: Args.string({ description: 'shard CSVs written by sweep --shard', required: true }) };
  static flags = {
    out: Flags.string({ char: 'o', description: 'CSV to write (the Pareto front goes beside it: small.csv → small.pareto.csv)', required: true }),
    force: Flags.boolean({ description: 'overwrite an existing CSV and Pareto file' }),
  };

  async run(): Promise<MergeSummary> {
    const { argv, flags } = await this.parse(Merge);
    const r = mergeShards(argv as string[], flags.out, flags.force);
    if (!this.jsonEnabled()) this.log(`${r.shards} shards, ${r.configs} configurations, ${r.feasible} feasible\nwrote ${r.out}\nwrote ${r.pareto} (${r.pareto_rows} rows on the Pareto front)\nwrote ${r.pareto_per_device} (${r.pareto_per_device_rows} rows, per device)\nwrote ${r.pareto_per_dollar} (${r.pareto_per_dollar_rows} rows, per dollar)`);
    return r;
  }
}
