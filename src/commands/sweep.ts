import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { startProgress } from '../cli/progress.js';
import { runSweep, type SweepSummary } from '../sweep/run.js';
import { UserError } from '../spec/errors.js';
import { parseShard } from '../sweep/shard.js';

const MAX_WORKERS = 1024;

export default class Sweep extends BaseCommand {
  static summary = 'Simulate every combination of a grid of flags; write one CSV row per combination and the Pareto front.';
  static description =
    "The file's `sweep:` maps simulate's flags (snake_case: model, hardware, tp, batch, input_tokens, dtype, memory, set, …) " +
    'to lists. Rows that do not fit or are invalid are kept, with feasible=false and a reason. Beside the CSV, ' +
    'a Pareto file (small.csv → small.pareto.csv) holds the rows on the throughput-vs-latency Pareto front of each model ' +
    '(decoders: throughput_tok_s vs tpot_s) for the whole system, small.pareto-per-device.csv the front of throughput per device, ' +
    'and small.pareto-per-dollar.csv the front of throughput per USD per hour (rows with a price). A grid may price each hardware: ' +
    '`price: {h100-sxm: 2.49, mi300x: 1.99}`; max_tpot / max_ttft (seconds or "50ms") cap `batch: max` and mark fixed-batch rows over the limit infeasible.';
  static examples = [
    '<%= config.bin %> sweep examples/sweep-small.yaml --out small.csv',
    '<%= config.bin %> sweep examples/sweep-90k.yaml --out big.csv --force --json',
    '<%= config.bin %> sweep examples/sweep-90k.yaml --shard 3/8 --out shards/big-3.csv   # then: hwperf merge shards/*.csv --out big.csv',
  ];
  static args = {
    file: Args.string({ description: 'sweep file (YAML)', required: true }),
  };
  static flags = {
    out: Flags.string({ char: 'o', description: 'CSV to write (default: `out:` in the file, else <file>.csv here)' }),
    force: Flags.boolean({ description: 'overwrite an existing CSV and Pareto file' }),
    shard: Flags.string({ description: 'I/N: write only shard I of N (1 ≤ I ≤ N, contiguous rows) for `hwperf merge`; default out <file>.shard-I-of-N.csv' }),
    workers: Flags.integer({ description: 'engine threads (default: every core; 1: one engine, on its own thread beside a format thread where a core is free)' }),
  };

  async run(): Promise<SweepSummary> {
    const { args, flags } = await this.parse(Sweep);
    // a thread per worker (as many as the grid has chunks): 10^11 asked for hundreds of threads on a 90k grid
    if (flags.workers !== undefined && !(flags.workers >= 1 && flags.workers <= MAX_WORKERS)) throw new UserError(`--workers: expected an integer from 1 to ${MAX_WORKERS} (engine threads), found "${flags.workers}"`);
    const bar = startProgress({ label: 'sweep', json: this.jsonEnabled() });
    let summary: SweepSummary;
    try {
      summary = await runSweep(args.file, { out: flags.out, force: flags.force, workers: flags.workers, shard: flags.shard === undefined ? undefined : parseShard(flags.shard), onProgress: (done, total) => bar.update(done, total) });
    } finally {
      bar.done();
    }
    for (const e of summary.internal_errors) process.stderr.write(`hwperf: warning: ${e.split('\n')[0]}\n`);
    if (!this.jsonEnabled()) {
      this.log(
        `${summary.configs} configurations, ${summary.feasible} feasible, in ${summary.seconds.toFixed(2)} s` +
          `${summary.workers ? ` on ${summary.workers} workers` : ''}\n` +
          `wrote ${summary.out}` +
          (summary.shard
            ? ` (shard ${summary.shard.index}/${summary.shard.of}: rows ${summary.shard.start}–${summary.shard.end - 1}; join the shards with hwperf merge)`
            : `\nwrote ${summary.pareto} (${summary.pareto_rows} rows on the Pareto front)\n` +
              `wrote ${summary.pareto_per_device} (${summary.pareto_per_device_rows} rows, per device)\n` +
              `wrote ${summary.pareto_per_dollar} (${summary.pareto_per_dollar_rows} rows, per dollar)`),
      );
    }
    return summary;
  }
}
