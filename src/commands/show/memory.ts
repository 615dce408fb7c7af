import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveMemory } from '../../spec/library.js';
import { fmtBandwidth, fmtGB, renderTable } from '../../report/format.js';

export default class ShowMemory extends BaseCommand {
  static summary = 'Show a memory technology: per-stack or per-bit-of-bus rate, capacity, energy per bit.';
  static examples = ['<%= config.bin %> show memory hbm3e', '<%= config.bin %> show memory lpddr5x --json'];
  static args = { memory: Args.string({ description: 'memory technology id (hbm3e, lpddr5x, gddr7, …)', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(ShowMemory);
    const m = await resolveMemory(args.memory);
    const perBit = m.pinRateBitPerS ? m.pinRateBitPerS / 8 : null;
    const result = {
      id: m.id,
      name: m.name,
      kind: m.kind,
      count_means: m.kind === 'stack' ? 'stacks' : 'bus width in bits',
      per_stack_bandwidth_bytes_per_s: m.perStackBandwidthBytePerS ?? null,
      per_stack_capacity_bytes: m.perStackCapacityBytes ?? null,
      pin_rate_bits_per_s: m.pinRateBitPerS ?? null,
      bandwidth_per_bus_bit_bytes_per_s: perBit,
      capacity_per_channel_bytes: m.capacityPerChannelBytes ?? null,
      channel_width_bits: m.channelWidthBits ?? null,
      energy_j_per_bit: m.energyJPerBit ?? null,
      sources: m.sources,
    };
    if (!this.jsonEnabled()) {
      this.log(`${m.name} (${m.id}) — ${result.count_means} per COUNT in --memory ${m.id}:COUNT`);
      const rows: [string, string][] = [];
      if (m.perStackBandwidthBytePerS) rows.push(['bandwidth per stack', fmtBandwidth(m.perStackBandwidthBytePerS)]);
      if (m.perStackCapacityBytes) rows.push(['capacity per stack', fmtGB(m.perStackCapacityBytes)]);
      if (m.pinRateBitPerS) rows.push(['pin rate', `${Number((m.pinRateBitPerS / 1e9).toPrecision(4))} Gbit/s`]);
      if (perBit && m.kind === 'bus') rows.push(['bandwidth per 64 bits of bus', fmtBandwidth(perBit * 64)]);
      if (m.capacityPerChannelBytes) rows.push([`capacity per ${m.channelWidthBits ?? 16}-bit channel`, fmtGB(m.capacityPerChannelBytes)]);
      rows.push(['energy', m.energyJPerBit ? `${Number((m.energyJPerBit * 1e12).toPrecision(3))} pJ/bit` : 'not known']);
      this.log(renderTable(['field', 'value'], rows));
      this.log(`sources:\n${m.sources.map((s) => `  - ${s}`).join('\n')}`);
    }
    return result;
  }
}
