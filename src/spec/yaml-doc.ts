// YAML → plain object, keeping a way back from a field path to its line and column.
// Spec files are data from strangers: only plain mappings, lists, strings, finite numbers, booleans and null
// come through. Tags (!!binary, !!set, !!timestamp, !custom), collection keys, prototype keys, deep nesting,
// alias bombs, NUL bytes and non-UTF-8 text are one located error each, never an exception.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, isAlias, isNode, type Node } from 'yaml';
import type { SpecIssue } from './errors.js';

export interface SourceDoc {
  file: string;
  data: unknown;
  /** true for the package's own library files (hardware/, models/, runtimes/): errors point at the user's file instead */
  library?: boolean;
  locate(path: (string | number)[]): { line: number; col: number } | undefined;
}

/** Keys that would reach Object.prototype through a merge or a lookup: unknown fields in every spec, grid and flag. */
export const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export function isPrototypeKey(k: string): boolean {
  return PROTOTYPE_KEYS.has(k);
}

export const YAML_LIMITS = {
  depth: 32, // nesting of mappings and lists
  nodes: 200_000, // scalars + collections in one document
  aliases: 100, // expanded alias references (billion-laughs guard)
  scalarChars: 16_384, // one string value
};

// Nesting so deep that the YAML parser's own recursion runs out of stack (10,000 "[" on a line): the same answer
// as any nesting past YAML_LIMITS.depth, not the engine's "Maximum call stack size exceeded".
const TOO_DEEP = `nested more than ${YAML_LIMITS.depth} levels deep`;
const tooDeep = (e: unknown) => e instanceof RangeError || /call stack|too much recursion/i.test(String((e as Error)?.message));

export function parseYaml(text: string, file: string): { doc?: SourceDoc; errors: SpecIssue[] } {
  const fail = (message: string, line = 1, col = 1, suggestion?: string) => ({ errors: [{ file, line, col, path: '', message, suggestion }] });
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark is allowed
  const bad = /[\u0000\ufffd\ufeff]/.exec(text);
  if (bad) {
    const before = text.slice(0, bad.index);
    const line = before.split('\n').length;
    const col = bad.index - before.lastIndexOf('\n');
    return fail('not a UTF-8 text file (binary data, UTF-16 or another encoding)', line, col, 'save the spec as UTF-8 YAML');
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, schema: 'core' });
  } catch (e) {
    return fail(tooDeep(e) ? TOO_DEEP : `malformed YAML: ${oneLine((e as Error).message)}`);
  }
  const pos = (offset: number | undefined) => (offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset));
  if (doc.errors.length > 0) {
    return {
      // the first error only: the ones after it are usually the same mistake seen again
      errors: doc.errors.slice(0, 1).map((e) => {
        const p = e.linePos?.[0] ?? pos(e.pos[0]);
        if (tooDeep(e)) return { file, line: p.line, col: p.col, path: '', message: TOO_DEEP };
        return { file, line: p.line, col: p.col, path: '', message: `malformed YAML: ${oneLine(e.message)}`, suggestion: 'check indentation, colons and quotes on that line' };
      }),
    };
  }
  // Walk the node tree before converting it: the first problem found is reported at its line.
  let nodes = 0;
  let problem: { message: string; offset?: number; suggestion?: string; path?: string } | undefined;
  const walk = (node: unknown, depth: number): void => {
    if (problem || node === null || node === undefined) return;
    if (++nodes > YAML_LIMITS.nodes) {
      problem = { message: `more than ${YAML_LIMITS.nodes} values in one file`, offset: (node as Node).range?.[0] };
      return;
    }
    if (depth > YAML_LIMITS.depth) {
      problem = { message: `nested more than ${YAML_LIMITS.depth} levels deep`, offset: (node as Node).range?.[0] };
      return;
    }
    if (isNode(node) && (node as { tag?: string }).tag && !isAlias(node)) {
      const tag = (node as { tag?: string }).tag!;
      // the core schema's own plain tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are harmless
      if (!/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test(tag)) {
        problem = { message: 'YAML tags are not allowed in spec files', offset: node.range?.[0], suggestion: 'write the value without its !tag' };
        return;
      }
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (!isScalar(pair.key) || (typeof pair.key.value !== 'string' && typeof pair.key.value !== 'number')) {
          problem = { message: 'keys must be plain names', offset: (pair.key as Node | null)?.range?.[0] ?? node.range?.[0] };
          return;
        }
        if (isPrototypeKey(String(pair.key.value))) {
          problem = { message: `unknown field "${pair.key.value}"`, offset: pair.key.range?.[0], suggestion: 'remove it', path: String(pair.key.value) };
          return;
        }
        walk(pair.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    } else if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'number' && !Number.isFinite(v)) problem = { message: 'numbers must be finite (no .nan, .inf or 1e999)', offset: node.range?.[0] };
      else if (typeof v === 'string' && v.length > YAML_LIMITS.scalarChars) problem = { message: `a value longer than ${YAML_LIMITS.scalarChars} characters`, offset: node.range?.[0] };
      else if (typeof v === 'bigint') problem = { message: 'numbers must be finite', offset: node.range?.[0] };
    }
  };
  walk(doc.contents, 0);
  if (problem) {
    const p = pos(problem.offset);
    return { errors: [{ file, line: p.line, col: p.col, path: problem.path ?? '', message: problem.message, suggestion: problem.suggestion }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: YAML_LIMITS.aliases });
  } catch (e) {
    const msg = /alias/i.test((e as Error).message)
      ? `too many alias references (more than ${YAML_LIMITS.aliases} expanded)`
      : `cannot read this YAML: ${oneLine((e as Error).message)}`;
    return fail(msg, 1, 1, 'write the values out instead of repeating anchors');
  }
  const locate = (path: (string | number)[]) => {
    // Walk as far down the path as the document goes; report the deepest node found.
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        keyNode = undefined;
      } else break;
    }
    const target = (node as Node | null | undefined)?.range ? (node as Node) : keyNode;
    const offset = target?.range?.[0] ?? keyNode?.range?.[0];
    if (offset === undefined) return undefined;
    return lineCounter.linePos(offset);
  };
  return { doc: { file, data, locate }, errors: [] };
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '').slice(0, 200);
}
