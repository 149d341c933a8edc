/**
 * The run store's environment: a read-only or full disk, or a file where a folder should
 * be. Such faults are not bugs, so they end in one line (the path, what is wrong, the
 * fix), and they are looked for before training starts, not found after it is spent.
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMP_MARK } from './runStore.ts';

/** A fault of the store's file system; its message is one line with the path and the fix. */
export class StoreError extends Error {}

/** The nearest existing ancestor of `file` (itself included). */
function nearestExisting(file: string): string {
  let at = path.resolve(file);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/**
 * The path that keeps `dir` from being a folder: the first component, from the top, that
 * exists but is not a folder (a file, or a symbolic link that points nowhere or at a
 * file), with what it is and the fix; null when every existing component is a folder.
 */
export function folderBlocker(dir: string): string | null {
  const parts: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    parts.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const at of parts) {
    let stats;
    try {
      stats = lstatSync(at);
    } catch {
      return null; // missing: it can be created
    }
    if (stats.isDirectory()) continue;
    if (stats.isSymbolicLink()) {
      const target = readlinkSync(at);
      let resolved: ReturnType<typeof statSync> | null = null;
      try {
        resolved = statSync(at);
      } catch {
        return `${at} is a symbolic link to ${target}, which does not exist, where the run store needs a folder; restore what it points to, or remove just that link (rm ${JSON.stringify(at)})`;
      }
      if (resolved.isDirectory()) continue;
      return `${at} is a symbolic link to the file ${target} where the run store needs a folder; remove just that link (rm ${JSON.stringify(at)})`;
    }
    return `${at} is a file where the run store needs a folder; move that one file elsewhere (it is not part of the store)`;
  }
  return null;
}

/**
 * What a file-system error on the store means and how to fix it, as "<path> …; <fix>",
 * or null when it is not an environment fault (then it is a bug and keeps its stack).
 * `target` names what was being written when the error carries no path (a failed write
 * on an open file says only ENOSPC).
 */
export function describeStoreFault(error: unknown, target = '(unknown path)'): string | null {
  const { code, path: where = target } = (error ?? {}) as NodeJS.ErrnoException;
  switch (code) {
    case 'EROFS':
      return `${where} is on a read-only file system; remount it read-write, or pass --store with a writable folder`;
    case 'EACCES':
    case 'EPERM':
      return `${where} is not writable by this user; fix its permissions (chmod u+w), or pass --store with a writable folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the disk of ${where}; free some space (or pass --store on another disk) and run the same command again`;
    case 'EFBIG':
      return `${where} would exceed the largest file allowed here (file system or ulimit -f); raise the limit, or pass --store on another disk`;
    case 'ENOTDIR':
    case 'EEXIST': {
      // A rename names its destination in `dest`: that is where a folder is needed.
      const wanted = (error as { dest?: string }).dest ?? where;
      const blocker = folderBlocker(wanted) ?? folderBlocker(path.dirname(wanted));
      if (blocker) return blocker;
      return `${nearestExisting(path.dirname(wanted))} holds something that is not a folder where the run store needs one (at ${wanted}); move it elsewhere`;
    }
    case 'EISDIR':
      return `${where} is a folder where the run store needs a file; move or delete that folder`;
    case 'EIO':
      return `input/output error on ${where} (a failing disk?); check the disk, or pass --store on another one`;
    default:
      return null;
  }
}

/** Runs a store write (to `target`); an environment fault becomes a StoreError "<what>: <fault>". */
export function storeWrite<T>(what: string, write: () => T, target?: string): T {
  try {
    return write();
  } catch (error) {
    const fault = describeStoreFault(error, target);
    if (fault === null) throw error;
    throw new StoreError(`run store: ${what}: ${fault}.`, { cause: error });
  }
}

/**
 * Checks, before a run trains, that its entry and checkpoint can be written: the store's
 * folders exist (or can be made) as folders, accept a file, and the disk has room for
 * `bytesNeeded`. Throws StoreError naming what is wrong.
 */
export function checkStoreWritable(root: string, family: string, bytesNeeded: number, label: string, hash?: string): void {
  // The entry's own folder: a link left in its place (pointing nowhere) would fail only at publication.
  if (hash !== undefined) {
    const entry = path.join(root, family, hash);
    let isLink = false;
    try {
      isLink = lstatSync(entry).isSymbolicLink();
    } catch {
      // missing: it will be created
    }
    const blocker = isLink ? folderBlocker(entry) : null;
    if (blocker) throw new StoreError(`run store: cannot train "${label}": ${blocker}.`);
  }
  for (const dir of [path.join(root, family), path.join(root, 'checkpoints')]) {
    storeWrite(`cannot train "${label}"`, () => {
      const blocker = folderBlocker(dir);
      if (blocker) throw new StoreError(`run store: cannot train "${label}": ${blocker}.`);
      mkdirSync(dir, { recursive: true });
      const probe = path.join(dir, `${TEMP_MARK}probe-${process.pid}`);
      try {
        writeFileSync(probe, '');
      } catch (error) {
        throw Object.assign(error as Error, { path: dir }); // the folder is what to fix, not the probe
      } finally {
        rmSync(probe, { force: true });
      }
    });
  }
  const { bavail, bsize } = statfsSync(root);
  const free = bavail * bsize;
  if (free < bytesNeeded) {
    throw new StoreError(
      `run store: cannot train "${label}": only ${formatSize(free)} free on the disk of ${root}, and saving the run needs about ${formatSize(bytesNeeded)}; free some space (or pass --store on another disk) and run the same command again.`,
    );
  }
}

function formatSize(bytes: number): string {
  return bytes < 1e6 ? `${Math.round(bytes / 1e3)} kB` : bytes < 1e9 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e9).toFixed(1)} GB`;
}
