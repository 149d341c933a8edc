// Generated tables of every published post (figures/<slug>/tables/manifest.json): each
// is on its post's page once, with its verdict column computed (claims ledger) and a
// pixel-exact screenshot; every CSV a table writes is served beside the post with one
// line per run. Baselines live in content/<slug>/tests/screenshots/table-<id>.png.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { builtPosts, figuresRoot, openPost, scrollToWholePixel } from './posts.ts';

for (const post of builtPosts()) {
  test.describe(`tables of ${post.slug}`, () => {
    let page: Page;
    test.beforeAll(async ({ browser }, testInfo) => {
      page = await openPost(browser, testInfo, post.slug);
    });
    test.afterAll(async () => page?.context().close());

    for (const id of Object.keys(post.tables).sort()) {
      test(`table ${id}`, async () => {
        const table = page.locator(`#table-${id}`);
        await expect(table, `table "${id}" is in the manifest but not on the page: place it with ::table[${id}]`).toHaveCount(1);
        await expect(table.locator('table')).toBeVisible();
        await scrollToWholePixel(table);
        await expect(table).toHaveScreenshot(post.screenshot(`table-${id}.png`));
      });
    }

    const ledger = post.tables['claims-ledger'];
    if (ledger) {
      test('the claims ledger gives every claim a computed verdict', async () => {
        const rows = page.locator('#table-claims-ledger tbody tr');
        const count = Number(ledger.numbers['claims-ledger.count']);
        await expect(rows).toHaveCount(count);
        await expect(page.locator('#table-claims-ledger td.verdict')).toHaveText(Array(count).fill(/^(holds|fails)$/));
      });
    }

    for (const [id, entry] of Object.entries(post.tables)) {
      for (const file of entry.files.filter((name) => name.endsWith('.csv'))) {
        test(`${file} of table ${id} is served beside the post with every row`, async ({ request }) => {
          const response = await request.get(`${post.slug}/${file}`);
          expect(response.status()).toBe(200);
          const served = await response.text();
          expect(served).toBe(fs.readFileSync(path.join(figuresRoot, post.slug, 'tables', file), 'utf8'));
          expect(served.trim().split('\n')).toHaveLength(entry.runCount + 1);
        });
      }
    }
  });
}
