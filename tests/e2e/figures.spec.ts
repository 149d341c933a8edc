// (a) One pixel-exact screenshot per figure in figures/manifest.json, so a figure the
// pipeline adds is covered without editing this file. Baselines live in
// tests/e2e/__screenshots__/fig-<id>.png; accept intended changes with
// `npx playwright test --update-snapshots` (or `npm run test:update`).
import { expect, test } from '@playwright/test';
import { readManifest } from './manifest.ts';

const figureIds = Object.keys(readManifest().figures).sort();

test.describe('figures', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await page.evaluate(() => document.fonts.ready);
  });

  test('the manifest lists at least one figure', () => {
    expect(figureIds.length).toBeGreaterThan(0);
  });

  for (const id of figureIds) {
    test(`figure ${id}`, async ({ page }) => {
      const figure = page.locator(`#fig-${id}`);
      await expect(
        figure,
        `figure "${id}" is in the manifest but not on the page: place it with ::figure[${id}] in content/article.md`,
      ).toHaveCount(1);
      await expect(figure.locator('svg').first()).toBeVisible();
      await expect(figure.locator('figcaption .provenance')).not.toBeEmpty();
      await expect(figure).toHaveScreenshot(`fig-${id}.png`);
    });
  }
});
