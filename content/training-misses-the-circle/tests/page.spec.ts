// This post's own page expectations: the 13 sections of ARTICLE.md in order, then the
// generated reference list, and at least one display equation.
import { expect, test } from '@playwright/test';

const SECTION_HEADINGS = [
  '1. Introduction',
  '2. The questions',
  '3. Set-up',
  '4. An intuitive reading of each part',
  '5. ReLU gives free dimensions',
  '6. The role of W',
  // Math in a heading reads as KaTeX draws it (the MathML copy for screen readers left out).
  '7. How many free dimensions: the 2m bound',
  '8. Imperfect reconstruction, n>2m',
  '9. The role of b',
  '10. Optimization failure, measured',
  '11. Double descent at full scale',
  '12. Claims ledger',
  '13. Reproduce it',
  'References',
];

test.beforeEach(async ({ page }) => {
  await page.goto('training-misses-the-circle/');
});

test('all 13 section headings and the references appear, in order', async ({ page }) => {
  const headings = await page.locator('.prose h2').evaluateAll((nodes) =>
    nodes.map((node) => {
      const copy = node.cloneNode(true) as Element;
      copy.querySelectorAll('.katex-mathml').forEach((mathml) => mathml.remove());
      return (copy.textContent ?? '').trim();
    }),
  );
  expect(headings).toEqual(SECTION_HEADINGS);
});

test('display math is rendered', async ({ page }) => {
  await expect(page.locator('.katex-display').first()).toBeVisible();
});

test('the references list the four cited works, DOIs and URLs linked', async ({ page }) => {
  const items = page.locator('ul.references li.reference');
  await expect(items).toHaveCount(4);
  await expect(page.locator('#ref-rankin1955closest a[href="https://doi.org/10.1017/S2040618500033219"]')).toHaveCount(1);
  await expect(page.locator('#ref-engels2024not a[href="https://arxiv.org/abs/2405.14860"]')).toHaveCount(1);
});
