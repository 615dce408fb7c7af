import { describe, expect, it } from 'vitest';
import { render, startProgress } from '../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { isTTY, write: (s: string) => out.push(s), out };
}

describe('progress', () => {
  it('draws nothing when stderr is not a terminal, or with --json', () => {
    for (const [tty, json] of [[false, false], [true, true]] as const) {
      const s = fakeStream(tty);
      const p = startProgress({ total: 10, json, stream: s, delayMs: 0, now: () => 1e6 });
      p.update(5);
      p.done();
      expect(p.enabled).toBe(false);
      expect(s.out).toEqual([]);
    }
  });

  it('stays quiet for the first second, then redraws at most every 100 ms and erases the line at the end', () => {
    const s = fakeStream(true);
    let t = 0;
    const p = startProgress({ label: 'sweep', total: 4, stream: s, now: () => t });
    t = 999;
    p.update(1);
    expect(s.out).toEqual([]);
    t = 1000;
    p.update(2);
    t = 1050;
    p.update(3); // too soon after the last redraw
    t = 1100;
    p.update(4);
    p.done();
    p.done();
    expect(s.out).toEqual([
      `\rsweep [${'#'.repeat(15)}${'.'.repeat(15)}] 2/4 50%\x1b[K`,
      `\rsweep [${'#'.repeat(30)}] 4/4 100%\x1b[K`,
      '\r\x1b[K',
    ]);
  });

  it('a fast run never draws, and done() then writes nothing', () => {
    const s = fakeStream(true);
    const p = startProgress({ total: 3, stream: s, now: () => 0 });
    p.update(3);
    p.done();
    expect(s.out).toEqual([]);
  });

  it('without a total it is a spinner with the count', () => {
    expect(render(7, undefined, 'bench', 1)).toBe('bench / 7');
    expect(render(0, 0, '', 0)).toBe('| 0');
  });
});
