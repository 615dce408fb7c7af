#!/usr/bin/env node
// CommonJS (bin/package.json): Node runs a CommonJS main without starting its ES module loader, which an ES module
// main costs on every start (issue 15: start-up; docs/design.md "Start-up").
'use strict';
// oclif checks its own package's engines field with semver on every start (semver is ~30 CommonJS modules);
// hwperf's package.json states Node ≥ 20 and npm enforces it at install, so the check is skipped.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
// The command line bundled at build (scripts/bundle-cli.js): oclif and every command in one CommonJS file, run from
// V8's code cache. oclif's root is the package folder (above bin/, whose package.json only sets the module type).
require('../dist/app/index.cjs').execute({ dir: require('node:path').join(__dirname, '..') });
