// The only module that imports mathjs. It is loaded lazily (dynamic import) because mathjs takes a few tenths of a
// second to load: library specs are compiled to SI JSON at build time and never come through here.
import { createRequire } from 'node:module';
import type { MathJsInstance } from 'mathjs';

// Dimensions a spec field may have, each with the SI unit we store it in.
export type Dimension =
  | 'bytes'
  | 'bytes_per_s'
  | 'flop_per_s'
  | 'watts'
  | 'joules'
  | 'joules_per_bit'
  | 'joules_per_flop'
  | 'seconds'
  | 'hertz'
  | 'bits_per_s'
  | 'usd';

const TARGET: Record<Dimension, string> = {
  bytes: 'B',
  bytes_per_s: 'B/s',
  flop_per_s: 'FLOP/s',
  watts: 'W',
  joules: 'J',
  joules_per_bit: 'J/b',
  joules_per_flop: 'J/FLOP',
  seconds: 's',
  hertz: 'Hz',
  bits_per_s: 'b/s',
  usd: 'USD',
};

export const EXAMPLE: Record<Dimension, string> = {
  bytes: '80 GB',
  bytes_per_s: '3.35 TB/s',
  flop_per_s: '989 TFLOP/s',
  watts: '700 W',
  joules: '1.5 J',
  joules_per_bit: '6 pJ/bit',
  joules_per_flop: '0.5 pJ/FLOP',
  seconds: '2 us',
  hertz: '1.8 GHz',
  bits_per_s: '9.6 Gbit/s',
  usd: '30000 USD',
};

let math: MathJsInstance | undefined;

async function mathjs(): Promise<MathJsInstance> {
  if (math) return math;
  // mathjs's one-file build (an exported path of the same package and version): its ES module entry is ~700 files
  // whose resolving and linking took longer than anything mathjs then does here, and it builds every function at
  // load where create() below builds only what is used (issue 15: `validate` start-up)
  // It is a CommonJS file, so it is required, not imported: import() of CommonJS first scans the whole ~1 MB file
  // for its export names (Node's cjs-module-lexer, ~45 ms, a third of what a `--set` with a unit cost).
  const oneFile: string = 'mathjs/lib/browser/math.js'; // (a specifier TypeScript has no declarations for)
  const mod = createRequire(import.meta.url)(oneFile) as { default?: typeof import('mathjs') } & typeof import('mathjs');
  const { create, all } = mod.default ?? mod;
  const m = create(all!);
  // FLOP and OP are the same base quantity here: an INT8 "TOPS" peak and a "TFLOP/s" peak are both
  // operations per second of the matrix units.
  m.createUnit('FLOP', { prefixes: 'short', aliases: ['FLOPs', 'flop', 'OP', 'ops', 'op'] });
  m.createUnit('USD', { aliases: ['usd', 'dollar', 'dollars'] });
  math = m;
  return m;
}

// Spellings people write that mathjs does not know: TFLOPS, TOPS, Gbps, Gbit, us (µs), GT/s.
function canonical(text: string): string {
  return text
    .trim()
    .replace(/µ/g, 'u')
    .replace(/\b([kMGTPE]?)(FLOPS|flops)\b/g, '$1FLOP/s')
    .replace(/\b([kMGTPE]?)(TOPS|OPS)\b/g, (_m, p: string, o: string) => (o === 'TOPS' ? `${p}TOP/s` : `${p}OP/s`))
    .replace(/\b([kMGTPE]?)bps\b/g, '$1b/s')
    .replace(/\b([kMGTPE]?)bits?\b/g, '$1b')
    .replace(/\bMT\/s\b/g, 'MHz')
    .replace(/\$\s*([0-9.]+)/g, '$1 USD');
}

const MAX_TEXT = 256; // characters in one quantity or expression
const MAX_NESTING = 16; // parentheses

export type QuantityResult = { value: number } | { error: string };

export async function parseQuantity(raw: unknown, dim: Dimension): Promise<QuantityResult> {
  if (typeof raw === 'number') {
    return { error: `needs a unit, e.g. "${EXAMPLE[dim]}" (a bare number is ambiguous)` };
  }
  if (typeof raw !== 'string') return { error: `expected a quantity such as "${EXAMPLE[dim]}", found ${Array.isArray(raw) ? 'a list' : raw === null ? 'nothing' : typeof raw}` };
  if (raw.length > MAX_TEXT) return { error: `a quantity longer than ${MAX_TEXT} characters (e.g. "${EXAMPLE[dim]}")` };
  const m = await mathjs();
  let unit;
  try {
    unit = m.unit(canonical(raw));
  } catch (e) {
    return { error: `"${raw}" is not a quantity with a known unit (e.g. "${EXAMPLE[dim]}"): ${(e as Error).message}` };
  }
  if (unit.value === null) return { error: `"${raw}" has a unit but no number (e.g. "${EXAMPLE[dim]}")` };
  let value: number;
  try {
    value = unit.toNumber(TARGET[dim]);
  } catch {
    return { error: `"${raw}" is not a ${dim.replace(/_/g, ' ')} quantity (e.g. "${EXAMPLE[dim]}")` };
  }
  if (!Number.isFinite(value)) return { error: `"${raw}" is not a finite number` };
  if (value < 0) return { error: `"${raw}" is negative; it must be ≥ 0` };
  return { value };
}

// Model fields may be arithmetic over sibling fields (`intermediate: 4 * hidden`). Only numbers, the
// names in scope, + - * / ^ % and parentheses are allowed: no function calls, assignments or imports.
export async function evaluateExpression(
  expr: string,
  scope: Record<string, number>,
): Promise<{ value: number } | { error: string }> {
  // a long expression is a deep tree: bounded here so that parsing and evaluation cannot overflow the stack
  if (expr.length > MAX_TEXT) return { error: `an expression longer than ${MAX_TEXT} characters; write the number` };
  let depth = 0;
  for (const ch of expr) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth > MAX_NESTING) return { error: `an expression nested more than ${MAX_NESTING} parentheses deep` };
  }
  const m = await mathjs();
  let node;
  try {
    node = m.parse(expr);
  } catch (e) {
    return { error: `cannot parse expression "${expr}": ${(e as Error).message.slice(0, 120)}` };
  }
  let bad: string | undefined;
  node.traverse((n: any) => {
    if (bad) return;
    switch (n.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number') bad = `only numbers are allowed, found ${typeof n.value === 'string' ? JSON.stringify(n.value) : 'a name or constant'}`;
        break;
      case 'ParenthesisNode':
        break;
      case 'OperatorNode':
        if (!['+', '-', '*', '/', '^', '%'].includes(n.op) || n.fn === 'unaryPlus') {
          if (!(n.fn === 'unaryMinus')) bad = `operator "${n.op}" is not allowed`;
        }
        break;
      case 'SymbolNode':
        if (!Object.hasOwn(scope, n.name)) bad = `unknown name "${n.name}" (known: ${Object.keys(scope).join(', ') || 'none'})`;
        break;
      case 'FunctionNode':
        bad = `function calls are not allowed ("${n.fn?.name ?? '?'}(…)")`;
        break;
      default:
        bad = `${n.type.replace(/Node$/, '').toLowerCase()} is not allowed`;
    }
  });
  if (bad) return { error: `expression "${expr}": ${bad}; use numbers, field names and + - * / ^` };
  // Evaluate the checked tree ourselves: nothing reaches mathjs' evaluator or the host.
  const ev = (n: any): number => {
    switch (n.type) {
      case 'ConstantNode':
        return n.value as number;
      case 'ParenthesisNode':
        return ev(n.content);
      case 'SymbolNode':
        return scope[n.name]!;
      case 'OperatorNode': {
        const a = n.args.map(ev) as number[];
        if (a.length === 1) return n.fn === 'unaryMinus' ? -a[0]! : a[0]!;
        const [x, y] = a as [number, number];
        switch (n.op) {
          case '+': return x + y;
          case '-': return x - y;
          case '*': return x * y;
          case '/': return x / y;
          case '^': return x ** y;
          case '%': return x % y;
        }
      }
    }
    return NaN;
  };
  let value: number;
  try {
    value = ev(node);
  } catch {
    return { error: 'expression too complex; write the number' };
  }
  if (!Number.isFinite(value)) return { error: `expression "${expr}" does not give a finite number` };
  return { value };
}
