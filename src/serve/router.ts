// Which replica a new request goes to. round-robin: in turn (vLLM's and SGLang's data-parallel default);
// least-loaded: the replica with the fewest requests waiting or running (SGLang's router "shortest queue"),
// the lower index on a tie.
import { UserError } from '../spec/errors.js';

export type RouterKind = 'round-robin' | 'least-loaded';
export const ROUTERS: RouterKind[] = ['round-robin', 'least-loaded'];

export function parseRouter(v: string | undefined): RouterKind {
  const s = (v ?? 'round-robin').toLowerCase();
  if (!(ROUTERS as string[]).includes(s)) throw new UserError(`--router "${v}": expected ${ROUTERS.join(' or ')}`);
  return s as RouterKind;
}

export class Router {
  private next = 0;
  constructor(readonly kind: RouterKind, readonly n: number) {}
  pick(load: (i: number) => number): number {
    if (this.n === 1) return 0;
    if (this.kind === 'round-robin') {
      const i = this.next;
      this.next = (this.next + 1) % this.n;
      return i;
    }
    let best = 0, bl = load(0);
    for (let i = 1; i < this.n; i++) {
      const l = load(i);
      if (l < bl) { best = i; bl = l; }
    }
    return best;
  }
}
