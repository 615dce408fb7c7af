// calibrate: the fit must reduce the error on its own inputs and leave a valid spec that extends the original.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate, readBenchJson } from '../src/bench/calibrate.js';
import { parseTorch, type TorchBenchOutput } from '../src/bench/torch.js';
import { calibratedYaml } from '../src/commands/calibrate.js';
import { writeAtomic } from '../src/bench/run.js';
import { loadSpecFile } from '../src/spec/load.js';
import { sampleCc } from './fixtures/bench-sample.js';
import type { NormalizedHardware } from '../src/spec/types.js';

// A datasheet-style spec of the test CPU: nominal peaks above what is measured, default efficiencies.
const HOST_YAML = `id: test-cpu
name: Test CPU
vendor: amd
class: desktop
compute:
  vector: {fp64: 150 GFLOP/s, fp32: 300 GFLOP/s}
memory: {technology: ddr5, capacity: 24 GiB, bandwidth: 38.4 GB/s}
sources: ["test"]
`;
const GPU_YAML = `id: test-gpu
name: Test GPU
compute:
  matrix: {fp32: 67 TFLOP/s, bf16: 989 TFLOP/s, fp8: 1979 TFLOP/s}
  vector: {fp32: 67 TFLOP/s}
memory: {technology: hbm3, capacity: 80 GB, bandwidth: 3.35 TB/s}
interconnect:
  scale_up: {bandwidth: 450 GB/s, domain: 8}
sources: ["test"]
`;

async function load(file: string): Promise<NormalizedHardware> {
  const r = await loadSpecFile(file);
  expect(r.errors).toEqual([]);
  return r.value!.spec as NormalizedHardware;
}

describe('calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-cal-'));

  it('fits a CPU spec to cc measurements: error falls, the YAML extends the spec and loads', async () => {
    writeFileSync(join(dir, 'test-cpu.yaml'), HOST_YAML);
    const hw = await load(join(dir, 'test-cpu.yaml'));
    const bench = readBenchJson(JSON.parse(JSON.stringify(sampleCc())));
    const c = calibrate(bench, hw);
    expect(c.points.map((p) => p.kind)).toEqual(['memory', 'gemm', 'gemm', 'gemm', 'gemm']);
    expect(c.mean_abs_error_after).toBeLessThan(c.mean_abs_error_before);
    expect(c.mean_abs_error_after).toBeLessThan(0.05);
    expect(c.efficiency.memory).toBeCloseTo(2.7e10 / 38.4e9, 3);
    const out = join(dir, 'cal.yaml');
    writeAtomic(out, calibratedYaml(c, join(dir, 'test-cpu.yaml'), hw.name, out, 'bench.json'), false);
    expect(readFileSync(out, 'utf8')).toMatch(/^extends: \.\/test-cpu\.yaml$/m);
    const after = await load(out);
    expect(after.id).toBe('test-cpu-calibrated');
    expect(after.vectorFlopPerS.fp32).toBe(3e11); // inherited
    expect(after.efficiency.memory).toBe(c.efficiency.memory);
    // the reloaded spec prices the points as the fit did
    const again = calibrate(bench, after);
    expect(again.mean_abs_error_before).toBeCloseTo(c.mean_abs_error_after, 6);
    // never overwrite silently
    expect(() => writeAtomic(out, 'x', false)).toThrow(/--force/);
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });

  it('fits GEMM by dtype, attention and collectives from a torch result', async () => {
    writeFileSync(join(dir, 'test-gpu.yaml'), GPU_YAML);
    const hw = await load(join(dir, 'test-gpu.yaml'));
    const raw = JSON.parse(readFileSync(new URL('./fixtures/torch-bench.handmade.json', import.meta.url), 'utf8')) as TorchBenchOutput;
    const c = calibrate(parseTorch(raw, true, 1), hw);
    expect(c.mean_abs_error_after).toBeLessThan(c.mean_abs_error_before);
    const byDtype = c.efficiency.gemm_by_dtype as Record<string, { sizes: number[]; values: number[] }>;
    expect(Object.keys(byDtype).sort()).toEqual(['bf16', 'fp32', 'fp8']);
    const v = byDtype.bf16!.values;
    expect(v.every((x, i) => i === 0 || x >= v[i - 1]!)).toBe(true); // monotone in size
    // all-reduce of 64 MiB on 2 GPUs (ring: 2(n−1)/n = 1) over 450 GB/s, where the common size shape is 0.772:
    // ideal time 64 MiB / (450 GB/s × 0.772) = 193 µs against 190 µs measured → the large-message fraction caps at 1
    expect(c.efficiency.collective).toBeCloseTo(Math.min(1, 67108864 / (450e9 * 0.772) / 1.9e-4), 3);
    expect(c.efficiency.attention).toBeCloseTo(4.1e14 / 989e12, 3);
    const out = join(dir, 'gpu-cal.yaml');
    writeAtomic(out, calibratedYaml(c, join(dir, 'test-gpu.yaml'), hw.name, out, 'torch.json'), false);
    const after = await load(out);
    expect(after.efficiency.gemmByDtype?.bf16?.values).toEqual(v);
  });

  it('warns when the bench was run on another machine than the spec it calibrates', async () => {
    writeFileSync(join(dir, 'test-gpu.yaml'), GPU_YAML);
    const gpu = await load(join(dir, 'test-gpu.yaml'));
    const bench = readBenchJson(JSON.parse(JSON.stringify(sampleCc()))); // a CPU's 27 GB/s against 3.35 TB/s
    expect(calibrate(bench, gpu).warnings.join('\n')).toMatch(/triad is 0\.81% of test-gpu's bandwidth: was the bench run on test-gpu\?/);
    writeFileSync(join(dir, 'test-cpu.yaml'), HOST_YAML);
    expect(calibrate(bench, await load(join(dir, 'test-cpu.yaml'))).warnings.join('\n')).not.toMatch(/was the bench run on/);
  });

  it('rejects a file that is not a bench result', () => {
    expect(() => readBenchJson({ hello: 1 })).toThrow(/bench result/);
  });
});
