// The post's contents box, built from each section heading's own Markdown rather than
// from the rendered HTML's text: Astro's getHeadings() joins every text node of a
// heading, and KaTeX writes a formula three times (MathML, its TeX annotation, the
// HTML glyphs), so "the $2m$ bound" read "the 2m2m2m bound". Here the text is escaped
// and each formula rendered once by KaTeX, with the article's own settings.
//
// Runs after remark-article (so injected numbers are in place) and stores one entry per
// level-2 heading, in order, in the page's front matter as `contents`.

import katex from 'katex';
import type { Heading, Root, RootContent } from 'mdast';
import type {} from 'mdast-util-math';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

export interface ContentsEntry {
  /** The heading as inline HTML: text escaped, math rendered by KaTeX. */
  html: string;
  /** The same heading as plain text, math as its TeX source (for titles and search). */
  text: string;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type KatexOptions = Parameters<typeof katex.renderToString>[1];

function inline(node: RootContent, katexOptions: KatexOptions): ContentsEntry {
  switch (node.type) {
    case 'text':
      return { html: escapeHtml(node.value), text: node.value };
    case 'inlineMath':
      return { html: katex.renderToString(node.value, { ...katexOptions }), text: node.value };
    case 'inlineCode':
      return { html: `<code>${escapeHtml(node.value)}</code>`, text: node.value };
    default: {
      if (!('children' in node)) return { html: '', text: '' };
      const parts = (node.children as RootContent[]).map((child) => inline(child, katexOptions));
      return { html: parts.map((p) => p.html).join(''), text: parts.map((p) => p.text).join('') };
    }
  }
}

/** The contents of a heading (already stripped of an explicit {#id}). */
export function headingContents(heading: Heading, katexOptions: KatexOptions = {}): ContentsEntry {
  const parts = heading.children.map((child) => inline(child as RootContent, katexOptions));
  return { html: parts.map((p) => p.html).join('').trim(), text: parts.map((p) => p.text).join('').trim() };
}

/** `katex`: the options the article's math is rendered with (src/plugins/index.ts). */
export default function remarkContents(options: { katex?: KatexOptions } = {}) {
  return function transform(tree: Root, file: VFile): undefined {
    const contents: ContentsEntry[] = [];
    visit(tree, 'heading', (heading) => {
      if (heading.depth === 2) contents.push(headingContents(heading, options.katex));
    });
    const data = file.data as { astro?: { frontmatter?: Record<string, unknown> } };
    data.astro ??= {};
    data.astro.frontmatter ??= {};
    data.astro.frontmatter.contents = contents;
  };
}
