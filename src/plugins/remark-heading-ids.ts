// Explicit heading anchors: `## 7. How many free dimensions {#two-m-bound}` renders as
// <h2 id="two-m-bound">7. How many free dimensions</h2>. Links to a section then
// survive rewording and renumbering of its title. Headings without the suffix keep
// Astro's generated slug. A repeated explicit id fails the build.

import type { Root } from 'mdast';
import type {} from 'mdast-util-to-hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { ArticleBuildError } from './errors.ts';

const EXPLICIT_ID = /\s*\{#([A-Za-z][\w-]*)\}\s*$/;

export default function remarkHeadingIds() {
  return function transform(tree: Root, file: VFile): undefined {
    const seen = new Map<string, number | undefined>();
    visit(tree, 'heading', (heading) => {
      const last = heading.children.at(-1);
      if (!last || last.type !== 'text') return;
      const match = EXPLICIT_ID.exec(last.value);
      if (!match) return;
      const id = match[1] as string;
      const line = heading.position?.start.line;
      if (seen.has(id)) {
        throw new ArticleBuildError(
          { file: file.path, line, column: heading.position?.start.column },
          `heading id "${id}" is already used by the heading on line ${seen.get(id) ?? '?'}.`,
          ['Fix: give each heading its own {#id}.'],
        );
      }
      seen.set(id, line);
      last.value = last.value.slice(0, match.index);
      heading.data = { ...heading.data, hProperties: { ...heading.data?.hProperties, id } };
    });
  };
}
