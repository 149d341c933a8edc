/**
 * A post's front matter, checked completely before Astro sees it (issue 28): without
 * `title:` the build printed a readable line and then Astro's stack trace. Every field's
 * presence and type, unknown fields, booleans and real calendar dates; one line naming
 * the file, the line and the fix, from the pipeline and from `npm run site`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrontMatterError, readFrontMatter } from '../../pipeline/post/front-matter.ts';
import { exitStatusOf } from '../../pipeline/cli/errors.ts';
import { loadPost } from '../../pipeline/post/post.ts';
import { addFixturePost, copyRepo, FIXTURE_POST, hasStackTrace, removeCopy, runCli } from '../fixtures/repoCopy.ts';

const FILE = 'content/p/post.md';
const GOOD = ['title: A post', 'summary: What it shows.', 'date: 2026-02-28', 'tags: [superposition]', 'draft: false'];
const post = (lines: string[]) => `---\n${lines.join('\n')}\n---\n\n# Body\n`;
const without = (field: string) => GOOD.filter((line) => !line.startsWith(`${field}:`));
const replaced = (field: string, line: string) => GOOD.map((each) => (each.startsWith(`${field}:`) ? line : each));

describe('the parser', () => {
  it("is the function @astrojs/markdown-remark exports, the one Astro calls (front-matter.ts imports the package's module file directly)", async () => {
    const { parseFrontmatter: astros } = await import('@astrojs/markdown-remark');
    const { parseFrontmatter: ours } = await import('../../node_modules/@astrojs/markdown-remark/dist/frontmatter.js');
    expect(ours).toBe(astros);
  });
});

function refused(markdown: string): string {
  try {
    readFrontMatter(markdown, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(FrontMatterError);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    expect((error as Error).stack).toBe('');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('front matter', () => {
  it('accepts a complete one, and gives the date as that UTC day', () => {
    const front = readFrontMatter(post(GOOD), FILE);
    expect(front).toMatchObject({ title: 'A post', summary: 'What it shows.', tags: ['superposition'], draft: false });
    expect(front.date.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(readFrontMatter(post(replaced('date', 'date: "2024-02-29"')), FILE).date.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('the issue\'s case: no title', () => {
    expect(refused(post(without('title')))).toBe('content/p/post.md: front matter field "title" is missing; add e.g. "title: When training misses the circle" between the --- lines');
  });

  it.each([
    ['no summary', post(without('summary')), /field "summary" is missing/],
    ['no date', post(without('date')), /field "date" is missing; add e\.g\. "date: 2026-12-01"/],
    ['an empty title', post(replaced('title', 'title: ""')), /^content\/p\/post\.md:2: front matter field "title" is the text ""/],
    ['a number for a title', post(replaced('title', 'title: 2026')), /:2: front matter field "title" is the number 2026/],
    ['draft: yes', post(replaced('draft', 'draft: yes')), /:6: front matter field "draft" is the text "yes"; write it as "draft: true \(or false\)"/],
    ['draft: "true"', post(replaced('draft', 'draft: "true"')), /field "draft" is the text "true"/],
    ['tags as one string', post(replaced('tags', 'tags: superposition, optimization')), /:5: front matter field "tags" is the text "superposition, optimization"; write it as "tags: \[superposition, optimization\]"/],
    ['a number among the tags', post(replaced('tags', 'tags: [a, 3]')), /field "tags" \(item 2\) is the number 3/],
    ['February 30th', post(replaced('date', 'date: 2026-02-30')), /:4: front matter field "date" is "2026-02-30", not a day on the calendar/],
    ['February 29th of a common year', post(replaced('date', 'date: 2026-02-29')), /not a day on the calendar/],
    ['a date and time', post(replaced('date', 'date: 2026-01-01T10:00:00Z')), /"2026-01-01T10:00:00Z", not a date written as YYYY-MM-DD/],
    ['a day-first date', post(replaced('date', 'date: 01/02/2026')), /"01\/02\/2026", not a date written as YYYY-MM-DD/],
    ['a misspelt field', post([...GOOD, 'titel: Typo']), /:7: unknown front matter field "titel"; the fields are title, subtitle, summary, date, tags, draft/],
    ['broken YAML', post(replaced('summary', 'summary: a: b: c')), /^content\/p\/post\.md:3:\d+: the front matter is not valid YAML \(/],
    ['no front matter at all', '# Just a body\n', /has no front matter/],
  ])('refuses %s', (_, markdown, pattern) => {
    expect(refused(markdown)).toMatch(pattern);
  });

  it('is an expected error for the CLIs (message only, exit 1)', () => {
    expect(exitStatusOf(new FrontMatterError('x'))).toEqual({ status: 1, expected: true });
  });
});

describe('a post without a title', () => {
  const root = copyRepo(['src', 'pipeline', 'scripts/site.ts', 'tests/fixtures', 'astro.config.mjs', 'package.json', 'tsconfig.json']);
  addFixturePost(root);
  afterAll(() => removeCopy(root));
  const prose = path.join(root, FIXTURE_POST, 'post.md');
  writeFileSync(prose, readFileSync(prose, 'utf8').replace(/^title: .*\n/m, ''));

  it('fails the pipeline when the post is loaded', async () => {
    await expect(loadPost('fixture', root)).rejects.toThrow(/^content\/fixture\/post\.md: front matter field "title" is missing/);
  });

  it('fails npm run site in one line, before Astro starts', async () => {
    const result = await runCli(root, 'scripts/site.ts', [], { FIGURES_DIR: 'tests/fixtures/figures' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('site: content/fixture/post.md: front matter field "title" is missing; add e.g. "title: When training misses the circle" between the --- lines');
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stdout).not.toMatch(/astro/i);
  });
}, 60_000);
