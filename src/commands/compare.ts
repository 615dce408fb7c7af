import { Flags } from '@oclif/core';
import { resolve as resolvePath } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { startProgress } from '../cli/progress.js';
import { libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { maskWords, UserError } from '../spec/errors.js';
import { checkOutDir } from '../report/write.js';
import { parsePriceFlag, priceFor } from '../sim/price.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { runtimeForRequest } from '../runtime/resolve.js';
import { buildRequest } from '../sim/request.js';
import { simulate } from '../sim/simulate.js';
import { checkFlagsApplyToAny, refuseFlags } from '../sim/applicable.js';
import { runComparison, writeComparison } from '../report/compare.js';
import Simulate from './simulate.js';

// simulate's flags, less the single model and hardware (compare takes lists) and the per-op tables.
const { model: _m, hardware: _h, verbose: _v, ...simulateFlags } = Simulate.flags as Record<string, any>;

export function splitList(flag: string, v: string): string[] {
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new UserError(`--${flag}: expected a comma-separated list`);
  return [...new Set(items)];
}


export default class Compare extends BaseCommand {
  static summary = 'Compare models across hardware: Markdown + self-contained HTML report, PNG/SVG charts, CSV.';
  static description =
    'Simulates every model × hardware pair with simulate’s flags and writes DIR/report.md, DIR/report.html (opens offline, interactive charts, sortable tables), PNG charts (rooflines also as SVG) and DIR/results.csv (one row per pair). Pairs that do not fit or fail are rows with their reason.';
  static examples = [
    '<%= config.bin %> compare --models llama-3.1-70b,deepseek-v3,whisper-large-v3,dit-xl-2 --hardware h100-sxm,mi300x,ascend-910c,snapdragon-8-elite --out report/',
    '<%= config.bin %> compare --models llama-3.1-70b --hardware h100-sxm,h200-sxm,mi300x --dtype fp8 --auto-tp --input-tokens 2048 --output-tokens 256 --out llama70b/',
  ];
  static flags = {
    models: Flags.string({ description: 'model ids or YAML files, comma-separated', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware ids or YAML files, comma-separated', required: true }),
    ...simulateFlags,
    'auto-tp': Flags.boolean({ description: 'per pair, the smallest tensor-parallel degree (1, 2, 4, 8 within the scale-up domain), then pipeline stages, at which the model fits' }),
    out: Flags.string({ char: 'o', description: 'report directory', required: true }),
    force: Flags.boolean({ char: 'f', description: 'overwrite an existing report directory' }),
    title: Flags.string({ description: 'report title' }),
    svg: Flags.boolean({ description: 'also write each roofline as SVG' }),
  };

  async run(): Promise<unknown> {
    const { flags, metadata } = await this.parse(Compare);
    // a flag of simulate's that compare has no use for is an error, as in every command, not silently ignored
    refuseFlags('compare', flags, { emit: 'it prints the launch command of one configuration; use `hwperf simulate --emit` per pair' });
    checkOutDir(flags.out, flags.force); // before any work: one line for a bad --out
    const models = splitList('models', flags.models);
    const hardware = splitList('hardware', flags.hardware);
    const f = flags as Record<string, any>;
    // a family flag (--resolution, --audio-seconds, …) that no model compared takes: ids that do not resolve are
    // left to their own error rows
    const resolved = (await Promise.all(models.map((m) => resolveModel(m).catch(() => undefined)))).filter((m) => m !== undefined);
    checkFlagsApplyToAny(Object.keys(flags).filter((k) => !metadata.flags[k]?.setFromDefault), resolved, libraryModel);
    // --price is checked before anything runs: a malformed value or an id not in --hardware is an error
    const prices = parsePriceFlag(f.price, hardware);
    const bar = startProgress({ label: 'compare', total: models.length * hardware.length, json: this.jsonEnabled() });
    const c = await runComparison({
      models,
      hardware,
      request: async (m, h) => {
        const model = await resolveModel(m);
        const hw = await applyWhatIfs(await runtimeForRequest(await resolveHardware(h), model, f.runtime), f.memory, f.set);
        const req = buildRequest({ ...f, price: undefined }, model, hw, libraryModel);
        const price = priceFor(prices, h, hw.id);
        return price === undefined ? req : { ...req, priceUsdPerHour: price };
      },
      simulate,
      autoTp: !!f['auto-tp'],
      onProgress: (done, total) => bar.update(done, total),
    }).finally(() => bar.done());
    const title = flags.title ?? `${models.join(', ')} on ${hardware.join(', ')}`;
    const argv = this.argv.map((a) => (/[\s"'$]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(' ');
    const written = await writeComparison(resolvePath(flags.out), flags.force, {
      svg: flags.svg,
      title: maskWords(title), // the user's own text, shown as typed but for the words that only ever mean a fault
      command: maskWords(`hwperf compare ${argv}`),
      parameters: {
        dtype: f.dtype,
        batch: f.batch,
        'input tokens': f['input-tokens'],
        'output tokens': f['output-tokens'],
        tp: f['auto-tp'] ? 'auto' : f.tp,
        memory: f.memory,
        set: f.set?.join(' '),
        price: f.price,
        runtime: f.runtime ?? 'default per hardware and model (docs/runtimes.md)',
      },
    }, c);
    if (!this.jsonEnabled()) {
      this.log(`wrote ${written.files.length} files to ${written.dir}: ${written.ok} of ${written.pairs} pairs simulated`);
      for (const r of c.rows.filter((x) => x.status !== 'ok')) this.log(`  ${r.model} on ${r.hardware}: ${r.status} — ${r.reason}`);
    }
    return {
      out: written.dir,
      files: written.files,
      pairs: written.pairs,
      ok: written.ok,
      rows: c.rows.map((r) => ({ model: r.model, hardware: r.hardware, runtime: r.result?.runtime ?? null, family: r.family, status: r.status, reason: r.reason, tp: r.result?.tp ?? null, pp: r.result?.pp ?? null, warnings: r.result?.warnings ?? [] })),
    };
  }
}
