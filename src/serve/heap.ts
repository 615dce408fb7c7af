// A binary min-heap of (key, value) pairs on parallel arrays: the event queues of the simulation.
export class MinHeap<T> {
  private keys: number[] = [];
  private vals: T[] = [];
  get size(): number {
    return this.keys.length;
  }
  peekKey(): number {
    return this.keys.length ? this.keys[0]! : Infinity;
  }
  peek(): T | undefined {
    return this.vals[0];
  }
  push(k: number, v: T): void {
    const K = this.keys, V = this.vals;
    let i = K.length;
    K.push(k);
    V.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (K[p]! <= k) break;
      K[i] = K[p]!;
      V[i] = V[p]!;
      i = p;
    }
    K[i] = k;
    V[i] = v;
  }
  pop(): T | undefined {
    const K = this.keys, V = this.vals;
    if (K.length === 0) return undefined;
    const top = V[0];
    const k = K.pop()!, v = V.pop()!;
    const n = K.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && K[r]! < K[l]! ? r : l;
        if (K[c]! >= k) break;
        K[i] = K[c]!;
        V[i] = V[c]!;
        i = c;
      }
      K[i] = k;
      V[i] = v;
    }
    return top;
  }
}
