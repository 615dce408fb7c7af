// Library models for the tests, through the real spec layer: the compiled library (npm run build, which
// `npm test` runs first, loads every YAML with src/spec/load.ts) — no second loader to keep in step.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlFilesUnder } from '../../src/spec/paths.js';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');

/** model id (file name) → file path, every YAML under models/ */
export function listModelFiles(dir = MODELS_DIR): Map<string, string> {
  return new Map(yamlFilesUnder(dir).map((f) => [f.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, ''), f]));
}

// a library model, normalized (defaults filled, expressions evaluated)
export { libraryModel } from '../../src/spec/library.js';
