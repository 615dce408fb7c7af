#!/usr/bin/env node
// oclif checks its own package's engines field with semver on every start (semver is ~30 CommonJS modules);
// hwperf's package.json states Node ≥ 20 and npm enforces it at install, so the check is skipped (issue 15).
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
// oclif bundled into one file at build (scripts/bundle-oclif.js): the same copy the compiled commands import.
const { execute } = await import('../dist/vendor/oclif-core.js');

await execute({ dir: import.meta.url });
