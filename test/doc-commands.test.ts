// Every `hwperf …` command line written in README.md and docs/*.md names a real command, only flags that command
// has, and as many positional arguments as it requires — checked against oclif.manifest.json (no process spawned).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface ManifestFlag { type: 'boolean' | 'option'; char?: string }
interface ManifestCommand { args: Record<string, { required?: boolean }>; flags: Record<string, ManifestFlag> }
const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> };

// Command lines: code-block lines (full invocations) and inline `code` spans that contain `hwperf <word>` (prose
// may name a command without its arguments, so spans are checked for command and flags only).
function commandLines(md: string): { line: string; full: boolean }[] {
  const out: { line: string; full: boolean }[] = [];
  let inBlock = false;
  for (const line of md.split('\n')) {
    if (line.trimStart().startsWith('```')) { inBlock = !inBlock; continue; }
    if (inBlock) out.push({ line: line.replace(/\s#\s.*$/, ''), full: true });
    else for (const m of line.matchAll(/`([^`]*hwperf [^`]*)`/g)) out.push({ line: m[1], full: false });
  }
  return out.flatMap(({ line, full }) => line.split(/&&|\s\|\|?\s|;|\bthen\b|\bdo\b/).map((l) => ({ line: l, full })))
    .filter(({ line }) => /(^|\s)hwperf\s+[a-z]/.test(line))
    .map(({ line, full }) => ({ line: line.slice(line.search(/(^|\s)hwperf\s/)).trim(), full }));
}

function check(line: string, full = true): string | null {
  const tokens = line.replace(/[[\]]/g, ' ').split(/\s+/).filter((t) => t && t !== 'hwperf' && t !== '...' && t !== '…' && !t.startsWith('>'));
  let id = '';
  let used = 0;
  for (let n = Math.min(2, tokens.length); n >= 1; n--) {
    const cand = tokens.slice(0, n).map((t) => t.split('|')[0]).join(':'); // `show model|hardware` → show:model
    if (manifest.commands[cand]) { id = cand; used = n; break; }
  }
  if (!id) return `unknown command "${tokens.slice(0, 2).join(' ')}"`;
  const cmd = manifest.commands[id];
  const byChar = new Map(Object.entries(cmd.flags).filter(([, f]) => f.char).map(([k, f]) => [f.char!, k]));
  let positional = 0;
  for (let i = used; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith('-') && t.length > 1 && !/^-\d/.test(t)) {
      const [raw, inline] = t.split('=', 2);
      const name = raw.startsWith('--') ? raw.slice(2) : byChar.get(raw.slice(1));
      const flag = name === undefined ? undefined : cmd.flags[name];
      if (!flag) return `${id.replace(':', ' ')} has no flag ${raw}`;
      if (flag.type === 'option' && inline === undefined) i++;
    } else positional++;
  }
  const required = Object.values(cmd.args).filter((a) => a.required).length;
  if (full && positional < required) return `${id.replace(':', ' ')} needs ${required} argument(s), the line gives ${positional}`;
  return null;
}

const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('hwperf command lines in the documentation', () => {
  it('the checker catches a missing argument, an unknown flag and an unknown command', () => {
    expect(check('hwperf list')).toMatch(/needs 1 argument/);
    expect(check('hwperf simulate --model x --hardware y --no-such-flag 3')).toMatch(/no flag --no-such-flag/);
    expect(check('hwperf frobnicate')).toMatch(/unknown command/);
    expect(check('hwperf show model llama-3.1-8b --json')).toBeNull();
  });
  it('README.md has command lines to check (the extraction is not vacuous)', () => {
    const lines = commandLines(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(lines.filter((l) => l.full).length).toBeGreaterThan(20);
    expect(lines.some((l) => l.line.startsWith('hwperf merge shards/small-*.csv --out small.csv'))).toBe(true);
  });
  for (const file of docs) {
    it(`${file}: every hwperf command line parses`, () => {
      const md = readFileSync(join(root, file), 'utf8');
      const bad = commandLines(md).map(({ line, full }) => [line, check(line, full)] as const).filter(([, e]) => e).map(([l, e]) => `${e}: ${l}`);
      expect(bad).toEqual([]);
    });
  }
});
