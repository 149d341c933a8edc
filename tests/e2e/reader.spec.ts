// The page a reader sees around the figures, for every page of the built site (the
// index, the search page, each published post), at a phone's width (390 px) and a
// laptop's (1,280 px): nothing scrolls sideways, axe-core finds no serious or critical
// accessibility violation, the contents box reads like the headings, the self-hosted
// fonts are the ones used, the page stays within its byte budget, and the whole page
// is pinned pixel for pixel in light and dark mode. A new post is covered without
// editing this file (builtPosts reads the posts the site holds).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { builtPosts } from './posts.ts';

const posts = builtPosts();

// Every test opens its own browser context and reads only the built site, so the file's
// tests run in any order on any worker: spread over both workers instead of one taking
// the file's ~110 s while the other idles (issue 26).
test.describe.configure({ mode: 'parallel' });
const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const WIDTHS = [390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Every page of the site: path under the base, and where its full-page screenshots live. */
const pages = [
  { name: 'index', path: './', screenshot: (file: string) => ['tests', 'e2e', 'screenshots', `index-${file}`] },
  { name: 'search', path: 'search/', screenshot: (file: string) => ['tests', 'e2e', 'screenshots', `search-${file}`] },
  ...posts.map((post) => ({ name: post.slug, path: `${post.slug}/`, screenshot: post.screenshot })),
];

/**
 * Bytes a reader downloads to see a page: its HTML, stylesheets and fonts, uncompressed
 * (a host's gzip would roughly halve the fonts and the SVG-heavy HTML). Measured on the
 * build of 2026-12-06: the index 5.8 kB of HTML; post 2 ("double-descent") 0.51 MB of
 * HTML; post 1 ("training-misses-the-circle") 1.78 MB of HTML, nearly all of it 25
 * inline SVG figures drawn from runs; 37 kB of CSS; fonts 2.2–2.9 MB (DejaVu Serif
 * regular, italic, bold; Sans regular and bold; Sans Mono; a few KaTeX woff2 files),
 * shared and cached across pages. The budget is 5.5 MB: post 1 as it is today with
 * about 10% headroom, so a new figure or a font face more passes but a doubling of
 * the inline SVG, or fonts downloaded twice (TTF and WOFF), fails.
 */
const BYTE_BUDGET = 5_500_000;

async function openPage(browser: Browser, testInfo: TestInfo, path: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { baseURL, deviceScaleFactor, locale, timezoneId } = testInfo.project.use;
  const context = await browser.newContext({ baseURL, viewport: { width, height: 800 }, deviceScaleFactor, colorScheme, locale, timezoneId });
  const page = await context.newPage();
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

for (const target of pages) {
  test.describe(`page ${target.name}`, () => {
    for (const width of WIDTHS) {
      test(`fits a ${width} px viewport: nothing on the page scrolls sideways`, async ({ browser }, testInfo) => {
        const page = await openPage(browser, testInfo, target.path, width);
        const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
          // The element reaching furthest right, to name the culprit when the page is too wide.
          let widest = { right: 0, what: '' };
          for (const element of document.body.querySelectorAll('*')) {
            const right = element.getBoundingClientRect().right;
            if (right > widest.right) widest = { right: Math.round(right), what: `<${element.localName} class="${element.getAttribute('class') ?? ''}"> ${(element.textContent ?? '').slice(0, 60)}` };
          }
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
        });
        expect(scrollWidth, `page is ${scrollWidth} px wide at ${innerWidth} px; widest: ${widest.what}`).toBeLessThanOrEqual(innerWidth);
        await page.context().close();
      });
    }

    for (const colorScheme of SCHEMES) {
      test(`axe-core: no serious or critical violation (${colorScheme})`, async ({ browser }, testInfo) => {
        const page = await openPage(browser, testInfo, target.path, 1280, colorScheme);
        await page.addScriptTag({ content: AXE_SOURCE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          const results = await axe.run(document, { resultTypes: ['violations'] });
          return results.violations
            .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
            .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.length} nodes, e.g. ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
        });
        expect(violations).toEqual([]);
        await page.context().close();
      });
    }

    test(`downloads at most ${BYTE_BUDGET / 1e6} MB of HTML, CSS and fonts`, async ({ browser }, testInfo) => {
      const { baseURL, deviceScaleFactor, locale, timezoneId } = testInfo.project.use;
      const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, deviceScaleFactor, locale, timezoneId });
      const page = await context.newPage();
      const sizes: { url: string; type: string; bytes: number }[] = [];
      page.on('response', async (response) => {
        const type = response.request().resourceType();
        if (type === 'document' || type === 'stylesheet' || type === 'font') sizes.push({ url: response.url(), type, bytes: (await response.body()).length });
      });
      await page.goto(target.path, { waitUntil: 'networkidle' });
      await page.evaluate(() => document.fonts.ready);
      // Fonts are requested when text needing them is laid out: scroll through the page.
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
          window.scrollTo(0, y);
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
      });
      await page.waitForLoadState('networkidle');
      const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
      const byType = Object.fromEntries(['document', 'stylesheet', 'font'].map((type) => [type, sizes.filter((s) => s.type === type).reduce((sum, s) => sum + s.bytes, 0)]));
      testInfo.annotations.push({ type: 'bytes', description: JSON.stringify({ total, ...byType }) });
      expect(total, `bytes by type: ${JSON.stringify(byType)}`).toBeLessThanOrEqual(BYTE_BUDGET);
      // The self-hosted DejaVu is what the text uses, on every OS: it was downloaded.
      expect(sizes.filter((s) => s.type === 'font' && /DejaVu/.test(s.url)).length).toBeGreaterThan(0);
      await context.close();
    });

    for (const colorScheme of SCHEMES) {
      for (const width of WIDTHS) {
        test(`whole page at ${width} px, ${colorScheme}`, async ({ browser }, testInfo) => {
          // Post 1 is about 47,000 px tall at 1,280 px (70,000 at 390): capturing and
          // comparing it takes tens of seconds on a shared machine.
          test.setTimeout(240_000);
          const page = await openPage(browser, testInfo, target.path, width, colorScheme);
          await expect(page).toHaveScreenshot(target.screenshot(`page-${width}-${colorScheme}.png`), { fullPage: true, timeout: 200_000 });
          await page.context().close();
        });
      }
    }
  });
}

for (const post of posts) {
  test(`post ${post.slug}: the contents box reads like the section headings, math rendered once`, async ({ page }) => {
    await page.goto(`${post.slug}/`);
    const headings = await page.locator('.prose h2').evaluateAll((nodes) => nodes.map((node) => ({ id: node.id, text: (node as HTMLElement).innerText.trim() })));
    const entries = await page.locator('nav.contents a').evaluateAll((nodes) => nodes.map((node) => ({ href: node.getAttribute('href'), text: (node as HTMLElement).innerText.trim() })));
    expect(entries).toEqual(headings.map((heading) => ({ href: `#${heading.id}`, text: heading.text })));
    // A formula appears once in a label: KaTeX's MathML and TeX annotation are not shown.
    for (const label of await page.locator('nav.contents a').all()) {
      expect(await label.locator('.katex').count()).toBe(await label.locator('.katex-html').count());
    }
  });

  test(`post ${post.slug}: share card, canonical link and PDF link`, async ({ page, baseURL }) => {
    await page.goto(`${post.slug}/`);
    const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
    expect(new URL(canonical!).pathname).toBe(new URL(`${post.slug}/`, baseURL).pathname);
    const card = await page.locator('meta[property="og:image"]').getAttribute('content');
    const response = await page.request.get(new URL(new URL(card!).pathname, baseURL).href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('image/png');
    await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary_large_image');
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', /.+/);
  });

  test(`post ${post.slug}: its PDF (npm run pdf) is linked, printed with vector figures`, async ({ page }) => {
    await page.goto(`${post.slug}/`);
    const href = await page.locator('a.pdf-link').evaluate((link) => (link as HTMLAnchorElement).href);
    const response = await page.request.get(href);
    expect(response.status(), `${href}: run \`npm run pdf\` after the build`).toBe(200);
    const pdf = (await response.body()).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect((pdf.match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThan(1);
    // Figures are inline SVG, printed as paths and text: no raster image in the file.
    expect(pdf.match(/\/Subtype\s*\/Image/g) ?? []).toEqual([]);
  });
}

test('the site has a favicon and a sitemap listing every post', async ({ page, baseURL }) => {
  await page.goto('./');
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  expect((await page.request.get(new URL(icon!, baseURL).href)).status()).toBe(200);
  const index = await page.request.get(new URL('sitemap-index.xml', baseURL).href);
  expect(index.status()).toBe(200);
  const sitemapUrl = /<loc>([^<]+)<\/loc>/.exec(await index.text())![1];
  const sitemap = await (await page.request.get(new URL(new URL(sitemapUrl).pathname, baseURL).href)).text();
  for (const post of posts) expect(sitemap).toContain(`/${post.slug}/</loc>`);
});
