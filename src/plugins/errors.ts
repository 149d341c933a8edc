// One error type for everything the article's Markdown plugins reject, so a build
// failure always reads the same way:
//
//   content/article.md:42:3: unknown figure id "trained-n6" in ::figure[trained-n6].
//     Known figure ids: relu, trained-n4, trained-n5.
//     Fix: ...
//
// The location goes into the message text itself (not only into properties) because
// Astro and Vitest print `error.message` and nothing else is guaranteed to show.

import path from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';

export interface SourcePlace {
  /** Path of the Markdown file, absolute or relative; a file: URL is accepted too. */
  file: string | URL | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

export class ArticleBuildError extends Error {
  /** Path as printed (relative to the working directory when inside it). */
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /**
   * Astro reads `loc` to point its error overlay at the source. Only set with a line:
   * Astro prints `file:line:column` and would show "undefined" otherwise.
   */
  readonly loc?: { file: string; line: number; column?: number };

  constructor(place: SourcePlace, problem: string, details: string[] = []) {
    const file = displayPath(place.file);
    const where = [file, place.line, place.column].filter((part) => part !== undefined).join(':');
    super([`${where}: ${problem}`, ...details.map((line) => `  ${line}`)].join('\n'));
    this.name = 'ArticleBuildError';
    this.file = file;
    this.line = place.line;
    this.column = place.column;
    if (place.line !== undefined) {
      this.loc = {
        file: absolutePath(place.file),
        line: place.line,
        ...(place.column !== undefined ? { column: place.column } : {}),
      };
    }
    // A mistake in a post is the author's, not the code's: the message already says where
    // and how to fix it (quoting the underlying error's message where there is one), and
    // the frames of the plugin that noticed it would only bury that under a stack trace.
    // Astro prints the message, then a "Stack trace:" heading whenever the stack is set,
    // the cause's stack and the error's own enumerable properties: so the stack stays
    // empty (Vite rewrites the stack of a failed build's error, hence the accessor),
    // there is no cause, and the location is hidden.
    Object.defineProperty(this, 'stack', { get: () => '', set: () => {}, configurable: true, enumerable: false });
    for (const key of ['file', 'line', 'column', 'loc']) Object.defineProperty(this, key, { enumerable: false });
    // Astro's Markdown renderer console.error()s a failing file's error before rethrowing
    // it, and Astro then prints it again: the first, a dump, is left empty so the message
    // reads once.
    Object.defineProperty(this, inspect.custom, { value: () => '', enumerable: false });
  }
}

function absolutePath(file: string | URL | undefined): string {
  if (file === undefined) return '<unknown markdown file>';
  if (file instanceof URL) return fileURLToPath(file);
  if (file.startsWith('file:')) return fileURLToPath(file);
  return path.resolve(file);
}

/** Paths inside the working directory are printed relative to it: shorter, and clickable in terminals. */
export function displayPath(file: string | URL | undefined): string {
  if (file === undefined) return '<unknown markdown file>';
  const absolute = absolutePath(file);
  const relative = path.relative(process.cwd(), absolute);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}
