// Errors are data: a SpecIssue names the file, line, column, field path, what was wrong and a fix.
// UserError carries issues to the command, which prints one line each and exits non-zero.

export interface SpecIssue {
  file: string;
  line?: number;
  col?: number;
  path: string; // dotted field path, e.g. memory.capacity
  message: string;
  suggestion?: string;
}

export function formatIssue(i: SpecIssue): string {
  const file = i.file === '' ? '(an empty file name)' : i.file;
  const where = i.line !== undefined ? `${file}:${i.line}:${i.col ?? 1}` : file;
  const path = i.path || '(file)';
  return escapeControls(`${maskWords(where)}  ${path}  ${maskEcho(`${i.message}${i.suggestion ? ` (${i.suggestion})` : ''}`)}`);
}

// a control character shown as its escape (a newline as \n): what the user wrote never splits a line of output.
// Invisible format characters too (zero-width spaces and joiners, bidi marks, embeddings, overrides and isolates, the
// BOM): `-m "llama<U+202E>-3.2-1b"` printed its id reversed on a terminal and `-H "h100<U+200B>-sxm"` an id that
// looks exactly like the one it failed to match (Trojan Source, CVE-2021-42574); shown as \u202e, \u200b. The C1 controls
// (U+0085 NEL, U+009B CSI: a terminal escape) and U+2028 / U+2029 (line and paragraph separators) split or restyle a
// line as the C0 ones do: escaped too.
const escapeControl = (c: string) => (c < '\u0080' ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g, escapeControl);
}
/** A message of several lines, each a problem: control characters inside its "…" quotes (the user's text) escaped. */
export function escapeQuoted(text: string): string {
  return text.replace(/"[^"]*"/g, escapeControls);
}

// Words that in hwperf's output only ever mean a bug (NaN, Infinity, undefined, [object Object]). A message
// quotes what the user typed in "…"; when that text is one of these words it is spelled out instead, so that
// the words never appear in any output and a check for them finds only real faults.
const ECHO_WORDS: [word: string, spelled: string][] = [
  ['NaN', 'not-a-number'],
  ['Infinity', 'infinite'],
  ['undefined', 'undef'],
  ['[object Object]', '{object}'],
];
const wordPattern = (w: string) => (/^\w+$/.test(w) ? `\\b${w}\\b` : w.replace(/[[\]\\^$.*+?()|{}]/g, '\\$&'));
/** Any of the words that only ever mean a bug (the one list: masks, checks of files hwperf wrote, tests). */
export const BUG_WORDS = new RegExp(ECHO_WORDS.map(([w]) => wordPattern(w)).join('|'));
/** The fault words as masks spell them, for a message that must name them without printing them. */
export const FAULT_WORDS_SPELLED = ECHO_WORDS.map(([, spelled]) => spelled).join(', ');
const MASKS = ECHO_WORDS.map(([w, spelled]) => [new RegExp(wordPattern(w), 'g'), spelled] as const);
/** Text the user typed, shown as it is (a file name, a report title, a command line), with ECHO_WORDS masked. */
export function maskWords(text: string): string {
  return MASKS.reduce((s, [re, w]) => s.replace(re, w), text);
}
/**
 * A message with what the user typed masked (see ECHO_WORDS): the "…" quotes, the value of a leading
 * `--flag VALUE: …`, and the file of a leading `FILE:LINE:COL  path  …`. The message's own words are left as
 * they are, so a fault that prints NaN in them still shows.
 */
export function maskEcho(text: string): string {
  if (!BUG_WORDS.test(text)) return text;
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/"(?:[^"\\\n]|\\.)*"/g, maskWords)
        .replace(/^(--[\w-]+ )(.*?)(?=: )/, (_, flag: string, v: string) => flag + maskWords(v))
        .replace(/^(\S+?)(?=(:\d+)*:? {1,2}\S)/, (f: string) => (/[\\/.]|:\d/.test(line.slice(0, f.length + 8)) ? maskWords(f) : f)),
    )
    .join('\n');
}

// A user mistake: bad file, unknown id, impossible flag. Never a stack trace.
export class UserError extends Error {
  readonly issues: SpecIssue[];
  constructor(message: string, issues: SpecIssue[] = []) {
    super(message);
    this.name = 'UserError';
    this.issues = issues;
  }
  static fromIssues(issues: SpecIssue[]): UserError {
    return new UserError(issues.map(formatIssue).join('\n'), issues);
  }
}

/** rec[key] when key is the record's own (never Object.prototype's `constructor`, `__proto__`, …). */
export function own<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

export interface LoadResult<T> {
  value?: T;
  warnings: SpecIssue[];
  errors: SpecIssue[];
}

// Levenshtein distance for "did you mean" suggestions.
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

export function nearest(word: string, candidates: Iterable<unknown>): string | undefined {
  if (typeof word !== 'string') return undefined;
  const list = [...candidates].map(String);
  // separators do not count ("llama3-8b" is one digit from "llama-3.1-8b", not near "llama-2-7b")
  const bare = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
  const w = word.toLowerCase();
  const wb = bare(word);
  // an id typed without its suffix ("h800" for "h800-sxm", "gpt-3" for "gpt3-175b"): the shortest id it begins
  let prefix: string | undefined;
  if (wb.length >= 3) for (const c of list) if (bare(c).startsWith(wb) && (prefix === undefined || c.length < prefix.length)) prefix = c;
  if (prefix !== undefined) return prefix;
  const common = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  let best: string | undefined;
  let bestD = Infinity;
  let bestP = -1;
  for (const c of list) {
    const d = Math.min(editDistance(w, c.toLowerCase()), editDistance(wb, bare(c)));
    const p = common(wb, bare(c)); // ties go to the longer shared start ("llama-3-70b" → "llama-3.1-70b")
    if (d < bestD || (d === bestD && p > bestP)) {
      bestD = d;
      bestP = p;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<unknown>): string | undefined {
  const n = nearest(word, candidates);
  return n ? `did you mean "${n}"?` : undefined;
}
