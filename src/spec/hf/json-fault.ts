// Where a config.json that reads as a Hugging Face config is not JSON, as one located line. Python's json.dump writes
// inf and nan as bare Infinity / NaN (and a hand edit leaves a trailing comma or a comment): such a file used to fall
// through to the YAML reader and read as "cannot tell what this spec is" at 1:1.
import { UserError, type SpecIssue } from '../errors.js';

const at = (text: string, i: number) => ({ line: text.slice(0, i).split('\n').length, col: i - text.lastIndexOf('\n', i - 1) });

/** the first bare word outside strings that JSON has no use for (Infinity, NaN, None, True, an unquoted key) or a comment's start, with the key it follows */
function bareWord(text: string): { i: number; word: string; key?: string } | undefined {
  let key: string | undefined;
  let last: string | undefined; // the last string read, a key when a colon follows
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      last = text.slice(i + 1, j);
      i = j;
    } else if (c === ':') key = last;
    else if (c === ',' || c === '{' || c === '[') last = key = undefined;
    else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return { i, word: text.slice(i, i + 2), key };
    else if (/[0-9]/.test(c)) i += /^[0-9.eE+-]*/.exec(text.slice(i, i + 400))![0].length - 1; // a number, exponent and all
    else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 64))![0];
      if (word !== 'true' && word !== 'false' && word !== 'null') return { i: text[i - 1] === '-' ? i - 1 : i, word, key };
      i += word.length - 1;
    }
  }
  return undefined;
}

/** the one-line error for `text` (named `file`), which JSON.parse refused with `err` */
export function jsonFault(text: string, err: unknown, file: string): UserError {
  const b = bareWord(text);
  let issue: SpecIssue;
  if (b && /^(Infinity|NaN)$/.test(b.word)) {
    issue = { file, ...at(text, b.i), path: b.key ?? '(file)', message: 'not a finite number: JSON has no inf or nan (Python\'s json.dump writes them bare)', suggestion: 'write a finite number' };
  } else if (b && b.word.startsWith('/')) {
    issue = { file, ...at(text, b.i), path: '(file)', message: 'not valid JSON: a comment', suggestion: 'JSON has no comments: remove it' };
  } else if (b) {
    issue = { file, ...at(text, b.i), path: b.key ?? '(file)', message: `not valid JSON: a bare word "${b.word.slice(0, 40)}"`, suggestion: 'strings and keys are double-quoted; true, false and null lowercase' };
  } else {
    const m = /^(.*?) (?:in |after )?JSON at position (\d+)/.exec(err instanceof Error ? err.message : '');
    const pos = m ? Math.min(Number(m[2]), text.length) : undefined;
    issue = { file, ...(pos === undefined ? {} : at(text, pos)), path: '(file)', message: `not valid JSON${m ? `: ${m[1]!.slice(0, 80)}` : ''}`, suggestion: 'check the commas, quotes and brackets there; JSON allows no trailing comma' };
  }
  return UserError.fromIssues([issue]);
}
