// YAML → plain object, keeping a way back from a field path to its line and column.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Node } from 'yaml';
import type { SpecIssue } from './errors.js';

export interface SourceDoc {
  file: string;
  data: unknown;
  locate(path: (string | number)[]): { line: number; col: number } | undefined;
}

export function parseYaml(text: string, file: string): { doc?: SourceDoc; errors: SpecIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: '',
          message: `malformed YAML: ${e.message.split('\n')[0]}`,
          suggestion: 'check indentation, colons and quotes on that line',
        };
      }),
    };
  }
  const data = doc.toJS({ maxAliasCount: 100 });
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
