// The runner's entry (bin/run.js imports its bundle, dist/app/run.js): oclif's execute from the same bundled
// copy of oclif that the bundled commands extend.
export { execute } from '@oclif/core';
