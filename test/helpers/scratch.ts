// A temporary folder for one test file, removed after it: `scratch.write(name, text)` returns the path and
// `scratch.dir` the folder (set in beforeAll, so read it inside tests).
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useScratchDir(prefix: string) {
  const scratch = {
    dir: '',
    write(name: string, text: string): string {
      const p = join(scratch.dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
  beforeAll(() => {
    scratch.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(scratch.dir, { recursive: true, force: true }));
  return scratch;
}
