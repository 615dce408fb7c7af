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
  const where = i.line !== undefined ? `${i.file}:${i.line}:${i.col ?? 1}` : i.file;
  const path = i.path || '(file)';
  return `${where}  ${path}  ${i.message}${i.suggestion ? ` (${i.suggestion})` : ''}`;
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

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const n = nearest(word, candidates);
  return n ? `did you mean "${n}"?` : undefined;
}
