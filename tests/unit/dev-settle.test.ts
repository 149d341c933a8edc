/**
 * src/plugins/dev-settle.ts: under `npm run dev`, a post's Markdown or bibliography saved in
 * place (truncated, then written) can reach Astro as one change read between the two steps,
 * while Vite's watcher drops the change that completes the save. Each such change is
 * announced once more after the file has been quiet, so Astro reads the whole file.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { announceSettledChanges, SETTLE_MS } from '../../src/plugins/dev-settle.ts';

const content = path.resolve('/project/content');
const post = path.join(content, 'post', 'post.md');

/** A watcher that records every change it emits, ours and the repeats. */
function watcher(): { emitter: EventEmitter; seen: string[] } {
  const emitter = new EventEmitter();
  const seen: string[] = [];
  emitter.on('change', (file: string) => seen.push(file));
  announceSettledChanges(emitter, content);
  return { emitter, seen };
}

describe('settled content changes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('announces a post.md change once more when the file has been quiet, and only once for a burst', () => {
    const { emitter, seen } = watcher();
    emitter.emit('change', post);
    vi.advanceTimersByTime(SETTLE_MS / 2);
    emitter.emit('change', post); // the second half of a two-step save, if the watcher reports it
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(seen).toEqual([post, post]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([post, post, post]);
    // The repeat is not repeated in turn.
    vi.advanceTimersByTime(10 * SETTLE_MS);
    expect(seen).toHaveLength(3);
  });

  it('covers references.bib too, and nothing outside a post’s Markdown and bibliography', () => {
    const { emitter, seen } = watcher();
    const bib = path.join(content, 'post', 'references.bib');
    const figure = path.join(content, 'post', 'figures', 'dots.ts');
    const elsewhere = path.resolve('/project/README.md');
    for (const file of [bib, figure, elsewhere]) emitter.emit('change', file);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(seen).toEqual([bib, figure, elsewhere, bib]);
  });

  it('settles each file on its own', () => {
    const { emitter, seen } = watcher();
    const other = path.join(content, 'other', 'post.md');
    emitter.emit('change', post);
    vi.advanceTimersByTime(SETTLE_MS - 100);
    emitter.emit('change', other);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([post, other, post]);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(seen).toEqual([post, other, post, other]);
  });
});
