import { Args, Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { checkOutFile, writeFileAtomic } from '../../report/write.js';
import { BaseCommand } from '../../cli/base-command.js';
import { UserError } from '../../spec/errors.js';
import { hfConfigPath, hfToYaml, hfYamlModel, readHfConfig } from '../../spec/hf/load.js';
import { countParams } from '../../model/params.js';
import { grouped } from '../../report/format.js';

export default class ImportHf extends BaseCommand {
  static summary = 'Write a hwperf model spec (commented YAML, with its source) from a Hugging Face config.json, offline.';
  static description =
    'The file is recognised by its content (`architectures` or `model_type`), whatever its name; a folder holding config.json works too. ' +
    'Architectures: Llama, Mistral, Mixtral, Qwen2/Qwen3 (dense and MoE), DeepSeek-V2/V3 (MLA), gpt-oss, Gemma 2/3, Phi-3/4, Llama 4, Whisper. ' +
    "quantization_config becomes the model's `dtype:` (the default --dtype). Anything passing the same path to --model gets the same spec.";
  static examples = [
    '<%= config.bin %> import hf test/fixtures/hf/qwen3/config.json',
    '<%= config.bin %> import hf ~/models/Llama-3.1-8B --out models/mine/llama-3.1-8b.yaml',
  ];
  static args = { config: Args.string({ description: 'config.json, or a folder holding one', required: true }) };
  static flags = {
    out: Flags.string({ char: 'o', description: 'YAML file to write (default: print to stdout)' }),
    force: Flags.boolean({ description: 'overwrite an existing --out file' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(ImportHf);
    if (flags.out !== undefined) checkOutFile(flags.out, !!flags.force); // before any work: one `--out PATH: …` line
    const file = hfConfigPath(args.config);
    if (!file) throw new UserError(`${args.config}: no such file${existsSync(args.config) ? ' (a folder without config.json)' : ''}`);
    const c = readHfConfig(file); // read once, converted once
    if ('why' in c) throw new UserError(`${file}: ${c.why}`);
    const y = hfToYaml(c, file);
    const model = await hfYamlModel(y); // checks the spec as --model would load it
    const p = countParams(model);
    if (flags.out) {
      writeFileAtomic(checkOutFile(flags.out, !!flags.force), y.text);
    }
    if (!this.jsonEnabled()) {
      if (flags.out) this.log(`wrote ${flags.out}: ${y.id} (${y.spec.arch}), ${grouped(p.total)} parameters`);
      else process.stdout.write(y.text);
      for (const w of y.spec.warnings) process.stderr.write(`hwperf: warning: ${w}\n`);
    }
    return {
      id: y.id,
      architecture: y.spec.arch,
      family: model.family,
      dtype: model.dtype ?? null,
      params_total: p.total,
      params_active: p.active,
      out: flags.out ?? null,
      yaml: y.text,
      warnings: y.spec.warnings,
    };
  }
}
