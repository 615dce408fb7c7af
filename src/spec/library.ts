// The library of models, hardware and memory technologies. Library specs are compiled to SI JSON at build
// time (scripts/compile-library.js → dist/library.json) so that commands on library ids start fast;
// a user's own file (a path) goes through loadSpecFile, which loads mathjs lazily.
import { readFileSync, existsSync } from 'node:fs';
import { COMPILED_LIBRARY } from './paths.js';
import { UserError, didYouMean, own } from './errors.js';
import type { MemoryTechnology, NormalizedHardware, NormalizedModel, NormalizedRuntime } from './types.js';

export interface CompiledLibrary {
  models: Record<string, NormalizedModel>;
  hardware: Record<string, NormalizedHardware>;
  memory: Record<string, MemoryTechnology>;
  runtimes: Record<string, NormalizedRuntime>;
}

let library: CompiledLibrary | undefined;

export function getLibrary(): CompiledLibrary {
  if (library) return library;
  if (!existsSync(COMPILED_LIBRARY)) {
    throw new UserError(`the compiled library ${COMPILED_LIBRARY} is missing (run \`npm run build\`)`);
  }
  library = parseLibrary(readFileSync(COMPILED_LIBRARY, 'utf8'));
  // ids typed by users index these maps: no prototype, so `constructor` or `__proto__` is just an unknown id
  for (const k of ['models', 'hardware', 'memory'] as const) Object.setPrototypeOf(library[k], null);
  return library;
}

/**
 * dist/library.json as compiled (scripts/compile-library.js: one entry per line), each entry parsed when first read:
 * a command on a model and a hardware id parses those two (start-up, issue 15), `Object.values` parses all. An
 * entry is an enumerable own property like any other (keys, order, `Object.hasOwn`, assignment, JSON.stringify);
 * a file in any other layout is parsed whole.
 */
export function parseLibrary(text: string): CompiledLibrary {
  const lines = text.split('\n');
  if (lines[0] !== '{') return JSON.parse(text) as CompiledLibrary;
  const lib: Record<string, Record<string, unknown>> = {};
  let section: Record<string, unknown> | undefined;
  for (const line of lines.slice(1)) {
    const head = /^"(\w+)":\{$/.exec(line);
    if (head) lib[head[1]!] = section = {};
    else if (line === '}' || line === '},' || line === '') section = undefined;
    else if (section) lazyEntry(section, line.endsWith(',') ? line.slice(0, -1) : line);
    else return JSON.parse(text) as CompiledLibrary; // not the compiled layout
  }
  return lib as unknown as CompiledLibrary;
}

function lazyEntry(rec: Record<string, unknown>, entry: string): void {
  const colon = entry.indexOf('":') + 1; // ids are file names: no quote or backslash inside the key
  const id = JSON.parse(entry.slice(0, colon)) as string;
  const set = (value: unknown) => Object.defineProperty(rec, id, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(rec, id, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value: unknown = JSON.parse(entry.slice(colon + 1));
      set(value);
      return value;
    },
    set,
  });
}

export function looksLikePath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
}

async function loadUserFile<K extends 'model' | 'hardware' | 'memory' | 'runtime'>(ref: string, kind: K) {
  if (!existsSync(ref)) throw new UserError(`${ref}: no such file`);
  const { loadSpecFile } = await import('./load.js');
  const r = await loadSpecFile(ref);
  if (r.errors.length || !r.value) throw UserError.fromIssues(r.errors);
  if (r.value.kind !== kind) throw new UserError(`${ref}: is a ${r.value.kind} spec, expected a ${kind} spec`);
  return r.value.spec;
}

export async function resolveModel(ref: string): Promise<NormalizedModel> {
  const lib = getLibrary();
  const m = own(lib.models, ref);
  if (m) return m;
  if (looksLikePath(ref) || existsSync(ref)) {
    // a Hugging Face config.json (or a folder holding one), recognised by its content, else a YAML spec
    const { loadHfModel } = await import('./hf/load.js');
    const hf = await loadHfModel(ref);
    if (hf) return hf;
    return (await loadUserFile(ref, 'model')) as NormalizedModel;
  }
  throw new UserError(`unknown model "${ref}"${suggest(ref, Object.keys(lib.models), 'models')}`);
}

export async function resolveHardware(ref: string): Promise<NormalizedHardware> {
  if (looksLikePath(ref)) return (await loadUserFile(ref, 'hardware')) as NormalizedHardware;
  const lib = getLibrary();
  const h = own(lib.hardware, ref);
  if (h) return h;
  throw new UserError(`unknown hardware "${ref}"${suggest(ref, Object.keys(lib.hardware), 'hardware')}`);
}

export async function resolveMemory(ref: string): Promise<MemoryTechnology> {
  if (looksLikePath(ref)) return (await loadUserFile(ref, 'memory')) as MemoryTechnology;
  const lib = getLibrary();
  const m = own(lib.memory, ref);
  if (m) return m;
  throw new UserError(`unknown memory technology "${ref}"${suggest(ref, Object.keys(lib.memory), 'memory')}`);
}

export async function resolveRuntimeSpec(ref: string): Promise<NormalizedRuntime> {
  if (looksLikePath(ref)) return (await loadUserFile(ref, 'runtime')) as NormalizedRuntime;
  return libraryRuntime(ref);
}

/** a library runtime by id (synchronous: engines pick the default runtime of a request without I/O) */
/** a library runtime by id, any case; undefined when the id names none (a file path, say) */
export function findLibraryRuntime(id: string): NormalizedRuntime | undefined {
  return own(getLibrary().runtimes ?? {}, id.toLowerCase());
}

export function libraryRuntime(id: string): NormalizedRuntime {
  const lib = getLibrary();
  const r = own(lib.runtimes ?? {}, id);
  if (r) return r;
  throw new UserError(`unknown runtime "${id}"${suggest(id, Object.keys(lib.runtimes ?? {}), 'runtimes')}`);
}

// Synchronous library lookup for engines that resolve sub-models (pipelines) by id.
export function libraryModel(id: string): NormalizedModel {
  const m = own(getLibrary().models, id);
  if (!m) throw new UserError(`unknown model "${id}"${suggest(id, Object.keys(getLibrary().models), 'models')}`);
  return m;
}

function suggest(ref: string, ids: string[], kind: 'models' | 'hardware' | 'memory' | 'runtimes'): string {
  const s = didYouMean(ref, ids);
  return s ? `: ${s}` : ` (see \`hwperf list ${kind}\`)`;
}
