// This post's own page expectations: the 13 sections of ARTICLE.md in order, and at
// least one display equation.
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

test.beforeEach(async ({ page }) => {
  await page.goto('training-misses-the-circle/');
});

test('all 13 section headings appear, in order', async ({ page }) => {
  const headings = (await page.locator('.prose h2').allTextContents()).map((text) => text.trim());
  expect(headings).toEqual(SECTION_HEADINGS);
});

test('display math is rendered', async ({ page }) => {
  await expect(page.locator('.katex-display').first()).toBeVisible();
});
