// `npm run build` leaves draft posts out, so without this test a draft's Markdown mistakes
// (a typed result, an unknown :num key, a broken cross-reference) would surface only on the
// day it is published. Each draft is rendered through the site's own Markdown processor and
// checks, with its figures and numbers from figures/<slug>/, as `npm run dev` serves it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { describe, expect, it } from 'vitest';
import { isDraftProse } from '../../pipeline/post/front-matter.ts';
import { postSlugs } from '../../pipeline/post/post.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { articleMarkdown } from '../../src/plugins/index.ts';

const contentRoot = path.join(REPO_ROOT, 'content');
const drafts = postSlugs().filter((slug) => isDraftProse(fs.readFileSync(path.join(contentRoot, slug, 'post.md'), 'utf8')));

/** The body of a post.md, its front matter blanked line for line so that messages keep their line numbers. */
function bodyOf(markdown: string): string {
  const front = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(markdown);
  return front ? front[0].replace(/[^\n]/g, '') + markdown.slice(front[0].length) : markdown;
}

// When no post is a draft there is nothing to render (published posts are checked by the build).
describe.runIf(drafts.length > 0)('draft posts', () => {
  it.each(drafts)('%s passes the checks a published post must pass', async (slug) => {
    const file = path.join(contentRoot, slug, 'post.md');
    const processor = await createMarkdownProcessor({
      ...articleMarkdown({ figuresDir: path.join(REPO_ROOT, 'figures', slug), posts: { contentRoot, includeDrafts: true } }),
    });
    const { code } = await processor.render(bodyOf(fs.readFileSync(file, 'utf8')), { fileURL: pathToFileURL(file) } as never);
    expect(code).toContain('<figure');
  });
});

describe('a draft\u2019s body', () => {
  it('has its front matter blanked line for line, so messages keep their line numbers', () => {
    expect(bodyOf('---\ntitle: x\ndraft: true\n---\n\nText.\n')).toBe('\n\n\n\n\nText.\n');
  });
});
