/**
 * Watches a folder tree for the dev loop: every directory is watched on its own
 * (inotify on the directory, not on its files), so a file replaced by rename — `mv tmp
 * file`, `sed -i`, an editor's safe write — is reported under its own name, and so are
 * folders created later. Node 20's `fs.watch(…, { recursive: true })` on Linux watches
 * each file's inode instead: after a rename it reports the temporary name once and then
 * nothing more for that file (issue 28).
 */
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface TreeWatcher {
  close(): void;
}

/** Calls `onChange` with the path (relative to `root`) of each entry created, changed, renamed or removed. */
export function watchTree(root: string, onChange: (relative: string) => void, skip: (name: string) => boolean = defaultSkip): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  /** `announce`: report what the folder already holds (it appeared after the watch began, so its files may be new). */
  const add = (dir: string, announce = false) => {
    if (watchers.has(dir) || !existsSync(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return;
        const file = path.join(dir, name.toString());
        if (skip(path.basename(file))) return;
        // A new folder (or one moved in) is watched too, with what it already holds. The
        // entry may be gone already (an editor's temporary file, renamed over the real one
        // a moment after it appeared): then there is nothing to stat, and no exception may
        // escape this callback, which would end the dev server.
        if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) add(file, true);
        onChange(path.relative(root, file));
      });
    } catch {
      return; // removed between listing and watching
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip(entry.name)) continue;
      if (entry.isDirectory()) add(path.join(dir, entry.name), announce);
      else if (announce) onChange(path.relative(root, path.join(dir, entry.name)));
    }
  };
  add(root);
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function defaultSkip(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}
