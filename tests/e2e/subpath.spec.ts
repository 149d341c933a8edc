// The site built for a sub-path (SITE_BASE, as on a GitHub Pages project site) and
// served under it: every page, stylesheet, KaTeX font, figure, anchor, feed and CSV link
// must load with no failed request. Runs in the "subpath" project only (see
// playwright.config.ts), against a second build made by scripts/test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { builtPosts } from './posts.ts';

const posts = builtPosts();

test('index, posts, feed and CSV files all load under the sub-path', async ({ page, baseURL }) => {
  const prefix = new URL(baseURL!).pathname;
  expect(prefix, 'the subpath project must be served under a prefix').not.toBe('/');
  const failed: string[] = [];
  page.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.url()} (HTTP ${response.status()})`);
  });

  await page.goto('./', { waitUntil: 'networkidle' });
  // The stylesheet applied: the page body uses the article's serif stack, not the browser default.
  expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
  const feedHref = await page.locator('a[href$="rss.xml"]').getAttribute('href');
  expect(feedHref?.startsWith(prefix)).toBe(true);
  const feed = await page.request.get(feedHref!);
  expect(feed.status()).toBe(200);
  for (const link of (await feed.text()).match(/<link>[^<]*<\/link>/g) ?? []) expect(link).toContain(prefix);

  for (const post of posts) {
    const href = await page.locator(`.post-list a[href$="${post.slug}/"]`).getAttribute('href');
    expect(href?.startsWith(prefix)).toBe(true);
    await page.goto(href!, { waitUntil: 'networkidle' });
    await page.evaluate(() => document.fonts.ready);
    if (await page.locator('.katex').count()) {
      const katexFonts = await page.evaluate(() => [...document.fonts].filter((font) => font.family.includes('KaTeX') && font.status === 'loaded').length);
      expect(katexFonts, 'KaTeX fonts loaded').toBeGreaterThan(0);
    }
    for (const id of Object.keys(post.figures)) await expect(page.locator(`#fig-${id} svg`).first()).toBeVisible();
    // Each figure opens alone and downloads as SVG, PNG and CSV (the data it plots), from beside the post.
    for (const id of Object.keys(post.figures)) {
      const hrefs = await page.locator(`#fig-${id} .figure-files a`).evaluateAll((nodes) => nodes.map((node) => (node as HTMLAnchorElement).href));
      // The post's URL ends in "/", and its figures' files are published beside it.
      const base = `${page.url()}figures/${id}`;
      // An explorable figure also offers its data file: every value its controls can take.
      const explorable = (post.figures[id] as { explore?: unknown }).explore !== undefined;
      expect(hrefs, `figure ${id}: open full size, then SVG, PNG, CSV${explorable ? ', data' : ''}`).toEqual([`${base}.svg`, `${base}.svg`, `${base}.png`, `${base}.csv`, ...(explorable ? [`${base}.data.json`] : [])]);
      expect(new URL(hrefs[0]).pathname.startsWith(prefix)).toBe(true);
      const svg = await page.request.get(hrefs[1]);
      expect(svg.status(), hrefs[1]).toBe(200);
      expect(svg.headers()['content-type']).toContain('image/svg+xml');
      expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const png = await page.request.get(hrefs[2]);
      expect(png.status(), hrefs[2]).toBe(200);
      expect((await png.body()).subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
      const csv = await page.request.get(hrefs[3]);
      expect(csv.status(), hrefs[3]).toBe(200);
      const [header, ...rows] = (await csv.text()).trimEnd().split('\n');
      expect(header).toMatch(/(^|,)mark,/);
      expect(rows.length, `${hrefs[3]} has data rows`).toBeGreaterThan(0);
    }
    // "Open full size" shows the figure alone: the browser opens the SVG document itself.
    const firstFigure = Object.keys(post.figures)[0];
    if (firstFigure) {
      const open = page.locator(`#fig-${firstFigure} .figure-files a`, { hasText: 'Open full size' });
      await open.click();
      await expect(page).toHaveURL(new RegExp(`${post.slug}/figures/${firstFigure}\\.svg$`));
      expect(await page.evaluate(() => document.documentElement.localName)).toBe('svg');
      await page.goBack();
    }
    // In-page anchors: the contents list jumps to its sections.
    const anchors = await page.locator('nav.contents a').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href')));
    for (const anchor of anchors) await expect(page.locator(anchor!)).toHaveCount(1);
    for (const link of await page.locator('a[href$=".csv"]').evaluateAll((nodes) => nodes.map((node) => (node as HTMLAnchorElement).href))) {
      expect((await page.request.get(link)).status(), link).toBe(200);
    }
    await page.locator('a', { hasText: 'All posts' }).click();
    await expect(page).toHaveURL(new RegExp(`${prefix.replace(/\//g, '\\/')}$`));
  }
  expect(failed, 'failed requests under the sub-path').toEqual([]);
});

/** Four plain words that open a paragraph of the post's prose (no math, markup or directives). */
function phraseOf(slug: string): string {
  const body = fs.readFileSync(path.join('content', slug, 'post.md'), 'utf8').split(/^---$/m).slice(2).join('---');
  const line = body.split('\n').find((text) => /^[A-Z][a-z]+(?: [a-z]+){3}\b/.test(text));
  if (!line) throw new Error(`content/${slug}/post.md: no paragraph opens with four plain words to search for`);
  return line.split(' ').slice(0, 4).join(' ');
}

test('search (Pagefind, static files) finds a phrase from each post under the sub-path', async ({ page, baseURL }) => {
  const prefix = new URL(baseURL!).pathname;
  await page.goto('search/', { waitUntil: 'networkidle' });
  const field = page.getByRole('searchbox').or(page.locator('#search input')).first();
  for (const post of posts) {
    const phrase = phraseOf(post.slug);
    await field.fill(phrase);
    const result = page.locator(`.pagefind-ui__result-link[href^="${prefix}${post.slug}/"]`).first();
    await expect(result, `searching "${phrase}" lists ${prefix}${post.slug}/`).toBeVisible({ timeout: 15_000 });
  }
});

test('explorable figures load their code and data under the sub-path and redraw, at 390 and 1,280 px', async ({ browser, baseURL }) => {
  const prefix = new URL(baseURL!).pathname;
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ baseURL, viewport: { width, height: 800 } });
    const page = await context.newPage();
    const loaded: string[] = [];
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.url()} (HTTP ${response.status()})`);
      else loaded.push(new URL(response.url()).pathname);
    });
    for (const post of posts) {
      const ids = Object.entries(post.figures as Record<string, { explore?: unknown }>).filter(([, entry]) => entry.explore).map(([id]) => id);
      if (ids.length === 0) continue;
      await page.goto(`${post.slug}/`);
      for (const id of ids) {
        const figure = page.locator(`#fig-${id}`);
        await figure.scrollIntoViewIfNeeded();
        await expect(figure).toHaveAttribute('data-explore-state', 'ready');
        const before = await figure.locator('.figure-scroll > svg').evaluate((svg) => svg.outerHTML);
        const input = figure.locator('input[data-control]').first();
        await input.focus();
        await input.press('End');
        await expect(figure).toHaveAttribute('data-explore-state', 'ready');
        expect(await figure.locator('.figure-scroll > svg').evaluate((svg) => svg.outerHTML), `${id} redrew at ${width} px`).not.toBe(before);
        expect(loaded, `${id}'s data came from under ${prefix}`).toContain(`${prefix}${post.slug}/figures/${id}.data.json`);
      }
    }
    expect(loaded.some((file) => file.startsWith(`${prefix}_astro/`) && file.endsWith('.js')), 'the figure code came from under the sub-path').toBe(true);
    expect(failed).toEqual([]);
    await context.close();
  }
});
