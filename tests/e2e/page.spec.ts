// Every published post as a whole: KaTeX math rendered without errors, nothing fetched
// from outside the host, every injected number has a value, figures numbered in order
// and every cross-reference and citation pointing at its target; and the index page lists
// every published post and links the feed. Post-specific expectations (a post's
// headings) live with the post, in content/<slug>/tests/*.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import { builtPosts } from './posts.ts';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Loads a page, scrolls through it, and returns every request and page error. */
async function visit(page: Page, url: string): Promise<{ requests: string[]; failed: string[]; pageErrors: string[] }> {
  const requests: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) => failed.push(`${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.url()} (HTTP ${response.status()})`);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready);
  // Scroll through the page so anything loaded on demand is requested too.
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  });
  await page.waitForLoadState('networkidle');
  return { requests, failed, pageErrors };
}

const posts = builtPosts();

test('the index lists every published post with its date and summary, and links the feed', async ({ page }) => {
  await page.goto('./');
  const links = await page.locator('.post-list .post-item h2 a').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href')));
  expect(links.map((href) => href?.replace(/\/$/, '').split('/').pop()).sort()).toEqual(posts.map((post) => post.slug).sort());
  for (const item of await page.locator('.post-list .post-item').all()) {
    await expect(item.locator('time')).not.toBeEmpty();
    await expect(item.locator('.summary')).not.toBeEmpty();
  }
  const feed = await page.request.get(await page.locator('a[href$="rss.xml"]').getAttribute('href') ?? 'rss.xml');
  expect(feed.status()).toBe(200);
  expect((await feed.text()).match(/<item>/g) ?? []).toHaveLength(posts.length);
});

for (const post of posts) {
  test.describe(`post ${post.slug}`, () => {
    test('math is rendered by KaTeX without errors', async ({ page }) => {
      await page.goto(`${post.slug}/`);
      await expect(page.locator('.katex-error')).toHaveCount(0);
    });

    test('no request leaves the host or fails', async ({ page }) => {
      const { requests, failed, pageErrors } = await visit(page, `${post.slug}/`);
      const external = requests.filter((url) => {
        const { protocol, hostname } = new URL(url);
        if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return false;
        return !LOCAL_HOSTS.has(hostname);
      });
      expect(requests.length).toBeGreaterThan(0);
      expect(external, 'requests to hosts other than localhost').toEqual([]);
      expect(failed, 'failed requests').toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    test('every injected number has a value', async ({ page }) => {
      await page.goto(`${post.slug}/`);
      const numbers = await page
        .locator('span.num')
        .evaluateAll((nodes) => nodes.map((node) => ({ key: node.getAttribute('data-key'), text: node.textContent ?? '' })));
      const empty = numbers.filter(({ key, text }) => !key || text.trim() === '');
      expect(empty, 'span.num elements without a key or a value').toEqual([]);
    });

    test('section headings have unique anchors', async ({ page }) => {
      await page.goto(`${post.slug}/`);
      const ids = await page.locator('.prose h2').evaluateAll((nodes) => nodes.map((node) => node.id));
      expect(ids.every((id) => id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    test('figures are numbered in order, and every cross-reference and citation lands on the page', async ({ page }) => {
      await page.goto(`${post.slug}/`);
      const numbers = await page.locator('.figure figcaption .figure-number').allTextContents();
      expect(numbers).toEqual(numbers.map((_, index) => `Figure ${index + 1}.`));
      const targets = await page.locator('a.xref, .citation a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
      const missing = [];
      for (const href of targets) {
        if (!href.startsWith('#') || (await page.locator(`[id="${href.slice(1)}"]`).count()) !== 1) missing.push(href);
      }
      expect(missing, 'cross-reference or citation links without exactly one target').toEqual([]);
    });
  });
}
