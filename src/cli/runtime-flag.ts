// --runtime, shared by every command that prices a model on hardware.
import { Flags } from '@oclif/core';

export const runtimeFlag = Flags.string({
  description: 'runtime id or YAML file (hwperf list runtimes); default: by hardware class and model family (docs/runtimes.md)',
});
