// The contents box is built from the headings' Markdown (src/plugins/remark-contents.ts):
// a formula in a heading appears once, rendered by KaTeX, not as KaTeX's MathML, TeX
// annotation and HTML run together ("the 2m2m2m bound").
import { describe, expect, it } from 'vitest';
import type { Heading } from 'mdast';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMath from 'remark-math';
import { headingContents } from '../../src/plugins/remark-contents.ts';

function heading(markdown: string): Heading {
  const tree = unified().use(remarkParse).use(remarkMath).parse(markdown);
  return tree.children[0] as Heading;
}

describe('headingContents', () => {
  it('renders the math of a heading once and keeps its TeX as the plain text', () => {
    const { html, text } = headingContents(heading('## 7. How many free dimensions: the $2m$ bound\n'));
    expect(text).toBe('7. How many free dimensions: the 2m bound');
    expect(html.startsWith('7. How many free dimensions: the <span class="katex">')).toBe(true);
    expect(html.endsWith('</span> bound')).toBe(true);
    expect(html.match(/class="katex"/g)).toHaveLength(1);
  });

  it('escapes text and keeps inline code', () => {
    expect(headingContents(heading('## Sizes: a < b & c, `n < m`\n')).html).toBe('Sizes: a &lt; b &amp; c, <code>n &lt; m</code>');
  });
});
