// TEMPORARY STUB (replaced by the what-if module): --memory TECH:COUNT and --set PATH=VALUE.
import type { NormalizedHardware } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
export async function applyWhatIfs(hw: NormalizedHardware, memory?: string, set?: string[]): Promise<NormalizedHardware> {
  if (memory || (set && set.length)) throw new UserError('--memory and --set are not implemented yet');
  return hw;
}
