// One pixel-exact screenshot per figure of every published post, read from the
// manifests, so a figure or a post the pipeline adds is covered without editing this
// file. Baselines live in content/<slug>/tests/screenshots/fig-<id>.png; accept intended
// changes with `npm run test:update`.
import { expect, test } from '@playwright/test';
import { builtPosts } from './posts.ts';

for (const post of builtPosts()) {
  test.describe(`figures of ${post.slug}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.goto(`${post.slug}/`);
      await page.evaluate(() => document.fonts.ready);
    });

    for (const id of Object.keys(post.figures).sort()) {
      test(`figure ${id}`, async ({ page }) => {
        const figure = page.locator(`#fig-${id}`);
        await expect(
          figure,
          `figure "${id}" is in the manifest but not on the page: place it with ::figure[${id}] in content/${post.slug}/post.md`,
        ).toHaveCount(1);
        await expect(figure.locator('svg').first()).toBeVisible();
        await expect(figure.locator('figcaption .provenance')).not.toBeEmpty();
        await expect(figure).toHaveScreenshot(post.screenshot(`fig-${id}.png`));
      });
    }
  });
}
