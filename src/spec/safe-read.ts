// Reading spec files that strangers wrote. A spec named on the command line must be a regular file under a size
// cap; a file it names through `extends:` must also be a relative path to a .yaml/.yml file whose real location
// (symlinks resolved) lies inside the spec tree: the folder of the file named on the command line, or the folders
// given with --spec-root. Devices, FIFOs, sockets, /proc files and absolute paths are refused before a byte is read,
// and a file is opened non-blocking and read only up to the cap, so nothing can hang or fill memory.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Largest spec file read, in bytes (the biggest library file is ~10 kB). */
export const SPEC_SIZE_CAP = 1 << 20;

let specRoots: string[] = [];
/** Extra folders that `extends:` paths may reach (the global --spec-root flag). */
export function setSpecRoots(dirs: string[]): void {
  specRoots = dirs.map((d) => resolve(d));
}
export function getSpecRoots(): string[] {
  return specRoots;
}

// errno codes in words: a message says what is wrong with the path, never a raw ENAMETOOLONG
const CODES: Record<string, string> = {
  ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links', ENOTDIR: 'a part of the path is a file, not a folder', EISDIR: 'is a folder, not a file',
  EMFILE: 'too many open files', EIO: 'an input/output error',
};
export function whyNot(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && CODES[code]) ?? 'cannot read it';
}

export type ReadResult = { text: string; bytes: Buffer; real: string } | { error: string; suggestion?: string };

/** Is `file` (a real path) inside `dir` (a real path)? */
export function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The real folders an `extends:` path from a spec tree rooted at `topFile` may reach. */
export function treeRoots(topFile: string): string[] {
  const roots = [dirname(resolve(topFile)), ...specRoots].map((d) => real(d)).filter((d): d is string => !!d);
  return [...new Set(roots)];
}

/**
 * Check that `ref` (as written after `extends:`, relative to `fromFile`) names a spec file this tree may read.
 * Returns the absolute path, or why not. Nothing is opened.
 */
export function checkExtendsPath(ref: string, fromFile: string, roots: string[]): { path: string } | { error: string; suggestion?: string } {
  if (isAbsolute(ref) || /^~/.test(ref) || /^[A-Za-z]:[\\/]/.test(ref)) {
    return { error: 'takes a library id or a path relative to this file, not an absolute path', suggestion: 'copy the file next to yours, or pass --spec-root DIR' };
  }
  if (!/\.ya?ml$/i.test(ref)) return { error: 'a file path must end in .yaml or .yml' };
  const abs = resolve(dirname(fromFile), ref);
  const r = real(abs);
  if (!r) return { error: 'no such file', suggestion: 'paths are relative to the file that extends' };
  if (!roots.some((root) => isInside(r, root))) {
    return { error: 'the file is outside the spec folder', suggestion: 'keep extended files in the folder of the spec you name, or widen it with --spec-root DIR' };
  }
  return { path: r };
}

/**
 * Read a spec file: a regular file, at most SPEC_SIZE_CAP bytes, opened non-blocking (a FIFO never hangs). `kind`
 * names it in messages (a sweep grid, a bench result and a config.json are read the same way).
 */
export function readSpecFile(path: string, kind = 'spec file'): ReadResult {
  return readUserFile(path, SPEC_SIZE_CAP, kind);
}

/** Largest data file read whole (a request trace, a sweep shard, a measurements CSV). */
export const DATA_SIZE_CAP = 256 << 20;

/**
 * Read a file the user named (a trace, a shard, a CSV): a regular file of at most `cap` bytes, opened
 * non-blocking, so that a device, FIFO, folder or /proc file is one error and never a hang or a flood. `kind`
 * (a trace, a sweep shard, …) is what the messages call it.
 */
export function readUserFile(path: string, cap: number, kind: string): ReadResult {
  if (path === '') return { error: 'no file named' };
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    return { error: whyNot(e) };
  }
  if (st.isDirectory()) return { error: `is a folder, not a ${kind}` };
  if (!st.isFile()) return { error: 'is not a regular file (a device, FIFO or socket)', suggestion: `save the ${kind} to a file first` };
  if (st.size > cap) return { error: `is larger than ${sizeText(cap)}, too large to read`, suggestion: `check that this is the ${kind} you meant` };
  const r = real(path) ?? path;
  let fd: number | undefined;
  try {
    fd = openSync(r, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { error: 'is not a regular file (a device, FIFO or socket)' };
    // /proc-style files report size 0 and grow: read at most cap + 1 bytes whatever stat said
    const buf = Buffer.alloc(Math.min(cap + 1, Math.max(fst.size, 0) + 1));
    let n = 0;
    while (n < buf.length) {
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
    }
    if (n > cap || (n === buf.length && fst.size === 0)) return { error: `is larger than ${sizeText(cap)} or not a regular file` };
    // UTF-32's byte-order marks first: little-endian UTF-32's begins with UTF-16's (FF FE)
    if (n >= 4 && ((buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0) || (buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff))) return { error: 'is UTF-32 text; save it as UTF-8' };
    if (buf[0] === 0xff && buf[1] === 0xfe) return { error: 'is UTF-16 text; save it as UTF-8' };
    if (buf[0] === 0xfe && buf[1] === 0xff) return { error: 'is UTF-16 text; save it as UTF-8' };
    const bytes = buf.subarray(0, n);
    return { text: bytes.toString('utf8'), bytes, real: r };
  } catch (e) {
    return { error: `cannot read file: ${whyNot(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`;
}
