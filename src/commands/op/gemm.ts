import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveHardware } from '../../spec/library.js';
import { checkDtype, opGemm } from '../../sim/ops.js';
import { renderOp } from '../../report/op-text.js';

export default class OpGemm extends BaseCommand {
  static summary = 'Cost one GEMM C[m,n] = A[m,k]·B[k,n] on an accelerator (the roofline simulate uses).';
  static examples = ['<%= config.bin %> op gemm --m 8192 --n 8192 --k 8192 --dtype fp8 --hardware h100-sxm'];
  static flags = {
    m: Flags.integer({ description: 'rows of A and C', required: true }),
    n: Flags.integer({ description: 'columns of B and C', required: true }),
    k: Flags.integer({ description: 'inner dimension', required: true }),
    dtype: Flags.string({ description: 'dtype of the inputs (bf16, fp16, fp8, int8, fp4, …)', default: 'bf16' }),
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(OpGemm);
    const r = opGemm(await resolveHardware(flags.hardware), flags.m, flags.n, flags.k, checkDtype(flags.dtype));
    if (!this.jsonEnabled()) this.log(renderOp(r));
    return r;
  }
}
