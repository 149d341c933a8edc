// The posts the built site holds, and each one's manifests: what the end-to-end tests
// iterate over, so a new post is covered without editing a test. Set FIGURES_DIR to
// the same folder for `astro build` and `playwright test` (default: figures/).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page, TestInfo } from '@playwright/test';
import { isDraftProse } from '../../pipeline/post/front-matter.ts';
import { postSlugs } from '../../pipeline/post/post.ts';

export const figuresRoot = path.resolve(process.env.FIGURES_DIR ?? 'figures');

export interface BuiltPost {
  slug: string;
  figures: Record<string, { file: string; caption: string; provenance: string }>;
  tables: Record<string, { file: string; files: string[]; runCount: number; numbers: Record<string, string> }>;
  /** Where this post's screenshot baselines live (inside the post's folder). */
  screenshot(name: string): string[];
}

function readJson<T>(file: string, fallback: T): T {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : fallback;
}

/** Published posts (drafts are left out of dist/), in slug order. */
export function builtPosts(): BuiltPost[] {
  return postSlugs()
    .filter((slug) => !isDraftProse(fs.readFileSync(path.join('content', slug, 'post.md'), 'utf8')))
    .map((slug) => {
      const manifestPath = path.join(figuresRoot, slug, 'manifest.json');
      if (!fs.existsSync(manifestPath)) throw new Error(`${manifestPath} not found. Run \`npm run build\` (pipeline + site) before the end-to-end tests.`);
      return {
        slug,
        figures: readJson(manifestPath, { figures: {} }).figures,
        tables: readJson(path.join(figuresRoot, slug, 'tables', 'manifest.json'), { tables: {} }).tables,
        screenshot: (name: string) => ['content', slug, 'tests', 'screenshots', name],
      };
    });
}

/**
 * One page of a post for a whole describe block (figures, tables): loading a long post
 * costs seconds, a screenshot a fraction of one. Opened with the project's context
 * options (viewport, scale, locale…), as the built-in `page` fixture would be.
 */
export async function openPost(browser: Browser, testInfo: TestInfo, slug: string): Promise<Page> {
  const { baseURL, viewport, deviceScaleFactor, colorScheme, locale, timezoneId } = testInfo.project.use;
  const context = await browser.newContext({ baseURL, viewport, deviceScaleFactor, colorScheme, locale, timezoneId });
  const page = await context.newPage();
  await page.goto(`${slug}/`);
  await page.evaluate(() => document.fonts.ready);
  return page;
}

/**
 * Scrolls so the element's top sits 16 px below the top of the viewport, at a whole-pixel
 * scroll offset, before a screenshot. Chromium's pixels for a figure deep in a long post
 * depend on the scroll offset it is drawn at (two whole-pixel offsets gave two images 2 px
 * apart), and Playwright's own scroll-into-view lands on an offset whose sub-pixel part
 * varied from one page load to the next (one part of the page's layout is fractional):
 * the same build then gave two images a dozen pixels apart. Scrolled here, the element is
 * already in view, Playwright does not scroll, and every load draws it at one offset.
 */
export async function scrollToWholePixel(element: Locator): Promise<void> {
  await element.evaluate(async (node) => {
    window.scrollTo(0, Math.max(0, Math.floor(node.getBoundingClientRect().top + window.scrollY) - 16));
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
  // Scrolling can bring an explorable figure near the viewport, which then loads Plot and its
  // data and redraws (src/scripts/explore-figures.ts): main-thread work that, on a loaded
  // machine, held off the two quiet frames a screenshot waits for past its time limit. The
  // screenshot is taken once no figure is still loading.
  await element.page().waitForFunction(() => document.querySelector('[data-explore-state="loading"]') === null);
  await element.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}
