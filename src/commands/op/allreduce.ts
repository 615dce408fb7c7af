import { bytesFlag } from '../../cli/parse.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveHardware } from '../../spec/library.js';
import { opAllreduce } from '../../sim/ops.js';
import { renderOp } from '../../report/op-text.js';

export default class OpAllreduce extends BaseCommand {
  static summary = 'Cost an all-reduce of --bytes over --devices (the collective model simulate uses).';
  static examples = ['<%= config.bin %> op allreduce --bytes 8000000000 --devices 8 --hardware h100-sxm'];
  static flags = {
    bytes: Flags.string({ description: 'buffer size, e.g. 8e9, 64MB or 256MiB', required: true }),
    devices: Flags.integer({ description: 'devices in the all-reduce', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(OpAllreduce);
    const r = opAllreduce(await resolveHardware(flags.hardware), bytesFlag('--bytes', flags.bytes), flags.devices);
    if (!this.jsonEnabled()) this.log(renderOp(r));
    return r;
  }
}

