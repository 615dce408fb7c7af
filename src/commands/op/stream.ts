import { bytesFlag } from '../../cli/parse.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveHardware } from '../../spec/library.js';
import { opStream } from '../../sim/ops.js';
import { renderOp } from '../../report/op-text.js';

export default class OpStream extends BaseCommand {
  static summary = 'Cost a STREAM-triad pass moving --bytes through device memory (the bandwidth simulate uses).';
  static examples = ['<%= config.bin %> op stream --bytes 8000000000 --hardware h100-sxm'];
  static flags = {
    bytes: Flags.string({ description: 'bytes moved (reads + writes), e.g. 8e9, 8GB or 256MiB', required: true }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(OpStream);
    const r = opStream(await resolveHardware(flags.hardware), bytesFlag('--bytes', flags.bytes));
    if (!this.jsonEnabled()) this.log(renderOp(r));
    return r;
  }
}

