import { readSpecFile } from '../spec/safe-read.js';
import { checkOutFile } from '../report/write.js';
import { Args, Flags } from '@oclif/core';
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { BaseCommand } from '../cli/base-command.js';
import { looksLikePath, resolveHardware } from '../spec/library.js';
import { UserError } from '../spec/errors.js';
import { calibrate, readBenchJson, type CalibrationResult } from '../bench/calibrate.js';
import { writeAtomic } from '../bench/run.js';
import { fmtPercent, fmtSeconds, renderTable } from '../report/format.js';

// The YAML that `extends:` the calibrated hardware and overrides only `efficiency:`.
export function calibratedYaml(c: CalibrationResult, hardwareRef: string, name: string, outFile: string, benchFile: string): string {
  const ext = looksLikePath(hardwareRef) ? relative(dirname(resolve(outFile)), resolve(hardwareRef)) || hardwareRef : hardwareRef;
  const doc = {
    extends: looksLikePath(hardwareRef) && !/[\\/]/.test(ext) ? `./${ext}` : ext,
    id: `${c.hardware}-calibrated`,
    name: `${name} (calibrated)`,
    efficiency: c.efficiency,
    sources: [`hwperf calibrate ${benchFile} --hardware ${hardwareRef}, ${new Date().toISOString().slice(0, 10)} (measured)`],
  };
  return `# Efficiency fitted by hwperf calibrate; everything else comes from ${hardwareRef}.\n${stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 })}`;
}

export function renderCalibration(c: CalibrationResult): string {
  const rows = c.points.map((p) => [p.what, fmtSeconds(p.measured_s), fmtSeconds(p.predicted_before_s), fmtPercent(p.error_before), fmtSeconds(p.predicted_after_s), fmtPercent(p.error_after)]);
  return [
    renderTable(['point', 'measured', 'before', 'error', 'after', 'error'], rows),
    `mean |error|: ${fmtPercent(c.mean_abs_error_before)} before, ${fmtPercent(c.mean_abs_error_after)} after`,
    ...c.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export default class Calibrate extends BaseCommand {
  static summary = 'Fit a hardware spec\'s efficiency tables to `hwperf bench --json` results; show predicted vs measured.';
  static examples = [
    '<%= config.bin %> bench --json > bench.json && <%= config.bin %> calibrate bench.json --hardware host.yaml --out host-calibrated.yaml',
    '<%= config.bin %> calibrate h100-bench.json --hardware h100-sxm --out h100-calibrated.yaml',
  ];
  static args = { bench: Args.string({ description: 'bench result (JSON from `hwperf bench --json`)', required: true }) };
  static flags = {
    hardware: Flags.string({ char: 'H', description: 'hardware id or YAML file to calibrate', required: true }),
    out: Flags.string({ char: 'o', description: 'write a YAML that extends the hardware and overrides efficiency' }),
    force: Flags.boolean({ description: 'overwrite --out if it exists' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Calibrate);
    if (flags.out !== undefined) checkOutFile(flags.out, !!flags.force);
    const read = readSpecFile(args.bench, 'bench result');
    if ('error' in read) throw new UserError(`${args.bench}: ${read.error}`);
    let data: unknown;
    try {
      data = JSON.parse(read.text);
    } catch {
      throw new UserError(`${args.bench}: not a JSON file (the output of \`hwperf bench --json\`)`); // its content is not quoted back
    }
    const bench = readBenchJson(data);
    const hw = await resolveHardware(flags.hardware);
    const c = calibrate(bench, hw);
    if (flags.out) writeAtomic(flags.out, calibratedYaml(c, flags.hardware, hw.name, flags.out, args.bench), flags.force);
    if (!this.jsonEnabled()) {
      this.log(renderCalibration(c));
      if (flags.out) this.log(`wrote ${flags.out}`);
    }
    return { ...c, out: flags.out ?? null };
  }
}
