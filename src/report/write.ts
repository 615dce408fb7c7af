// Output files are all-or-nothing. A file is written to a hidden temporary sibling and renamed into place; a
// report folder is filled as a hidden sibling folder and renamed into place (with --force the old folder is
// moved aside first and removed after), so a reader never sees half a report or a mix of old and new files.
// Temporary paths are removed on every exit the process controls (normal exit, errors, SIGINT/SIGTERM/SIGHUP);
// what a SIGKILL leaves behind is recognised by its dead process id and cleared by the next run.
// Output paths are checked before any work starts: one line `--out PATH: …`, never a raw ENOTDIR/EISDIR.
import {
  accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { BUG_WORDS, FAULT_WORDS_SPELLED, UserError, maskWords } from '../spec/errors.js';

const temps = new Set<string>();
let hooked = false;

function cleanup(): void {
  for (const t of temps) {
    try {
      rmSync(t, { recursive: true, force: true });
    } catch {
      // best effort: the next run clears what is left
    }
  }
  temps.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanup);
  for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(128 + n);
    });
  }
}

/** A temporary path that is removed when the process ends, whatever way it ends (short of SIGKILL). */
export function registerTemp(path: string): string {
  hook();
  temps.add(path);
  return path;
}
export function releaseTemp(path: string): void {
  temps.delete(path);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Rename several finished temporary files into place as one step: a journal beside the first target lists the
 * renames before the first one is made and is removed after the last. A process killed between two renames
 * (SIGKILL: no handler runs) leaves the journal; the next run that writes there finishes the renames
 * (clearStale → rollForward) before it looks at anything else, so a set of outputs (a sweep CSV and its
 * Pareto files, a merge) is never left half old and half new.
 */
export function commitRenames(pairs: [tmp: string, final: string][]): void {
  if (pairs.length === 0) return;
  if (pairs.length === 1) {
    renameSync(pairs[0]![0], pairs[0]![1]);
    return;
  }
  const first = pairs[0]![1];
  const journal = registerTemp(join(dirname(first), `.${basename(first)}.${process.pid}.commit`));
  writeFileSync(journal, JSON.stringify(pairs));
  for (const [t, f] of pairs) renameSync(t, f);
  rmSync(journal, { force: true });
  releaseTemp(journal);
}

/** Finish the renames of journals in `dir` whose process no longer runs (see commitRenames). */
function rollForward(dir: string, names: string[]): void {
  for (const n of names) {
    const m = /^\..+\.(\d+)\.commit$/.exec(n);
    if (!m || alive(Number(m[1]))) continue;
    const journal = join(dir, n);
    try {
      const pairs = JSON.parse(readFileSync(journal, 'utf8')) as unknown;
      if (Array.isArray(pairs)) {
        for (const p of pairs) {
          if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'string') continue;
          // only siblings in this folder: a journal is never a way to move files elsewhere
          if (dirname(p[0]) !== dir || dirname(p[1]) !== dir || !basename(p[0]).startsWith('.')) continue;
          if (existsSync(p[0])) renameSync(p[0], p[1]);
        }
      }
      rmSync(journal, { force: true });
    } catch {
      // another run got there first
    }
  }
}

/**
 * The hidden temporary sibling `.NAME.PID.tmp` a file is written to before it is renamed into place, registered so
 * that it is removed on any exit short of SIGKILL (clearStale below recognises the name after one).
 */
export function tempSibling(path: string): string {
  return registerTemp(join(dirname(path), `.${basename(path)}.${process.pid}.tmp`));
}

/** Temporary siblings of `target` left by a process that no longer runs: removed (a folder moved aside is restored). */
export function clearStale(target: string): void {
  const dir = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  if (names.some((n) => n.endsWith('.commit'))) {
    rollForward(dir, names);
    names = readdirSync(dir);
  }
  const prefix = `.${base}.`;
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)(?:\.\d+)?\.(tmp|partial|old|commit)$/.exec(n.slice(prefix.length));
    if (!m || alive(Number(m[1]))) continue;
    const p = join(dir, n);
    try {
      if (m[2] === 'old' && !existsSync(target)) renameSync(p, target); // crashed between the two renames
      else rmSync(p, { recursive: true, force: true });
    } catch {
      // another run got there first
    }
  }
}

// a file name and its temporary sibling (`.NAME.PID.TIME.tmp`, ~30 bytes more) must both fit NAME_MAX (255)
const NAME_MAX = 220;
function checkName(flag: string, shown: string, abs: string): void {
  const short = (s: string) => (s.length > 60 ? `${s.slice(0, 40)}…` : s);
  // a newline in a name would split every line that names the file (and every CSV row or log that lists it)
  if (/[\u0000-\u001f\u007f]/.test(shown)) throw new UserError(`${flag} ${JSON.stringify(short(shown))}: the name holds a control character (a newline or tab); choose another name`);
  // hwperf prints its outputs' paths (`wrote PATH`, --json's "out") as they are, and a fault word there could not be
  // told from a fault (src/spec/errors.ts BUG_WORDS; masking it would print a path that does not exist)
  if (BUG_WORDS.test(abs)) throw new UserError(`${flag} ${maskWords(short(shown))}: the path holds a word hwperf prints only for a fault (shown here as ${FAULT_WORDS_SPELLED}); choose another name`);
  if (Buffer.byteLength(basename(abs)) > NAME_MAX) throw new UserError(`${flag} ${short(shown)}: the file name is longer than ${NAME_MAX} bytes`);
  if (Buffer.byteLength(abs) > 4000) throw new UserError(`${flag} ${short(shown)}: the path is longer than 4000 bytes`);
}

const SYSTEM = ['/proc', '/sys', '/dev'];
function nearestExisting(p: string): string {
  let cur = p;
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

function checkWritableFolder(flag: string, target: string, folder: string): void {
  let real = folder;
  try {
    real = realpathSync(folder);
  } catch {
    // checked below
  }
  if (SYSTEM.some((s) => real === s || real.startsWith(s + sep))) throw new UserError(`${flag} ${target}: cannot write under ${real} (a system folder)`);
  let st;
  try {
    st = statSync(folder);
  } catch {
    throw new UserError(`${flag} ${target}: cannot reach ${folder}`);
  }
  if (!st.isDirectory()) throw new UserError(`${flag} ${target}: ${folder} is a file, not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`${flag} ${target}: folder ${folder} is not writable`);
  }
}

/** An output file: its folder must exist and be writable; an existing file needs --force; a folder or device is refused. */
export function checkOutFile(path: string, force: boolean, flag = '--out'): string {
  const abs = resolve(path);
  // a trailing separator, "." or ".." names a folder (DIR/. made the temporary sibling "DIR/...PID.tmp")
  if (path === '' || /[\\/]$/.test(path) || /(^|[\\/])\.\.?$/.test(path)) throw new UserError(`${flag} ${path}: expected a file name, not a folder`);
  checkName(flag, path, abs);
  const parent = dirname(abs);
  if (!existsSync(parent)) {
    const near = nearestExisting(parent);
    if (existsSync(near) && !statSync(near).isDirectory()) throw new UserError(`${flag} ${path}: ${near} is a file, not a folder`);
    throw new UserError(`${flag} ${path}: folder ${parent} does not exist (create it first)`);
  }
  checkWritableFolder(flag, path, parent);
  const st = lstatOrNone(abs);
  if (st) {
    if (st.isDirectory()) throw new UserError(`${flag} ${path}: is a folder; give a file name`);
    if (!st.isFile()) throw new UserError(`${flag} ${path}: exists and is not a regular file`);
    if (!force) throw new UserError(`${flag} ${path}: exists; pass --force to overwrite it`);
  }
  return abs;
}

/** The path's own entry (a symbolic link is not followed), or undefined when there is none. */
function lstatOrNone(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** An output folder: created by the write; an existing one must be a folder, and a non-empty one needs --force. */
export function checkOutDir(dir: string, force: boolean, flag = '--out'): string {
  if (dir === '') throw new UserError(`${flag}: expected a folder name`);
  const abs = resolve(dir);
  checkName(flag, dir, abs);
  clearStale(abs); // what a killed run left (a folder moved aside comes back) before anything is judged
  // lstat, not existsSync: a dangling symbolic link exists too (a rename onto it failed with a raw ENOTDIR)
  const st = lstatOrNone(abs);
  if (st) {
    if (!st.isDirectory()) throw new UserError(`${flag} ${dir}: exists and is not a folder${st.isSymbolicLink() ? ' (a symbolic link)' : ''}`);
    clearStale(abs);
    if (readdirSync(abs).length > 0 && !force) throw new UserError(`${flag} ${dir}: folder exists and is not empty; pass --force to overwrite its report`);
    checkWritableFolder(flag, dir, dirname(abs));
    return abs;
  }
  const near = nearestExisting(dirname(abs));
  checkWritableFolder(flag, dir, near);
  return abs;
}

export function writeFileAtomic(path: string, data: string | Buffer): void {
  writeFilesAtomic([[path, data]]);
}

/** Several files that belong together (a CSV and its chart): each written to a temporary sibling, then all renamed in one commit. */
export function writeFilesAtomic(files: [path: string, data: string | Buffer][]): void {
  const pairs: [string, string][] = [];
  try {
    for (const [path, data] of files) {
      mkdirSync(dirname(path), { recursive: true });
      clearStale(path);
      const tmp = registerTemp(join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`));
      pairs.push([tmp, path]);
      writeFileSync(tmp, data);
    }
    commitRenames(pairs);
  } finally {
    for (const [tmp] of pairs) {
      rmSync(tmp, { force: true });
      releaseTemp(tmp);
    }
  }
}

// A file that must not be replaced silently.
export function checkWritable(path: string, force: boolean, flag = '--force'): void {
  checkOutFile(path, force, flag === '--force' ? '--out' : flag);
}

/**
 * Fill a report folder all at once: `fill` writes into a hidden sibling, which is renamed to `dir` when it is
 * complete. An existing `dir` (allowed by force) is moved aside and removed only after the new one is in place.
 */
export async function writeDirAtomic<T>(dir: string, force: boolean, fill: (tmpDir: string) => Promise<T>): Promise<T> {
  const abs = checkOutDir(dir, force);
  const parent = dirname(abs);
  mkdirSync(parent, { recursive: true });
  clearStale(abs);
  const tmp = registerTemp(join(parent, `.${basename(abs)}.${process.pid}.partial`));
  const old = join(parent, `.${basename(abs)}.${process.pid}.old`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const r = await fill(tmp);
    if (existsSync(abs)) {
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs);
        throw e;
      }
      registerTemp(old);
      rmSync(old, { recursive: true, force: true });
      releaseTemp(old);
    } else {
      renameSync(tmp, abs);
    }
    return r;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    releaseTemp(tmp);
  }
}

// Kept for callers that only validate: an existing non-empty report folder needs --force.
export function prepareOutDir(dir: string, force: boolean): void {
  checkOutDir(dir, force);
}
