/**
 * The prose check (src/plugins/prose-check.ts): a digit or a result word typed into a
 * post's prose fails the build with file:line:column and the text; math, :num[…],
 * directives, code, heading numbers and the listed definitions pass.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMath from 'remark-math';
import remarkDirective from 'remark-directive';
import { VFile } from 'vfile';
import { ArticleBuildError } from '../../src/plugins/errors.ts';
import remarkHeadingIds from '../../src/plugins/remark-heading-ids.ts';
import remarkProseCheck, { isPostFile, proseProblems } from '../../src/plugins/prose-check.ts';

const postPath = path.resolve('content/fixture/post.md');

async function problems(markdown: string) {
  const processor = unified().use(remarkParse).use(remarkMath).use(remarkDirective).use(remarkHeadingIds);
  const tree = await processor.run(processor.parse(markdown), new VFile({ path: postPath, value: markdown }));
  return proseProblems(tree as never);
}

async function check(markdown: string, file = postPath): Promise<unknown> {
  const processor = unified().use(remarkParse).use(remarkMath).use(remarkDirective).use(remarkHeadingIds).use(remarkProseCheck);
  try {
    await processor.run(processor.parse(markdown), new VFile({ path: file, value: markdown }));
    return null;
  } catch (error) {
    return error;
  }
}

describe('prose check', () => {
  it('passes math, injected numbers, directives, code, heading numbers and definitions', async () => {
    const markdown = [
      '## 10. Optimization failure {#optimization-failure}',
      '',
      'With $n = 7$ features the loss is :num[fig.loss], as section 9 derived and sections 3 and 4 set up.',
      '',
      '::figure[trained-n4]',
      '',
      'The paper ("Toy Models of Superposition", 2022) calls `lr = 1e-3` the default.',
      '',
      '$$',
      'r^2 = 2, \\quad b = -1',
      '$$',
    ].join('\n');
    expect(await problems(markdown)).toEqual([]);
  });

  it('flags a typed digit with its line, column and text', async () => {
    const found = await problems('First line.\n\nThe loss is about 0.160 here, within 2% of it.');
    expect(found.map((p) => [p.line, p.column, p.text])).toEqual([
      [3, 19, '0.160'],
      [3, 38, '2%'],
    ]);
  });

  it('flags result words in sentences that inject no number, and lets them stand next to one', async () => {
    const found = await problems('Escape is rare. Escape is rare: :num[fig.escaped] of the runs escape. Failure is the norm from $n = 6$ on.');
    expect(found.map((p) => p.text)).toEqual(['rare', 'the norm']);
    // A decimal in math is a value written by hand; Adam's β's are definitions.
    expect((await problems('The loss is $2c^2/(1 + 2c^2) \\approx 0.160$.')).map((p) => p.text)).toEqual(['$2c^2/(1 + 2c^2) \\approx 0.160$']);
    expect(await problems('AdamW ($\\beta_1 = 0.9$, $\\beta_2 = 0.999$).')).toEqual([]);
    expect((await problems('Most seeds end even.'))[0].text).toBe('Most');
  });

  it('fails the build naming every offence, for posts only', async () => {
    const error = await check('Fine.\n\nAt n = 6 mostly two circles.');
    expect(error).toBeInstanceOf(ArticleBuildError);
    const message = (error as Error).message;
    expect(message).toContain('content/fixture/post.md:3:8');
    expect(message).toContain('"6"');
    expect(message).toContain('content/fixture/post.md:3:10: "mostly"');
    expect(await check('At n = 6 mostly two circles.', path.resolve('README.md'))).toBeNull();
    expect(isPostFile(new VFile({ path: postPath }))).toBe(true);
    expect(isPostFile(new VFile({ path: path.resolve('content/fixture/notes.md') }))).toBe(false);
  });

  it("passes every post's prose as committed", async () => {
    const { readFileSync, readdirSync, existsSync } = await import('node:fs');
    for (const slug of readdirSync('content')) {
      const file = path.join('content', slug, 'post.md');
      if (!existsSync(file)) continue;
      // Astro strips the front matter before the Markdown chain; blank it out, keeping line numbers.
      const markdown = readFileSync(file, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, (m) => m.replace(/[^\n]/g, ''));
      const found = await problems(markdown);
      expect(found.map((p) => `${file}:${p.line}:${p.column}: ${p.text}`)).toEqual([]);
    }
  });
});
