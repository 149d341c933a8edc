// (b) The page as a whole: KaTeX math rendered without errors, the 13 sections of
// ARTICLE.md in order, nothing fetched from outside the host; (c) every injected
// number has a value.
import { expect, test } from '@playwright/test';

const SECTION_HEADINGS = [
  '1. Introduction',
  '2. The questions',
  '3. Set-up',
  '4. An intuitive reading of each part',
  '5. ReLU gives free dimensions',
  '6. The role of W',
  '7. How many free dimensions: the 2m bound',
  '8. Imperfect reconstruction, n > 2m',
  '9. The role of b',
  '10. Optimization failure, measured',
  '11. Double descent at full scale',
  '12. Claims ledger',
  '13. Reproduce it',
];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

test('math is rendered by KaTeX without errors', async ({ page }) => {
  await page.goto('/');
  expect(await page.locator('.katex').count()).toBeGreaterThan(0);
  await expect(page.locator('.katex-display').first()).toBeVisible();
  await expect(page.locator('.katex-error')).toHaveCount(0);
});

test('all 13 section headings appear, in order', async ({ page }) => {
  await page.goto('/');
  const headings = (await page.locator('.prose h2').allTextContents()).map((text) => text.trim());
  expect(headings).toEqual(SECTION_HEADINGS);
  // Anchors are explicit ({#id} in the Markdown), so every section has a stable id.
  const ids = await page.locator('.prose h2').evaluateAll((nodes) => nodes.map((node) => node.id));
  expect(ids.every((id) => id.length > 0)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});

test('no request leaves the host', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto('/', { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready);
  // Scroll through the page so anything loaded on demand is requested too.
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  });
  await page.waitForLoadState('networkidle');

  const external = requests.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return false;
    return !LOCAL_HOSTS.has(hostname);
  });
  expect(requests.length).toBeGreaterThan(0);
  expect(external, 'requests to hosts other than localhost').toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('every injected number has a value', async ({ page }) => {
  await page.goto('/');
  const numbers = await page
    .locator('span.num')
    .evaluateAll((nodes) => nodes.map((node) => ({ key: node.getAttribute('data-key'), text: node.textContent ?? '' })));
  expect(numbers.length).toBeGreaterThan(0);
  const empty = numbers.filter(({ key, text }) => !key || text.trim() === '');
  expect(empty, 'span.num elements without a key or a value').toEqual([]);
});
