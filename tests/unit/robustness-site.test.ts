/**
 * Mistakes in the article fail the real `astro build` (not only the plugins in isolation)
 * with the file and line, and no stack trace: built from a scratch copy of the project
 * into a temp folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addFixturePost, copyRepo, hasStackTrace, removeCopy, runCli } from '../fixtures/repoCopy.ts';

const SITE_PARTS = ['src', 'pipeline', 'tests/fixtures', 'astro.config.mjs', 'package.json', 'tsconfig.json'];
const copies: string[] = [];
afterAll(() => copies.forEach(removeCopy));

/** A small sound post over the fixture figures (independent of the real posts' state). */
const ARTICLE = `---
title: Fixture article
summary: A fixture.
date: 2026-01-01
---

## 1. Start {#start}

A loss of :num[tiny.loss] and some math, $W^\\top W x + b$.

::figure[tiny]
`;

/** A copy whose article is ARTICLE followed by `addition`; returns it and the addition's line. */
function articleWith(addition: string): { root: string; line: number } {
  const root = copyRepo(SITE_PARTS);
  copies.push(root);
  addFixturePost(root, `${ARTICLE}\n${addition}\n`);
  return { root, line: ARTICLE.split('\n').length + 1 };
}

const astroBuild = (root: string) =>
  runCli(root, 'node_modules/astro/astro.js', ['build', '--outDir', path.join(root, 'dist')], { FIGURES_DIR: 'tests/fixtures/figures' });

describe('astro build of an article with a mistake', () => {
  it('fails on an unknown figure id and on malformed math, naming the post\'s file and the line', async () => {
    const figure = articleWith('::figure[no-such-figure]');
    const math = articleWith('Broken math: $\\frac{1}{$ here.');
    const [figureBuild, mathBuild] = await Promise.all([astroBuild(figure.root), astroBuild(math.root)]);

    expect(figureBuild.code).not.toBe(0);
    expect(figureBuild.stdout + figureBuild.stderr).toMatch(new RegExp(`content/fixture/post\\.md:${figure.line}:1: unknown figure id "no-such-figure"`));
    expect(hasStackTrace(figureBuild.stdout + figureBuild.stderr), figureBuild.stderr).toBe(false);
    expect(existsSync(path.join(figure.root, 'dist/index.html'))).toBe(false);

    expect(mathBuild.code).not.toBe(0);
    expect(mathBuild.stdout + mathBuild.stderr).toMatch(new RegExp(`content/fixture/post\\.md:${math.line}:\\d+: .*KaTeX`, 'i'));
    expect(hasStackTrace(mathBuild.stdout + mathBuild.stderr), mathBuild.stderr).toBe(false);
    expect(existsSync(path.join(math.root, 'dist/index.html'))).toBe(false);
  });

  it('fails on input the parser would have let through: an unclosed $, a directive without its "]", a <script>', async () => {
    const dollar = articleWith('The loss $L = 1 is low.');
    const directive = articleWith('::figure[tiny');
    const script = articleWith('<script>alert(1)</script>');
    const builds = await Promise.all([dollar, directive, script].map((copy) => astroBuild(copy.root)));
    const expected = [
      new RegExp(`content/fixture/post\\.md:${dollar.line}:10: a "\\$" that does not start or end any math`),
      new RegExp(`content/fixture/post\\.md:${directive.line}:1: "::figure\\[" looks like a directive but does not parse`),
      new RegExp(`content/fixture/post\\.md:${script.line}:1: raw HTML <script> is not allowed in a post`),
    ];
    builds.forEach((build, index) => {
      expect(build.code).not.toBe(0);
      expect(build.stdout + build.stderr).toMatch(expected[index]!);
      expect(hasStackTrace(build.stdout + build.stderr), build.stderr).toBe(false);
    });
  });
});
