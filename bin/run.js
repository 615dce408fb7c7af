#!/usr/bin/env node
// oclif checks its own package's engines field with semver on every start (semver is ~30 CommonJS modules);
// hwperf's package.json states Node ≥ 20 and npm enforces it at install, so the check is skipped (issue 15).
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
// The command line bundled at build (scripts/bundle-cli.js): the runner and the commands share one copy of oclif.
const { execute } = await import('../dist/app/run.js');

await execute({ dir: import.meta.url });
