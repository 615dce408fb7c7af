import { Flags } from '@oclif/core';
import { checkFlagsApply, refuseFlags } from '../sim/applicable.js';
import { extname, resolve as resolvePath } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { UserError } from '../spec/errors.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { runtimeForRequest } from '../runtime/resolve.js';
import { buildRequest } from '../sim/request.js';
import { simulate } from '../sim/simulate.js';
import { renderChart } from '../report/charts/common.js';
import { opGroups, rooflineConfig } from '../report/charts/roofline.js';
import { checkWritable, writeFileAtomic } from '../report/write.js';
import Simulate from './simulate.js';

const { model: _m, hardware: _h, verbose: _v, ...simulateFlags } = Simulate.flags as Record<string, any>;

export default class Roofline extends BaseCommand {
  static summary = 'Draw one accelerator’s roofline with a model’s operations placed on it (PNG or SVG).';
  static description =
    'Compute ceilings per dtype and the DRAM bandwidth slope (datasheet and achievable), log-log; each operation of the model’s prefill and decode (or encoder/denoising step) at its arithmetic intensity and achieved FLOP/s per device.';
  static examples = [
    '<%= config.bin %> roofline --model llama-3.1-8b --hardware h100-sxm --batch 16 --out roofline.png',
    '<%= config.bin %> roofline --model llama-3.2-3b --hardware snapdragon-8-elite --dtype int4 --out phone.svg',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
    ...simulateFlags,
    out: Flags.string({ char: 'o', description: 'chart file: .png or .svg', required: true }),
    force: Flags.boolean({ char: 'f', description: 'overwrite an existing file' }),
  };

  async run(): Promise<unknown> {
    const { flags, metadata } = await this.parse(Roofline);
    const f = flags as Record<string, any>;
    refuseFlags('roofline', f, {
      emit: 'it prints a launch command; use `hwperf simulate --emit`',
      'auto-tp': 'the chart is of the configuration given; find the degree with `hwperf simulate --auto-tp`, then pass --tp',
    });
    const ext = extname(flags.out).toLowerCase();
    if (ext !== '.png' && ext !== '.svg') throw new UserError(`--out ${flags.out}: expected a .png or .svg file`);
    const out = resolvePath(flags.out);
    checkWritable(out, flags.force);
    const model = await resolveModel(flags.model);
    const hw = await applyWhatIfs(await runtimeForRequest(await resolveHardware(flags.hardware), model, f.runtime), f.memory, f.set);
    // a family flag the model does not take (--resolution on an LLM) is an error, as in simulate
    checkFlagsApply(Object.keys(flags).filter((k) => !metadata.flags[k]?.setFromDefault), model, libraryModel);
    const req = { ...buildRequest(f, model, hw, libraryModel), verbose: true };
    const r = simulate(req);
    if (r.memory && !r.memory.fits) throw new UserError(`${model.id} does not fit on ${hw.id}: ${r.memory.reason ?? 'out of memory'} (try --tp, --dtype or a smaller --batch)`);
    const groups = opGroups(r.ops ?? [], r.phases ?? []);
    if (!groups.some((g) => g.points.length)) throw new UserError(`${model.id} on ${hw.id}: the simulation returned no operations to place`);
    const title = `Roofline: ${model.id} on ${hw.name} under ${hw.runtime!.name} (${r.dtype}, batch ${r.batch ?? '—'})`;
    const chart = await renderChart(rooflineConfig(hw, groups, title), { width: 1100, height: 620, svg: ext === '.svg' });
    writeFileAtomic(out, ext === '.svg' ? chart.svg! : chart.png);
    const points = groups.reduce((n, g) => n + g.points.length, 0);
    if (!this.jsonEnabled()) this.log(`wrote ${out}: ${points} operations of ${model.id} on ${hw.id} (runtime ${hw.runtime!.id})`);
    return { out, model: model.id, hardware: hw.id, runtime: hw.runtime!.id, points, groups: groups.map((g) => ({ label: g.label, points: g.points.length })) };
  }
}
