#!/usr/bin/env node
// oclif checks its own package's engines field with semver on every start (semver is ~30 CommonJS modules);
// hwperf's package.json states Node ≥ 20 and npm enforces it at install, so the check is skipped (issue 15).
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
// The command line bundled at build (scripts/bundle-cli.js): oclif and every command in one CommonJS file, run from
// V8's code cache; required rather than imported (docs/design.md "Start-up").
const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));
const { execute } = createRequire(import.meta.url)('../dist/app/index.cjs');

await execute({ dir: import.meta.url });
