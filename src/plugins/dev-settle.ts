// Dev server only (`npm run dev`): a save that reaches the disk in two steps must not
// leave the page showing the version before it.
//
// Many editors, `echo … > file` and `writeFileSync` save in place: the file is truncated,
// then written. Vite's watcher (chokidar 3) reports a file's change and then drops any
// further change of the same file for 50 ms, so when the report comes between the two
// steps and Astro's content layer reads the file at once, it reads an empty or partial
// post.md, and the change that completes the save is never reported. Astro keeps the
// entry it had (an empty file has no front matter to load), and the page goes on showing
// the previous version until the next save. Seen in tests/unit/dev-server.test.ts on a
// loaded machine: a fix saved after a typed digit never replaced the digit's error.
//
// So each change of a post's Markdown or bibliography is announced once more when the
// file has been quiet for SETTLE_MS. When the first read was whole the repeat is cheap:
// Astro's loader skips a file whose content digest it already holds.

import path from 'node:path';
import type { Plugin as VitePlugin } from 'vite';

/** Quiet time after a file's last change before it is announced again. */
export const SETTLE_MS = 300;

/** The source files whose change Astro must see whole: a post's Markdown and its bibliography. */
const settles = (file: string, content: string) => file.startsWith(content + path.sep) && /\.(md|bib)$/.test(file);

/** Minimal watcher shape (Vite's chokidar FSWatcher), so tests can pass an EventEmitter. */
export interface ChangeEmitter {
  on(event: 'change', listener: (file: string) => void): unknown;
  emit(event: 'change', file: string): unknown;
}

/** Re-announces each settled change of a file under `contentDir` on `watcher` once. */
export function announceSettledChanges(watcher: ChangeEmitter, contentDir: string, settleMs = SETTLE_MS): { close(): void } {
  const content = path.resolve(contentDir);
  const pending = new Map<string, NodeJS.Timeout>();
  // The repeat goes through the same watcher; it must not schedule another.
  const repeating = new Set<string>();
  watcher.on('change', (file) => {
    const absolute = path.resolve(file);
    if (repeating.delete(absolute) || !settles(absolute, content)) return;
    clearTimeout(pending.get(absolute));
    pending.set(
      absolute,
      setTimeout(() => {
        pending.delete(absolute);
        repeating.add(absolute);
        watcher.emit('change', file);
      }, settleMs),
    );
  });
  return {
    close() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}

export function settledContentChanges(contentDir: string): VitePlugin {
  return {
    name: 'article:settled-content-changes',
    apply: 'serve',
    configureServer(server) {
      const announcer = announceSettledChanges(server.watcher, contentDir);
      server.httpServer?.once('close', () => announcer.close());
    },
  };
}
