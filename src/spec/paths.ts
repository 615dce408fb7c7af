// Where the package's own folders are, from the compiled module's location (dist/spec/paths.js).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readdirSync, statSync } from 'node:fs';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HARDWARE_DIR = join(PACKAGE_ROOT, 'hardware');
export const MODELS_DIR = join(PACKAGE_ROOT, 'models');
export const RUNTIMES_DIR = join(PACKAGE_ROOT, 'runtimes');
export const COMPILED_LIBRARY = join(PACKAGE_ROOT, 'dist', 'library.json');

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
