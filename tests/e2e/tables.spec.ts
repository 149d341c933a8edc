// Generated tables (figures/tables/manifest.json): each is on the page once, with its
// verdict column computed (claims ledger) and a pixel-exact screenshot; every CSV a
// table writes is served at the site root with one line per run. Baselines live in
// tests/e2e/__screenshots__/table-<id>.png (`npm run test:update` records them).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { figuresDir } from './manifest.ts';

interface TablesManifestForTests {
  tables: Record<string, { file: string; files: string[]; runCount: number }>;
  numbers: Record<string, string>;
}

const manifestPath = path.join(figuresDir, 'tables', 'manifest.json');
const manifest: TablesManifestForTests = fs.existsSync(manifestPath)
  ? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
  : { tables: {}, numbers: {} };
const tableIds = Object.keys(manifest.tables).sort();

test.describe('tables', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await page.evaluate(() => document.fonts.ready);
  });

  for (const id of tableIds) {
    test(`table ${id}`, async ({ page }) => {
      const table = page.locator(`#table-${id}`);
      await expect(table, `table "${id}" is in the manifest but not on the page: place it with ::table[${id}]`).toHaveCount(1);
      await expect(table.locator('table')).toBeVisible();
      await expect(table).toHaveScreenshot(`table-${id}.png`);
    });
  }

  test('the claims ledger gives every claim a computed verdict', async ({ page }) => {
    test.skip(!manifest.tables['claims-ledger'], 'no claims ledger in this build');
    const rows = page.locator('#table-claims-ledger tbody tr');
    const count = Number(manifest.numbers['claims-ledger.count']);
    await expect(rows).toHaveCount(count);
    await expect(page.locator('#table-claims-ledger td.verdict')).toHaveText(Array(count).fill(/^(holds|fails)$/));
  });

  for (const [id, entry] of Object.entries(manifest.tables)) {
    for (const file of entry.files.filter((name) => name.endsWith('.csv'))) {
      test(`${file} of table ${id} is served with every row`, async ({ request }) => {
        const response = await request.get(`/${file}`);
        expect(response.status()).toBe(200);
        const served = await response.text();
        expect(served).toBe(fs.readFileSync(path.join(figuresDir, 'tables', file), 'utf8'));
        expect(served.trim().split('\n')).toHaveLength(entry.runCount + 1);
      });
    }
  }
});
