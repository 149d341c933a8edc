// rehype-katex, but malformed math stops the build.
//
// rehype-katex 7 never throws: it calls KaTeX with throwOnError forced on, catches
// the error, records a *warning* on the file and renders a red error span instead.
// Astro does not surface those warnings, so a typo in a formula would ship silently.
// This wrapper runs rehype-katex unchanged, then turns each KaTeX message it recorded
// into one error naming the Markdown file, line and column, and KaTeX's reason.

import type { Element, Root } from 'hast';
import type { KatexOptions } from 'katex';
import rehypeKatex from 'rehype-katex';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { ArticleBuildError } from './errors.ts';

export type RehypeKatexStrictOptions = KatexOptions;

/** Defaults chosen for the article: unknown or non-LaTeX input is an error, not a warning. */
const STRICT_DEFAULTS: KatexOptions = { strict: 'error', throwOnError: true };

export default function rehypeKatexStrict(options: RehypeKatexStrictOptions = {}) {
  // rehype-katex decides throwOnError itself (see above); pass the rest through.
  const { throwOnError: _ignored, ...katexOptions } = { ...STRICT_DEFAULTS, ...options };
  const render = rehypeKatex(katexOptions);

  return function transform(tree: Root, file: VFile): undefined {
    const before = file.messages.length;
    render(tree, file);
    const failures = file.messages.slice(before).filter((message) => message.source === 'rehype-katex');
    if (failures.length === 0) return;

    // Keep the warnings from piling up when the same VFile is reported elsewhere.
    file.messages.splice(before);
    const [first, ...rest] = failures as [VFileMessage, ...VFileMessage[]];
    const describe = (message: VFileMessage) => {
      const figureId = captionFigureId(message);
      const reason = message.cause instanceof Error ? message.cause.message : message.reason;
      return `${figureId ? `in the caption of figure "${figureId}" (from the figure manifest): ` : ''}${reason}`;
    };
    const firstPlace = placeOf(first);
    throw new ArticleBuildError(
      { file: file.path, line: firstPlace.line, column: firstPlace.column },
      `malformed math: ${describe(first)}`,
      [
        ...rest.map((message) => {
          const { line, column } = placeOf(message);
          return `also at ${line ?? '?'}:${column ?? '?'}: ${describe(message)}`;
        }),
        'Fix: correct the TeX between the $ signs (KaTeX runs with strict: "error", so non-LaTeX input such as Unicode symbols in math mode is rejected too).',
      ],
    );
  };
}

/**
 * Line and column of the failing math. Display math (`$$…$$`) becomes
 * <pre><code class="math-display">, and only the <pre> keeps the Markdown position,
 * so fall back to the nearest ancestor that has one.
 */
function placeOf(message: VFileMessage): { line: number | undefined; column: number | undefined } {
  if (message.line != null) return { line: message.line, column: message.column ?? undefined };
  const ancestors = (message.ancestors ?? []) as Array<{ position?: { start: { line: number; column: number } } }>;
  for (let index = ancestors.length - 1; index >= 0; index -= 1) {
    const start = ancestors[index]?.position?.start;
    if (start) return { line: start.line, column: start.column };
  }
  return { line: undefined, column: undefined };
}

/** The figure id when the failing math sits in a figure caption (which comes from the manifest). */
function captionFigureId(message: VFileMessage): string | undefined {
  const ancestors = (message.ancestors ?? []) as Array<Partial<Element>>;
  if (!ancestors.some((node) => node.tagName === 'figcaption')) return undefined;
  const figure = ancestors.find((node) => node.tagName === 'figure');
  const id = figure?.properties?.id;
  return typeof id === 'string' ? id.replace(/^fig-/, '') : undefined;
}
