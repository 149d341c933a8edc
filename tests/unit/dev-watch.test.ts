/**
 * The dev loop's watcher (pipeline/dev/watch.ts) sees a save by rename: `mv tmp file`,
 * `sed -i` and editors' safe writes replace the file instead of writing into it. Node 20's
 * recursive fs.watch on Linux reports the temporary name and then goes deaf to the file
 * (issue 28); each case below waits for the event under the file's own name.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTree, type TreeWatcher } from '../../pipeline/dev/watch.ts';

let watcher: TreeWatcher | undefined;
const roots: string[] = [];
afterEach(() => {
  watcher?.close();
  roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true }));
});

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-watch-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'post/figures'), { recursive: true });
  fs.writeFileSync(path.join(root, 'post/figures/dots.ts'), 'export const color = "red";\n');
  return root;
}

/** Resolves with the first reported path equal to `wanted` after `act` runs; fails after 10 s with what was seen. */
function reported(seen: string[], wanted: string, act: () => void): Promise<void> {
  seen.length = 0;
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (seen.includes(wanted)) {
        clearInterval(poll);
        clearTimeout(limit);
        resolve();
      }
    }, 20);
    const limit = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no event for ${wanted}; saw ${JSON.stringify(seen)}`));
    }, 10_000);
    act();
  });
}

describe('watchTree', () => {
  it('reports a file replaced by rename, then later edits of it, sed -i, and files in new folders', async () => {
    const root = tree();
    const seen: string[] = [];
    watcher = watchTree(root, (relative) => seen.push(relative));
    const file = path.join(root, 'post/figures/dots.ts');
    const figure = path.join('post', 'figures', 'dots.ts');

    await reported(seen, figure, () => {
      fs.writeFileSync(path.join(root, 'post/figures/tmp'), 'export const color = "blue";\n');
      fs.renameSync(path.join(root, 'post/figures/tmp'), file);
    });
    // Still watched after being replaced.
    await reported(seen, figure, () => fs.appendFileSync(file, '// more\n'));
    await reported(seen, figure, () => execFileSync('sed', ['-i', 's/blue/green/', file]));
    expect(fs.readFileSync(file, 'utf8')).toContain('green');

    await reported(seen, path.join('post', 'tables', 'new.ts'), () => {
      fs.mkdirSync(path.join(root, 'post/tables'));
      fs.writeFileSync(path.join(root, 'post/tables/new.ts'), 'export {};\n');
    });
  }, 60_000);

  it('skips hidden files and folders', async () => {
    const root = tree();
    const seen: string[] = [];
    watcher = watchTree(root, (relative) => seen.push(relative));
    await reported(seen, path.join('post', 'b.ts'), () => {
      fs.writeFileSync(path.join(root, 'post/.dots.ts.swp'), 'x');
      fs.writeFileSync(path.join(root, 'post/b.ts'), 'x');
    });
    expect(seen.filter((name) => name.includes('.swp'))).toEqual([]);
  });
});
