// --dtype, shared by the commands that price inference; the schemes listed are QUANT_SCHEMES, the one list.
import { Flags } from '@oclif/core';
import { QUANT_SCHEMES } from '../model/quant.js';

const schemes = `quantization scheme: ${QUANT_SCHEMES.join(' ')}`;

/** simulate, size: absent means bf16, or the precision the model ships in. */
export const dtypeFlag = Flags.string({ description: `${schemes} (default bf16, or the precision the model ships in)` });

/** serve, plan: bf16 unless given. */
export const dtypeFlagBf16 = Flags.string({ description: schemes, default: 'bf16' });
