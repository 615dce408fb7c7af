import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { formatIssue, type SpecIssue } from '../spec/errors.js';

export default class Validate extends BaseCommand {
  static summary = 'Check spec files (models, hardware, memory technologies) and report every problem.';
  static description = 'Exit 0 when every file is valid; otherwise one line per problem: file:line:col, field path, message, suggestion.';
  static strict = false;
  static examples = ['<%= config.bin %> validate my-gpu.yaml', '<%= config.bin %> validate models/**/*.yaml'];
  static args = { files: Args.string({ description: 'spec files', required: true }) };

  async run(): Promise<unknown> {
    const { argv } = await this.parse(Validate);
    const { loadSpecFile } = await import('../spec/load.js');
    const results: { file: string; valid: boolean; kind?: string; id?: string; errors: SpecIssue[]; warnings: SpecIssue[] }[] = [];
    for (const file of argv as string[]) {
      const r = await loadSpecFile(file);
      results.push({ file, valid: r.errors.length === 0, kind: r.value?.kind, id: r.value?.spec.id, errors: r.errors, warnings: r.warnings });
    }
    const problems = results.flatMap((r) => r.errors);
    if (!this.jsonEnabled()) {
      for (const r of results) {
        for (const w of r.warnings) this.logToStderr(`warning: ${formatIssue(w)}`);
        if (r.valid) this.log(`${r.file}: valid ${r.kind} spec "${r.id}"`);
        else for (const e of r.errors) this.logToStderr(formatIssue(e));
      }
    }
    if (problems.length) {
      process.exitCode = 1;
      if (this.jsonEnabled()) this.error(problems.map(formatIssue).join('\n'), { exit: 1 });
      this.exit(1);
    }
    return { files: results };
  }
}
