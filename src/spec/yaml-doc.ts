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
const FLATTEN = 'spec fields nest a few levels: flatten the value';
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
    return tooDeep(e) ? fail(TOO_DEEP, 1, 1, FLATTEN) : fail(`malformed YAML: ${oneLine((e as Error).message)}`);
  }
  const pos = (offset: number | undefined) => (offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset));
  if (doc.errors.length > 0) {
    return {
      // the first error only: the ones after it are usually the same mistake seen again
      errors: doc.errors.slice(0, 1).map((e) => {
        const p = e.linePos?.[0] ?? pos(e.pos[0]);
        if (tooDeep(e)) return { file, line: p.line, col: p.col, path: '', message: TOO_DEEP, suggestion: FLATTEN };
        return { file, line: p.line, col: p.col, path: '', message: `malformed YAML: ${oneLine(e.message)}`, suggestion: 'check indentation, colons and quotes on that line' };
      }),
    };
  }
  // Walk the node tree before converting it: the first problem found is reported at its line.
  let nodes = 0;
  let problem: { message: string; offset?: number; suggestion?: string; path?: string } | undefined;
  // the keys and list indices down to the node being walked: a problem names its field (hidden, sizes.1), as the
  // schema's errors do, not "(file)"
  const trail: (string | number)[] = [];
  const at = (message: string, offset: number | undefined, suggestion?: string) => {
    const named = trail.length > 8 ? [...trail.slice(0, 4), '…', ...trail.slice(-2)] : trail;
    problem = { message, offset, suggestion, path: named.join('.') };
  };
  const walk = (node: unknown, depth: number): void => {
    if (problem || node === null || node === undefined) return;
    if (++nodes > YAML_LIMITS.nodes) {
      at(`more than ${YAML_LIMITS.nodes} values in one file`, (node as Node).range?.[0], 'a spec holds at most a few thousand values: split the table or check the file');
      return;
    }
    if (depth > YAML_LIMITS.depth) {
      at(`nested more than ${YAML_LIMITS.depth} levels deep`, (node as Node).range?.[0], FLATTEN);
      return;
    }
    if (isNode(node) && (node as { tag?: string }).tag && !isAlias(node)) {
      const tag = (node as { tag?: string }).tag!;
      // the core schema's own plain tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are harmless
      if (!/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test(tag)) {
        at('YAML tags are not allowed in spec files', node.range?.[0], 'write the value without its !tag');
        return;
      }
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (!isScalar(pair.key) || (typeof pair.key.value !== 'string' && typeof pair.key.value !== 'number')) {
          at('keys must be plain names', (pair.key as Node | null)?.range?.[0] ?? node.range?.[0], 'write the key as a plain word, not a list, mapping or ? key');
          return;
        }
        trail.push(String(pair.key.value));
        if (isPrototypeKey(String(pair.key.value))) {
          at(`unknown field "${pair.key.value}"`, pair.key.range?.[0], 'remove it');
          return;
        }
        walk(pair.value, depth + 1);
        if (problem) return;
        trail.pop();
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length && !problem; i++) {
        trail.push(i);
        walk(node.items[i], depth + 1);
        if (!problem) trail.pop();
      }
    } else if (isScalar(node)) {
      const v = node.value;
      const finite = 'give a finite number; a unit may scale it, e.g. 3.35 TB/s';
      if (typeof v === 'number' && !Number.isFinite(v)) at('numbers must be finite (no .nan, .inf or 1e999)', node.range?.[0], finite);
      else if (typeof v === 'string' && v.length > YAML_LIMITS.scalarChars) at(`a value longer than ${YAML_LIMITS.scalarChars} characters`, node.range?.[0], 'shorten it: names and sources fit in a few hundred characters');
      else if (typeof v === 'bigint') at('numbers must be finite', node.range?.[0], finite);
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
