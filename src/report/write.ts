// Output files are written atomically (a temp file beside the target, then rename) and an existing
// report directory is never overwritten without --force.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { UserError } from '../spec/errors.js';

export function writeFileAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

// A file that must not be replaced silently.
export function checkWritable(path: string, force: boolean, flag = '--force'): void {
  if (existsSync(path) && !force) throw new UserError(`${path} exists; pass ${flag} to overwrite it`);
}

// A report directory: created when missing; an existing non-empty one needs --force.
export function prepareOutDir(dir: string, force: boolean): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UserError(`--out ${dir}: exists and is not a directory`);
    if (readdirSync(dir).length > 0 && !force) throw new UserError(`--out ${dir}: directory exists and is not empty; pass --force to overwrite its report`);
  }
  mkdirSync(dir, { recursive: true });
}
