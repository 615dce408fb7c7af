import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveModel, getLibrary } from '../../spec/library.js';
import { countParams, forwardFlops } from '../../model/params.js';
import { fmtCount, fmtFlops, grouped, renderTable } from '../../report/format.js';

export default class ShowModel extends BaseCommand {
  static summary = 'Show a model: structure, parameter counts (from the spec) and forward FLOPs.';
  static examples = ['<%= config.bin %> show model llama-3.1-70b', '<%= config.bin %> show model dit-xl-2 --json', '<%= config.bin %> show model ./my-model.yaml'];
  static args = { model: Args.string({ description: 'library id or path to a YAML file', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(ShowModel);
    const model = await resolveModel(args.model);
    const lib = getLibrary();
    const resolve = (id: string) => lib.models[id]!;
    const p = countParams(model, resolve);
    const flops = forwardFlops(model, resolve);
    const result = {
      ...model,
      params_total: p.total,
      params_active: p.active,
      params_embedding: p.embedding,
      params_breakdown: p.breakdown,
      forward_flops: flops,
    };
    if (!this.jsonEnabled()) {
      this.log(`${model.name} (${model.id}) — family ${model.family}${model.rumoured ? ' — RUMOURED architecture' : ''}`);
      const rows: [string, string][] = [
        ['parameters (total)', `${fmtCount(p.total)} (${grouped(p.total)})`],
        ['parameters (active per token)', `${fmtCount(p.active)} (${grouped(p.active)})`],
        ['forward FLOPs', flops == null ? '—' : fmtFlops(flops)],
      ];
      for (const [k, v] of Object.entries(model)) {
        if (['id', 'name', 'family', 'sources', 'file', 'reference_params', 'rumoured'].includes(k) || v === undefined) continue;
        rows.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
      }
      this.log(renderTable(['field', 'value'], rows));
      if (model.reference_params?.total) {
        const err = (p.total / model.reference_params.total - 1) * 100;
        this.log(`published total ${grouped(model.reference_params.total)} (${model.reference_params.source ?? 'see sources'}): ${err >= 0 ? '+' : ''}${err.toFixed(3)}%`);
      }
      this.log(`sources:\n${model.sources.map((s) => `  - ${s}`).join('\n')}`);
    }
    return result;
  }
}
