// Where the package's own folders are. The root is the nearest folder above this module that holds a
// package.json: the same answer from src/spec/paths.ts (tests), dist/spec/paths.js (the library API) and a
// bundled chunk under dist/app/ (the command line, scripts/bundle-cli.js), wherever the package is installed.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';

function packageRoot(from: string): string {
  for (let d = from; ; ) {
    if (existsSync(join(d, 'package.json'))) return d;
    const up = dirname(d);
    if (up === d) return join(from, '..', '..'); // not inside a package: the layout of dist/spec/paths.js
    d = up;
  }
}

export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
export const DIST_DIR = join(PACKAGE_ROOT, 'dist');
export const HARDWARE_DIR = join(PACKAGE_ROOT, 'hardware');
export const MODELS_DIR = join(PACKAGE_ROOT, 'models');
export const RUNTIMES_DIR = join(PACKAGE_ROOT, 'runtimes');
export const COMPILED_LIBRARY = join(DIST_DIR, 'library.json');
export const VALIDATION_CSV = join(PACKAGE_ROOT, 'validation', 'public-measurements.csv');

export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

let libraryFiles: Map<string, string> | undefined;
// library id → file, for `extends:` by id (ids are file names).
export function libraryFileIndex(): Map<string, string> {
  if (libraryFiles) return libraryFiles;
  libraryFiles = new Map();
  for (const f of [...yamlFilesUnder(HARDWARE_DIR), ...yamlFilesUnder(MODELS_DIR), ...yamlFilesUnder(RUNTIMES_DIR)]) {
    const id = f.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    libraryFiles.set(id, f);
  }
  return libraryFiles;
}
