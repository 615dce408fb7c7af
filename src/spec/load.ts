// loadSpec: YAML file ──parse──▶ raw ──extends──▶ merged ──schema──▶ ──normalize (units, expressions)──▶
// ──rules──▶ Normalized*. Returns {value, warnings, errors}; never prints or exits.
import { resolve, dirname, relative } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isPrototypeKey, parseYaml, type SourceDoc } from './yaml-doc.js';
import { didYouMean, type LoadResult, type SpecIssue } from './errors.js';
import { libraryFileIndex } from './paths.js';
import { checkExtendsPath, readSpecFile, treeRoots } from './safe-read.js';
import { ID_PATTERN, hardwareSchema, memorySchema, modelSchemas, runtimeSchema } from './schemas.js';
import type { MemoryTechnology, NormalizedHardware, NormalizedModel, NormalizedRuntime } from './types.js';

export type SpecKind = 'hardware' | 'model' | 'memory' | 'runtime';
export type LoadedSpec =
  | { kind: 'hardware'; spec: NormalizedHardware }
  | { kind: 'model'; spec: NormalizedModel }
  | { kind: 'memory'; spec: MemoryTechnology }
  | { kind: 'runtime'; spec: NormalizedRuntime };

// The chain of documents a spec was merged from, child first: used to point at the right line.
export interface SpecContext {
  file: string; // display name of the file being loaded
  docs: SourceDoc[];
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

// Where a problem is reported: the most-derived file that sets the field (or, for a rule over several fields,
// any of `related`). A problem that lies only in a library file the user extends is reported at the user's
// `extends:` line (their file caused it), naming the library line it came from.
export function issueAt(
  ctx: SpecContext,
  path: (string | number)[],
  message: string,
  suggestion?: string,
  related: (string | number)[][] = [],
): SpecIssue {
  const userDocs = ctx.docs.filter((d) => !d.library);
  for (const d of ctx.docs) {
    for (const p of [path, ...related]) {
      const pos = d.locate(p);
      if (!pos || !(p.length === 0 || hasPath(d.data, p))) continue;
      if (d.library && userDocs.length) {
        const u = userDocs[userDocs.length - 1]!;
        const at = u.locate(['extends']) ?? { line: 1, col: 1 };
        return { file: u.file, line: at.line, col: at.col, path: p.join('.'), message: `${message} (inherited from ${d.file}:${pos.line})`, suggestion };
      }
      return { file: d.file, line: pos.line, col: pos.col, path: p.join('.'), message, suggestion };
    }
  }
  const d = userDocs[0] ?? ctx.docs[0];
  const pos = d?.locate(path);
  return { file: d?.file ?? ctx.file, line: pos?.line, col: pos?.col, path: path.join('.'), message, suggestion };
}

function hasPath(data: unknown, path: (string | number)[]): boolean {
  let cur: any = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !(p in cur)) return false;
    cur = cur[p];
  }
  return true;
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Objects merge key by key; lists and scalars replace.
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (isPrototypeKey(k)) continue; // rejected when parsed; never merged
    out[k] = Object.hasOwn(base, k) ? deepMerge(base[k], v) : v;
  }
  return out;
}

// Read a file and resolve its `extends:` chain (library id, or a relative path inside the spec tree; see
// safe-read.ts). `roots` are the real folders the tree may read; library files may extend only library ids.
export function readWithExtends(
  file: string,
  ctx: SpecContext,
  seen: string[] = [],
  roots: string[] = treeRoots(file),
  library = false,
): Record<string, unknown> | undefined {
  const abs = resolve(file);
  const name = displayName(abs);
  const top = seen.length === 0;
  const read = readSpecFile(abs);
  if ('error' in read) {
    ctx.errors.push({ file: name, path: '', message: read.error, suggestion: read.suggestion });
    return undefined;
  }
  const { doc, errors } = parseYaml(read.text, name);
  if (!doc) {
    // an extended file that is not YAML is not quoted back: its content may be anything
    if (top) ctx.errors.push(...errors);
    else ctx.errors.push({ ...errors[0]!, message: 'is not a valid spec file (not YAML)', suggestion: undefined });
    return undefined;
  }
  doc.library = library;
  ctx.docs.push(doc);
  if (!isPlainObject(doc.data)) {
    ctx.errors.push({ file: name, line: 1, col: 1, path: '', message: top ? 'expected a mapping of fields (key: value) at the top level' : 'is not a valid spec file (not a mapping of fields)' });
    return undefined;
  }
  const data = doc.data;
  const ext = data.extends;
  if (ext === undefined) return data;
  if (typeof ext !== 'string' || ext === '') {
    ctx.errors.push(issueAtDoc(doc, ['extends'], 'must be a library id or a relative path'));
    return undefined;
  }
  let parentFile: string | undefined;
  let parentIsLibrary = false;
  const index = libraryFileIndex();
  if (!looksLikeFile(ext) && index.has(ext)) {
    parentFile = index.get(ext);
    parentIsLibrary = true;
  } else if (library) {
    ctx.errors.push(issueAtDoc(doc, ['extends'], `"${ext}" is not a library id`));
    return undefined;
  } else if (looksLikeFile(ext)) {
    const r = checkExtendsPath(ext, abs, roots);
    if ('error' in r) {
      ctx.errors.push(issueAtDoc(doc, ['extends'], r.error, r.suggestion));
      return undefined;
    }
    parentFile = r.path;
  }
  if (!parentFile) {
    ctx.errors.push(
      issueAtDoc(doc, ['extends'], `"${ext}" is neither a library id nor a .yaml file relative to this one`, didYouMean(ext, index.keys()) ?? 'run `hwperf list models`, `hwperf list hardware` or `hwperf list runtimes` for ids'),
    );
    return undefined;
  }
  const chain = [...seen, abs];
  if (chain.includes(resolve(parentFile)) || chain.length > 16) {
    ctx.errors.push(
      issueAtDoc(doc, ['extends'], chain.length > 16 ? 'extends chain longer than 16 files' : `extends cycle: ${[...chain, resolve(parentFile)].map((f) => displayName(f)).join(' → ')}`, 'remove one of the extends links'),
    );
    return undefined;
  }
  const parent = readWithExtends(parentFile, ctx, chain, roots, parentIsLibrary);
  if (!parent) return undefined;
  const { extends: _drop, ...own } = data;
  const merged = deepMerge(parent, own) as Record<string, unknown>;
  // The child's id replaces the parent's; a child without its own id is its parent's what-if.
  if (own.id === undefined && typeof parent.id === 'string') merged.id = `${parent.id}-custom`;
  return merged;
}

function looksLikeFile(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref) || ref.startsWith('.');
}

function issueAtDoc(doc: SourceDoc, path: (string | number)[], message: string, suggestion?: string): SpecIssue {
  const pos = doc.locate(path);
  return { file: doc.file, line: pos?.line, col: pos?.col, path: path.join('.'), message, suggestion };
}

export function kindOf(data: Record<string, unknown>): SpecKind | undefined {
  if (data.kind === 'runtime') return 'runtime';
  if ('family' in data) return 'model';
  if ('compute' in data || isPlainObject(data.memory)) return 'hardware';
  if (data.kind === 'stack' || data.kind === 'bus') return 'memory';
  return undefined;
}

// The schemas are this package's own: checking them against JSON Schema's meta-schema (most of compiling one) is
// done once in npm test (test/spec-schemas-meta.test.ts), not at every start.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
// Each schema is compiled when a spec of its kind is first checked: compiling costs ~0.1 s a schema and ~0.8 s
// for the runtime one, which `validate my-gpu.yaml` (issue 15: start-up) has no use for.
const compiled = new Map<object, ValidateFunction>();
const compile = (schema: object): ValidateFunction => {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
};
// the schema of each kind but models (which have one per family)
const KIND_SCHEMAS = { hardware: hardwareSchema, memory: memorySchema, runtime: runtimeSchema };
const modelValidator = (family: string): ValidateFunction | undefined => (Object.hasOwn(modelSchemas, family) ? compile(modelSchemas[family]!) : undefined);

/**
 * The schema errors worth a line each: under a oneOf whose value has the type of one branch (a list where a mapping or
 * a list is allowed), the branches of another type say nothing (the value "must be a mapping" is not wrong when a list
 * is legal); under a key a propertyNames rule refuses (an unknown by_layer architecture), the key's own fields are not
 * checked against a schema it does not have.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const offType: string[] = [];
  for (const o of errors) {
    if (o.keyword !== 'oneOf') continue;
    const branches = (o.schema as unknown[] | undefined)?.length ?? 0;
    const wrongType = (j: number) => errors.some((e) => e.instancePath === o.instancePath && e.schemaPath === `${o.schemaPath}/${j}/type`);
    const mismatched = [...Array(branches).keys()].filter(wrongType);
    // only where some branch took the value's type and failed inside it (a const branch alone keeps its "or a mapping")
    // (a mapping branch's missing field is such a failure: int4_moe_per_expert: {} lacks up_to_experts, and is no
    // wrong kind for the boolean branch to name)
    const typed = [...Array(branches).keys()].some((j) => !mismatched.includes(j) && errors.some((e) => e.schemaPath.startsWith(`${o.schemaPath}/${j}/`) && (e.instancePath.length > o.instancePath.length || (e.keyword === 'required' && e.instancePath === o.instancePath))));
    if (typed) for (const j of mismatched) offType.push(`${o.schemaPath}/${j}/`);
  }
  const refusedKeys = errors.filter((e) => e.keyword === 'propertyNames').map((e) => `${e.instancePath}/${(e.params as { propertyName?: string }).propertyName}`);
  // a block of the wrong kind inside a mapping (kernels.tiled_gemm.int4_moe: [1]) is that mapping's first fault: a
  // required sibling it lacks is reported once the block is mended, not before it on a line of its own (tiled_gemm's
  // rate, which a block may leave to the block below, likewise: src/spec/normalize-runtime.ts tiledGemmRates)
  // (a mapping at a field that takes false or a mapping fails the constant branch too: that is no wrong kind)
  const mapping = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const wrongKind = (e: ErrorObject) => (e.keyword === 'type' || (e.keyword === 'const' && !mapping(e.data))) && e.instancePath.lastIndexOf('/') > 0;
  const mended = new Set(errors.filter(wrongKind).map((e) => e.instancePath.slice(0, e.instancePath.lastIndexOf('/'))));
  return errors.filter(
    (e) =>
      !offType.some((b) => e.schemaPath.startsWith(b)) &&
      !refusedKeys.some((k) => e.instancePath === k || e.instancePath.startsWith(`${k}/`)) &&
      !(e.keyword === 'required' && mended.has(e.instancePath)),
  );
}

export function schemaIssues(ctx: SpecContext, errors: ErrorObject[] | null | undefined, schema: any, evaluated?: unknown): void {
  if (!errors) return;
  errors = relevantErrors(errors);
  // oneOf produces one error per branch; keep the most specific per path.
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    // an anyOf's own "must match a schema in anyOf" adds nothing where a branch's error names the field (a bad key of
    // collectives.custom_allreduce, whose other branch is `false`)
    if (e.keyword === 'anyOf' && errors.some((o) => o !== e && o.keyword !== 'anyOf' && o.instancePath.startsWith(e.instancePath))) continue;
    const path = e.instancePath.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let message: string;
    let suggestion: string | undefined;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as any).additionalProperty as string;
      path.push(key);
      const allowed = Object.keys(subSchema(schema, path.slice(0, -1))?.properties ?? {});
      message = `unknown field "${key}"`;
      suggestion = didYouMean(key, allowed) ?? (allowed.length ? `allowed: ${allowed.join(', ')}` : undefined);
    } else if (e.keyword === 'required') {
      const key = (e.params as any).missingProperty as string;
      message = `missing required field "${key}"`;
      path.push(key);
      suggestion = 'add it; see docs/spec-format.md';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as any).allowedValues.join(', ')}`;
      const found = valueAt(ctx.docs[0]?.data, path);
      const allowed = (e.params as any).allowedValues as unknown[];
      // a number the schema lists, written with a unit ("4 B" where weight_cast_bytes takes 4): a bare number
      const lead = typeof found === 'string' ? Number.parseFloat(found) : NaN;
      suggestion =
        typeof found === 'string' && allowed.includes(Number(found))
          ? `write ${found} without quotes`
          : typeof found === 'string' && allowed.includes(lead)
            ? `write ${lead} as a bare number, without quotes or a unit`
            : typeof found === 'string'
              ? didYouMean(found, allowed)
              : undefined;
      // a field whose schema states its fix ($comment: kernels.weight_cast_bytes, whose one value is the one cited)
      const fix = (e.parentSchema as { $comment?: unknown } | undefined)?.$comment;
      if (suggestion === undefined && typeof fix === 'string') suggestion = fix;
    } else if (e.keyword === 'propertyNames') {
      continue; // reported by the nested enum error
    } else if (e.keyword === 'const' && e.data !== null && typeof e.data === 'object' && !Array.isArray(e.data) && errors.some((o) => o !== e && o.keyword !== 'oneOf' && o.instancePath.startsWith(e.instancePath))) {
      continue; // a oneOf's constant branch (false) beside a mapping branch whose own errors name the field and the fix (a list is neither: its const error is the one that names it)
    } else if (e.keyword === 'const') {
      const orMapping = errors.some((o) => o.instancePath === e.instancePath && o.keyword === 'type' && (o.params as { type?: unknown }).type === 'object');
      message = `must be ${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue)}${orMapping ? ' or a mapping' : ''}, found ${JSON.stringify(e.data)?.slice(0, 40)}`;
      if (orMapping) suggestion = 'see docs/runtimes.md for the mapping\'s fields';
    } else if (e.keyword === 'minimum' || e.keyword === 'maximum' || e.keyword === 'exclusiveMinimum') {
      const range = subSchema(schema, path);
      const lo = range?.minimum ?? (range?.exclusiveMinimum !== undefined ? `> ${range.exclusiveMinimum}` : undefined);
      const found = e.data ?? valueAt(evaluated ?? ctx.docs[0]?.data, path);
      message = range?.maximum !== undefined && lo !== undefined
        ? `must be between ${typeof lo === 'number' ? lo : lo.slice(2)} and ${range.maximum}${typeof lo === 'string' ? ' (exclusive of the minimum)' : ''}, found ${JSON.stringify(found)}`
        : `${e.message ?? 'is out of range'}, found ${JSON.stringify(found)}`;
    } else if (e.keyword === 'multipleOf') {
      if (errors.some((o) => o.instancePath === e.instancePath && (o.keyword === 'maximum' || o.keyword === 'minimum'))) continue;
      message = `must be a whole number, found ${JSON.stringify(e.data)}`;
    } else if (e.keyword === 'pattern' && (e.params as { pattern?: string }).pattern === ID_PATTERN) {
      message = `an id is lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (and not a reserved word); found ${JSON.stringify(e.data)}`;
    } else if (e.keyword === 'type' && (e.params as { type?: unknown }).type === 'object' && errors.some((o) => o.instancePath === e.instancePath && o.keyword === 'const')) {
      continue; // said with the constant branch's error (above): "must be false or a mapping"
    } else if (e.keyword === 'type') {
      // ajv says "must be number,string"; a user reads the kinds and what was there (null is YAML's ~ or nothing)
      // the kinds every branch of a oneOf at this place takes (int4_moe_per_expert: a mapping or a boolean), said once
      const types = errors.filter((o) => o.keyword === 'type' && o.instancePath === e.instancePath).flatMap((o) => String((o.params as { type?: string | string[] }).type ?? '').split(','));
      const kinds = [...new Set(types)].map((t) => (t === 'string' && types.includes('number') ? 'an expression in quotes' : t === 'integer' ? 'a whole number' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : `a ${t}`));
      const d = e.data;
      const found = d === null ? 'nothing (null or ~)' : Array.isArray(d) ? 'a list' : typeof d === 'object' ? 'a mapping' : `${typeof d} ${JSON.stringify(d)?.slice(0, 40)}`;
      message = `must be ${kinds.join(' or ')}, found ${found}`;
    } else {
      message = `${e.message ?? 'is invalid'}`;
    }
    const key = `${path.join('.')}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // a field missing from a mapping the user wrote is the user's line, even where a file it extends has the field
    // at the same place (a list the user replaced)
    const parent = e.keyword === 'required' ? path.slice(0, -1) : undefined;
    const own = parent && ctx.docs.find((d) => !d.library && hasPath(d.data, parent) && d.locate(parent));
    const at = own ? own.locate(parent!) : undefined;
    ctx.errors.push(own && at ? { file: own.file, line: at.line, col: at.col, path: path.join('.'), message, suggestion } : issueAt(ctx, path, message, suggestion));
  }
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let cur: any = data;
  for (const p of path) cur = cur?.[p];
  return cur;
}

function subSchema(schema: any, path: (string | number)[]): any {
  let s = schema;
  for (const p of path) {
    if (!s) return undefined;
    if (typeof p === 'number') s = s.items;
    else s = s.properties?.[p] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (s?.oneOf) s = s.oneOf.find((b: any) => b.type === 'object') ?? s;
  }
  return s;
}

export function validateStructure(ctx: SpecContext, data: Record<string, unknown>): SpecKind | undefined {
  const kind = kindOf(data);
  if (!kind) {
    ctx.errors.push(issueAt(ctx, [], 'cannot tell what this spec is', 'a model has `family:`, hardware has `compute:` and `memory:`, a memory technology has `kind: stack|bus`, a runtime has `kind: runtime`'));
    return undefined;
  }
  if (kind === 'model') {
    const fam = String(data.family);
    const v = modelValidator(fam);
    if (!v) {
      ctx.errors.push(issueAt(ctx, ['family'], `unknown family "${fam}"`, didYouMean(fam, Object.keys(modelSchemas)) ?? `one of ${Object.keys(modelSchemas).join(', ')}`));
      return undefined;
    }
    v(data);
    schemaIssues(ctx, v.errors, modelSchemas[fam]);
  } else {
    const schema = KIND_SCHEMAS[kind];
    const v = compile(schema);
    v(data);
    schemaIssues(ctx, v.errors, schema);
  }
  return kind;
}

/** Range checks of a model after its expressions are evaluated: the schema's minimum/maximum on every count. */
export function modelRangeIssues(ctx: SpecContext, evaluated: Record<string, unknown>): void {
  const fam = String(evaluated.family);
  const v = modelValidator(fam);
  if (!v || v(evaluated)) return;
  const keep = (v.errors ?? []).filter((e) => ['minimum', 'maximum', 'exclusiveMinimum', 'multipleOf', 'maxItems'].includes(e.keyword));
  schemaIssues(ctx, keep, modelSchemas[fam], evaluated);
}

export async function loadSpecFile(file: string): Promise<LoadResult<LoadedSpec>> {
  const ctx: SpecContext = { file: displayName(resolve(file)), docs: [], errors: [], warnings: [] };
  const data = readWithExtends(file, ctx);
  if (!data || ctx.errors.length) return { errors: ctx.errors, warnings: ctx.warnings };
  return loadSpecData(data, ctx);
}

export async function loadSpecData(data: Record<string, unknown>, ctx: SpecContext): Promise<LoadResult<LoadedSpec>> {
  const kind = validateStructure(ctx, data);
  if (!kind) return { errors: ctx.errors, warnings: ctx.warnings };
  // With structural errors, still check values (units, expressions, rules) so that one run reports
  // every problem; a normalizer that trips over the missing structure adds nothing more.
  const structural = ctx.errors.length;
  // Normalizers are imported here, not at the top: they pull in the units module (mathjs) lazily.
  let value: LoadedSpec | undefined;
  try {
  if (kind === 'hardware') {
    const { normalizeHardware } = await import('./normalize-hardware.js');
    const spec = await normalizeHardware(data, ctx);
    if (spec) {
      const { checkHardwarePlausibility } = await import('./plausibility.js');
      checkHardwarePlausibility(spec, ctx);
      value = { kind, spec };
    }
  } else if (kind === 'runtime') {
    const { normalizeRuntime } = await import('./normalize-runtime.js');
    const spec = await normalizeRuntime(data, ctx);
    if (spec) value = { kind, spec };
  } else if (kind === 'memory') {
    const { normalizeMemory } = await import('./normalize-hardware.js');
    const spec = await normalizeMemory(data, ctx);
    if (spec) value = { kind, spec };
  } else {
    const { normalizeModel } = await import('./normalize-model.js');
    const spec = await normalizeModel(data, ctx);
    if (spec) value = { kind, spec };
  }
  } catch (e) {
    if (!structural) throw e;
  }
  // a rule that read a missing or mistyped field says "undefined" or "NaN": noise beside the error that names the
  // field, and never printed as such
  const noisy = (e: SpecIssue) => /\b(undefined|NaN)\b/.test(e.message.replace(/"[^"]*"/g, ''));
  if (ctx.errors.some((e) => !noisy(e))) ctx.errors = ctx.errors.filter((e) => !noisy(e));
  else ctx.errors = ctx.errors.map((e) => ({ ...e, message: e.message.replace(/\bundefined\b/g, 'missing').replace(/\bNaN\b/g, 'not a number') }));
  if (ctx.errors.length) return { errors: dedupe(ctx.errors), warnings: ctx.warnings };
  if (value) value.spec.file = ctx.file;
  return { value, errors: ctx.errors, warnings: ctx.warnings };
}

// one issue per field: the first (a schema range, say) — a second check of the same value ("must be ≥ 1" after
// "must be between 1 and 10000") adds a line and no news
function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = i.path ? `${i.file}|${i.line}|${i.col}|${i.path}` : `${i.file}|${i.line}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
