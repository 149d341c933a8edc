// One pixel-exact screenshot per figure of every published post, read from the
// manifests, so a figure or a post the pipeline adds is covered without editing this
// file. Baselines live in content/<slug>/tests/screenshots/fig-<id>.png; accept intended
// changes with `npm run test:update`. The post is loaded once for all its figures.
import { expect, test, type Page } from '@playwright/test';
import { builtPosts, openPost, scrollToWholePixel } from './posts.ts';

for (const post of builtPosts()) {
  test.describe(`figures of ${post.slug}`, () => {
    let page: Page;
    test.beforeAll(async ({ browser }, testInfo) => {
      page = await openPost(browser, testInfo, post.slug);
    });
    test.afterAll(async () => page?.context().close());

    for (const id of Object.keys(post.figures).sort()) {
      test(`figure ${id}`, async () => {
        const figure = page.locator(`#fig-${id}`);
        await expect(
          figure,
          `figure "${id}" is in the manifest but not on the page: place it with ::figure[${id}] in content/${post.slug}/post.md`,
        ).toHaveCount(1);
        await expect(figure.locator('svg').first()).toBeVisible();
        await expect(figure.locator('figcaption .provenance')).not.toBeEmpty();
        await scrollToWholePixel(figure);
        // An explorable figure enables its controls once its code and data have loaded.
        if ((post.figures[id] as { explore?: unknown }).explore) await expect(figure).toHaveAttribute('data-explore-state', 'ready');
        await expect(figure).toHaveScreenshot(post.screenshot(`fig-${id}.png`));
      });
    }
  });
}
