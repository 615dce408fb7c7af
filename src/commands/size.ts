import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dtypeFlag } from '../cli/dtype-flag.js';
import { getLibrary, libraryModel, resolveHardware, resolveMemory, resolveModel } from '../spec/library.js';
import { UserError } from '../spec/errors.js';
import { applyWhatIfs } from '../hardware/whatif.js';
import { bindRuntime, resolveRuntime, runtimeForRequest } from '../runtime/resolve.js';
import { runtimeFlag } from '../cli/runtime-flag.js';
import { buildRequest, parseSeconds } from '../sim/request.js';
import { simulate } from '../sim/simulate.js';
import { probeHardware, sizeMemory, type SizeResult } from '../sim/size.js';
import { fmtBandwidth, fmtFlopRate, fmtGB, fmtNumber, fmtSeconds, renderTable } from '../report/format.js';

export default class Size extends BaseCommand {
  static summary = 'Inverse sizing: the memory bandwidth, capacity and compute a throughput target needs, per memory technology.';
  static description =
    'From a target (tokens/s at a batch, or --target-tpot), the achieved bandwidth it needs (target × bytes read per output token), the datasheet bandwidth at each technology’s efficiency, the whole HBM stacks or LPDDR/GDDR bus bits that provide it (raised to hold the model and KV cache, then checked by simulating), the capacity that gives and the energy per token. With --hardware, options are that accelerator with its memory swapped; without, an ideal compute-unbound probe.';
  static examples = [
    '<%= config.bin %> size --model llama-3.1-8b --target-tok-s 50 --batch 1 --dtype int4 --memory lpddr5x,hbm3e --json',
    '<%= config.bin %> size --model llama-3.2-3b --target-tok-s 30 --dtype int4 --hardware snapdragon-8-elite --memory lpddr5x,lpddr5,hbm3e',
    '<%= config.bin %> size --model llama-3.1-70b --target-tpot 30ms --batch 16 --dtype fp8 --memory hbm3,hbm3e,hbm4',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file', required: true }),
    'target-tok-s': Flags.string({ description: 'target output tokens/s of the system at --batch' }),
    'target-tpot': Flags.string({ description: 'target time per output token of one request (e.g. 0.02 or 20ms)' }),
    batch: Flags.string({ char: 'b', description: 'requests in flight', default: '1' }),
    'input-tokens': Flags.integer({ description: 'prompt tokens per request', default: 512 }),
    'output-tokens': Flags.integer({ description: 'generated tokens per request', default: 128 }),
    dtype: dtypeFlag,
    'kv-cache': Flags.string({ description: 'override the KV-cache dtype' }),
    tp: Flags.integer({ description: 'tensor-parallel degree (bandwidth and capacity are then per device)', default: 1 }),
    memory: Flags.string({ description: 'memory technologies to size, comma-separated (default: every library technology)' }),
    hardware: Flags.string({ char: 'H', description: 'base accelerator whose memory is swapped (default: an ideal compute-unbound probe)' }),
    runtime: Flags.string({ description: `${runtimeFlag.description} — without --hardware: ideal` }),
    set: Flags.string({ description: 'what-if on the base hardware, PATH=VALUE (repeatable)', multiple: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Size);
    const tokS = flags['target-tok-s'] !== undefined ? Number(flags['target-tok-s']) : undefined;
    const tpotS = parseSeconds('target-tpot', flags['target-tpot']);
    if ((tokS === undefined) === (tpotS === undefined)) throw new UserError('size: give exactly one of --target-tok-s and --target-tpot');
    if (tokS !== undefined && !(tokS > 0)) throw new UserError(`--target-tok-s: expected a positive number, found "${flags['target-tok-s']}"`);
    if (tpotS !== undefined && !(tpotS > 0)) throw new UserError(`--target-tpot: expected a positive time, found "${flags['target-tpot']}"`);
    if (String(flags.batch).toLowerCase() === 'max') throw new UserError('size: --batch must be a number (the batch the target is for)');
    const model = await resolveModel(flags.model);
    const base = flags.hardware ? await applyWhatIfs(await runtimeForRequest(await resolveHardware(flags.hardware), model, flags.runtime), undefined, flags.set) : null;
    // without a base accelerator the options are ideal probes, under the ideal runtime unless one is named
    const probe = base ? null : bindRuntime(probeHardware(), await resolveRuntime(flags.runtime ?? 'ideal'));
    const ids = flags.memory
      ? flags.memory.split(',').map((s) => s.trim()).filter(Boolean)
      : Object.keys(getLibrary().memory).sort();
    const techs = await Promise.all(ids.map((id) => resolveMemory(id)));
    const req = buildRequest(flags as Record<string, unknown>, model, base ?? probe!, libraryModel);
    const result = sizeMemory(req, { tokS, tpotS }, techs, simulate, base);
    if (!this.jsonEnabled()) this.log(renderSize(result));
    return result;
  }
}

export function renderSize(r: SizeResult): string {
  const head = [
    `${r.model}, ${r.dtype}, batch ${r.batch}, ${r.input_tokens} in / ${r.output_tokens} out, target ${fmtNumber(r.target_tok_s)} tok/s${r.target_tpot_s ? ` (TPOT ${fmtSeconds(r.target_tpot_s)})` : ''}${r.hardware ? ` on ${r.hardware}` : ' (ideal compute)'}, runtime ${r.runtime}`,
    `per output token: ${fmtGB(r.bytes_per_token)} read, ${fmtFlopRate(r.flops_per_token).replace('/s', '')}`,
    `needs per device: ${fmtBandwidth(r.required.bandwidth_bytes_per_s)} achieved bandwidth, ${fmtGB(r.required.capacity_bytes)} capacity, ${fmtFlopRate(r.required.compute_flops_per_s)} compute`,
    '',
  ];
  const rows = r.options.map((o) => [
    o.memory,
    `${o.count} ${o.count === 1 ? o.count_unit.replace(/s$/, '') : o.count_unit}`,
    fmtBandwidth(o.peak_bandwidth_bytes_per_s),
    fmtBandwidth(o.provided_bandwidth_bytes_per_s),
    fmtGB(o.capacity_bytes),
    o.limited_by,
    o.achieved_tok_s == null ? '—' : fmtNumber(o.achieved_tok_s),
    o.energy_j_per_token == null ? '—' : `${fmtNumber(o.energy_j_per_token * 1e3)} mJ`,
  ]);
  const table = renderTable(['memory', 'count', 'needs (datasheet)', 'provides', 'capacity', 'sized by', 'tok/s', 'energy/token'], rows);
  return [...head, table, ...r.warnings.map((w) => `warning: ${w}`)].join('\n');
}
