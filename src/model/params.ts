// TEMPORARY STUB (the lead's placeholder until the parameter-counting module lands; overwrite freely).
import type { NormalizedModel } from '../spec/types.js';
export function countParams(_m: NormalizedModel, _all?: (id: string) => NormalizedModel) {
  return { total: 0, active: 0, embedding: 0, breakdown: {} as Record<string, number> };
}
export function forwardFlops(_m: NormalizedModel, _all?: (id: string) => NormalizedModel): number | null {
  return null;
}
