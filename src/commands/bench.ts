import { checkOutFile } from '../report/write.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { chooseBackend, runBench, writeAtomic } from '../bench/run.js';
import { startProgress } from '../cli/progress.js';
import { profileYaml } from '../bench/profile.js';
import { fmtBandwidth, fmtBytes, fmtFlopRate, fmtNumber, fmtSeconds, renderTable } from '../report/format.js';
import type { BackendName, BenchResult } from '../bench/types.js';

export function renderBench(r: BenchResult): string {
  const rows: string[][] = [];
  rows.push(['memory bandwidth (STREAM triad, all cores)', fmtBandwidth(r.memory_bandwidth_bytes_per_s)]);
  for (const k of ['copy', 'scale', 'add'] as const) if (r.stream[k] != null && Number.isFinite(r.stream[k])) rows.push([`  STREAM ${k}`, fmtBandwidth(r.stream[k])]);
  for (const [d, v] of Object.entries(r.peak_flops_per_s)) rows.push([`peak ${d}`, fmtFlopRate(v)]);
  for (const g of r.gemm) rows.push([`GEMM ${g.dtype} ${g.m}×${g.n}×${g.k}`, fmtFlopRate(g.flops_per_s)]);
  for (const c of r.caches) rows.push([`L${c.level} cache ${fmtBytes(c.bytes)}`, fmtBandwidth(c.bandwidth_bytes_per_s)]);
  for (const a of r.attention ?? []) rows.push([`attention ${a.dtype} seq ${a.seq}`, fmtFlopRate(a.flops_per_s)]);
  for (const a of r.allreduce ?? []) rows.push([`all-reduce ${fmtBytes(a.bytes)} × ${a.devices} (busbw)`, fmtBandwidth(a.bus_bandwidth_bytes_per_s)]);
  if (r.spread && (r.repeats ?? 1) > 1) {
    const s = r.spread.memory_bandwidth_bytes_per_s;
    rows.push([`  triad over ${r.repeats} runs (min / median / max)`, `${fmtBandwidth(s.min)} / ${fmtBandwidth(s.median)} / ${fmtBandwidth(s.max)}`]);
    for (const [d, x] of Object.entries(r.spread.peak_flops_per_s)) rows.push([`  peak ${d} over ${r.repeats} runs (min / median / max)`, `${fmtFlopRate(x.min)} / ${fmtFlopRate(x.median)} / ${fmtFlopRate(x.max)}`]);
  }
  const roof = r.roofline.map((p) => `${fmtNumber(p.intensity)} FLOP/B: ${fmtFlopRate(p.flops_per_s)}`).join(', ');
  return [
    `${r.device} — backend ${r.backend}, ${r.threads} threads${r.quick ? ', quick' : ''}, ${fmtSeconds(r.seconds)}`,
    renderTable(['measurement', 'value'], rows),
    roof ? `empirical roofline: ${roof}` : '',
    ...r.notes.map((n) => `note: ${n}`),
    ...(r.warnings ?? []).map((w) => `warning: ${w}`),
  ]
    .filter(Boolean)
    .join('\n');
}

export default class Bench extends BaseCommand {
  static summary = 'Measure this machine: memory bandwidth (STREAM), caches, peak FLOP/s, GEMM and the empirical roofline.';
  static description = 'Backends: torch (python3 with PyTorch: the GPU/NPU it sees), cc (C kernels compiled with -O3 -march=native -fopenmp), node (always). The default is the first available.';
  static examples = [
    '<%= config.bin %> bench --quick',
    '<%= config.bin %> bench --quick --out host.yaml --json > bench.json && <%= config.bin %> calibrate bench.json --hardware host.yaml --out host-calibrated.yaml',
    '<%= config.bin %> bench --backend cc --json > bench.json',
    '<%= config.bin %> bench --out host.yaml && <%= config.bin %> simulate --model gpt2 --hardware host.yaml',
    '<%= config.bin %> bench --check',
  ];
  static flags = {
    backend: Flags.string({ description: 'node | cc | torch (default: the first available of torch, cc, node)', options: ['node', 'cc', 'torch'] }),
    quick: Flags.boolean({ description: 'fewer, shorter runs (≤ 30 s each): for CI and first looks' }),
    repeats: Flags.integer({ description: 'whole runs; headline numbers are their median, with min and max (default 3)', default: 3, min: 1 }),
    out: Flags.string({ char: 'o', description: 'write a hardware spec (YAML) of this machine' }),
    force: Flags.boolean({ description: 'overwrite --out if it exists' }),
    check: Flags.boolean({ description: 'also predict GEMM, triad and a transformer layer from the measured profile and compare with measured times (cc)' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Bench);
    if (flags.out !== undefined) checkOutFile(flags.out, !!flags.force); // before minutes of benchmarks
    const backend = (flags.backend as BackendName | undefined) ?? (await chooseBackend());
    const bar = startProgress({ label: 'bench', total: 100, json: this.jsonEnabled(), delayMs: 0 });
    let result: BenchResult & { check?: unknown };
    try {
      result = await runBench(backend, { quick: flags.quick, repeats: flags.repeats, onProgress: (f, label) => bar.update(Math.round(f * 100), 100, label) });
    } finally {
      bar.done();
    }
    if (flags.check) {
      const { realityCheck, renderCheck } = await import('../bench/check.js');
      const check = await realityCheck(result);
      result = { ...result, check };
      if (!this.jsonEnabled()) this.log(renderCheck(check));
    }
    if (flags.out) writeAtomic(flags.out, profileYaml(result), flags.force);
    if (!this.jsonEnabled()) {
      this.log(renderBench(result));
      if (flags.out) this.log(`wrote ${flags.out}`);
    }
    return result;
  }
}
