import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { getLibrary } from '../spec/library.js';
import { fmtBandwidth, fmtCount, fmtFlopRate, fmtGB, fmtSeconds, renderTable } from '../report/format.js';
import { runtimeRow } from './show/runtime.js';
import { countParams } from '../model/params.js';
import { UserError, didYouMean } from '../spec/errors.js';

const KINDS = ['models', 'hardware', 'memory', 'runtimes'] as const;

export default class List extends BaseCommand {
  static summary = 'List the library: models, hardware, memory technologies or runtimes.';
  static examples = ['<%= config.bin %> list models', '<%= config.bin %> list hardware --json', '<%= config.bin %> list memory', '<%= config.bin %> list runtimes'];
  static args = { kind: Args.string({ description: 'models | hardware | memory | runtimes', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(List);
    const kind = args.kind === 'model' ? 'models' : args.kind === 'runtime' ? 'runtimes' : args.kind;
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new UserError(`unknown list "${args.kind}": ${didYouMean(args.kind, KINDS) ?? 'use models, hardware, memory or runtimes'}`);
    }
    const lib = getLibrary();
    const resolve = (id: string) => lib.models[id]!;
    if (kind === 'models') {
      const rows = Object.values(lib.models).map((m) => {
        const p = countParams(m, resolve);
        return { id: m.id, name: m.name, family: m.family, params_total: p.total, params_active: p.active, rumoured: m.rumoured };
      });
      if (!this.jsonEnabled()) {
        this.log(renderTable(['id', 'family', 'params', 'active', 'name'], rows.map((r) => [r.id, r.family, fmtCount(r.params_total), fmtCount(r.params_active), r.name + (r.rumoured ? ' (rumoured)' : '')])));
      }
      return rows;
    }
    if (kind === 'hardware') {
      const rows = Object.values(lib.hardware).map((h) => ({
        id: h.id,
        name: h.name,
        vendor: h.vendor,
        class: h.class,
        bf16_flops_per_s: h.matrixFlopPerS.bf16 ?? h.matrixFlopPerS.fp16 ?? null,
        memory_bytes: h.memory.capacityBytes,
        memory_bandwidth_bytes_per_s: h.memory.bandwidthBytePerS,
        memory_technology: h.memory.technology,
      }));
      if (!this.jsonEnabled()) {
        this.log(
          renderTable(
            ['id', 'vendor', 'class', '16-bit matrix', 'memory', 'bandwidth', 'tech', 'name'],
            rows.map((r) => [r.id, r.vendor, r.class, fmtFlopRate(r.bf16_flops_per_s), fmtGB(r.memory_bytes), fmtBandwidth(r.memory_bandwidth_bytes_per_s), r.memory_technology, r.name]),
          ),
        );
      }
      return rows;
    }
    if (kind === 'runtimes') {
      const rows = Object.values(lib.runtimes ?? {}).map(runtimeRow);
      if (!this.jsonEnabled()) {
        this.log(
          renderTable(
            ['id', 'role', 'host / step', 'launch / kernel', 'graphs', 'memory', 'name'],
            rows.map((r) => [r.id, r.role, fmtSeconds(r.step_overhead_s), fmtSeconds(r.launch_per_kernel_s), r.graphs, `${r.memory_share} of ${r.memory_basis}`, r.name]),
          ),
        );
      }
      return rows;
    }
    const rows = Object.values(lib.memory).map((m) => ({
      id: m.id,
      name: m.name,
      kind: m.kind,
      per_stack_bandwidth_bytes_per_s: m.perStackBandwidthBytePerS ?? null,
      per_stack_capacity_bytes: m.perStackCapacityBytes ?? null,
      pin_rate_bits_per_s: m.pinRateBitPerS ?? null,
      energy_j_per_bit: m.energyJPerBit ?? null,
    }));
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(
          ['id', 'kind', 'per stack', 'stack capacity', 'pin rate', 'energy', 'name'],
          rows.map((r) => [
            r.id,
            r.kind === 'stack' ? 'stack (COUNT = stacks)' : 'bus (COUNT = bus bits)',
            fmtBandwidth(r.per_stack_bandwidth_bytes_per_s),
            fmtGB(r.per_stack_capacity_bytes),
            r.pin_rate_bits_per_s ? `${Number((r.pin_rate_bits_per_s / 1e9).toPrecision(4))} Gbit/s` : '—',
            r.energy_j_per_bit ? `${Number((r.energy_j_per_bit * 1e12).toPrecision(3))} pJ/bit` : '—',
            r.name,
          ]),
        ),
      );
    }
    return rows;
  }
}
