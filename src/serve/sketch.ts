// Percentiles whose memory does not grow with the request count: exact while there are few samples, then a
// log-bucketed histogram with relative accuracy α (DDSketch, Masson, Rim & Lee, VLDB 2019): a value x falls in
// bucket ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and a bucket answers with 2γ^i/(γ + 1), within α of every value
// in it. With α = 0.5% over 1 ns … 1e6 s that is a fixed array of ≈ 3,500 counts. Samples carry a weight
// (an inter-token latency sample stands for every token of a decode step). Exact mode interpolates linearly
// between order statistics (numpy's default, what vLLM's benchmark reports).

const EXACT_MAX = 4096;
const ALPHA = 0.005;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 1e-9;
const OFFSET = Math.ceil(Math.log(MIN_VALUE) / LN_GAMMA);
const BUCKETS = Math.ceil(Math.log(1e6) / LN_GAMMA) - OFFSET + 2;

export interface Summary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class QuantileSketch {
  private values: number[] = [];
  private weights: number[] = [];
  private unweighted = true;
  private buckets: Float64Array | null = null;
  private zeros = 0; // weight of values below MIN_VALUE
  count = 0; // total weight
  sum = 0;
  max = 0;

  add(x: number, w = 1): void {
    if (!(w > 0)) return;
    this.count += w;
    this.sum += x * w;
    if (x > this.max) this.max = x;
    if (!this.buckets) {
      this.values.push(x);
      this.weights.push(w);
      if (w !== 1) this.unweighted = false;
      if (this.values.length <= EXACT_MAX) return;
      this.buckets = new Float64Array(BUCKETS);
      for (let i = 0; i < this.values.length; i++) this.bin(this.values[i]!, this.weights[i]!);
      this.values = [];
      this.weights = [];
      return;
    }
    this.bin(x, w);
  }

  private bin(x: number, w: number): void {
    if (x < MIN_VALUE) {
      this.zeros += w;
      return;
    }
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log(x) / LN_GAMMA) - OFFSET));
    this.buckets![i]! += w;
  }

  /** q in [0, 1] */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (!this.buckets) {
      const idx = this.values.map((_, i) => i).sort((a, b) => this.values[a]! - this.values[b]!);
      if (this.unweighted) {
        const pos = q * (idx.length - 1);
        const lo = Math.floor(pos), hi = Math.min(idx.length - 1, lo + 1);
        const a = this.values[idx[lo]!]!, b = this.values[idx[hi]!]!;
        return a + (b - a) * (pos - lo);
      }
      const target = q * this.count;
      let acc = 0;
      for (const i of idx) {
        acc += this.weights[i]!;
        if (acc >= target) return this.values[i]!;
      }
      return this.max;
    }
    const target = q * this.count;
    let acc = this.zeros;
    if (acc >= target && this.zeros > 0) return 0;
    for (let i = 0; i < BUCKETS; i++) {
      acc += this.buckets[i]!;
      if (acc >= target && this.buckets[i]! > 0) return Math.min(this.max, (2 * Math.pow(GAMMA, i + OFFSET)) / (GAMMA + 1));
    }
    return this.max;
  }

  summary(): Summary {
    return {
      mean: this.count > 0 ? this.sum / this.count : 0,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.max,
    };
  }
}
