// Explorable figures in the browser, for every one the built posts hold (read from the
// manifests, so a new one is covered without editing this file):
// - with JavaScript, at 1,280 px: each control is moved from the keyboard to three
//   positions (its first value, one step on, its last value); at each the figure is
//   pinned pixel for pixel (content/<slug>/tests/screenshots/explore-<id>-<k>.png), its
//   SVG is the one the build-time renderer draws from the same data and values (after
//   the project's SVG normalisation), and its description and value labels follow;
// - at 390 px the controls fit the phone's width and still redraw the figure;
// - without JavaScript the controls stay hidden and the figure is the static SVG.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { builtPosts, figuresRoot, openPost, scrollToWholePixel } from './posts.ts';
import { normalizeSvg } from '../../pipeline/render/normalize.ts';
import '../../pipeline/render/render.ts';
import type { ControlValues, DrawFunction } from '../../pipeline/post/explorable.ts';
import type { ExploreEntry } from '../../pipeline/stages/figures.ts';

interface ExplorableCase {
  slug: string;
  id: string;
  explore: ExploreEntry;
  screenshot(name: string): string[];
}

const explorable: ExplorableCase[] = builtPosts().flatMap((post) =>
  Object.entries(post.figures as Record<string, { explore?: ExploreEntry }>)
    .filter(([, entry]) => entry.explore)
    .map(([id, entry]) => ({ slug: post.slug, id, explore: entry.explore!, screenshot: post.screenshot })),
);

/** The build-time drawing of `values`: the figure's draw module in Node (jsdom), from the data file as published. */
async function buildTimeSvg(c: ExplorableCase, values: ControlValues): Promise<string> {
  const draw = ((await import(path.resolve(c.explore.draw))) as { default: DrawFunction<unknown> }).default;
  const data = JSON.parse(fs.readFileSync(path.join(figuresRoot, c.slug, c.explore.data), 'utf8')) as unknown;
  return draw(data, values);
}

/** The figure's SVG as the browser holds it now, serialised as the renderer serialises. */
async function browserSvg(page: Page, id: string): Promise<string> {
  return page.locator(`#fig-${id} .figure-scroll > svg`).evaluate((svg) => new XMLSerializer().serializeToString(svg));
}

/** Three positions for one control, each reached from the keyboard: Home, one step on, End. */
const POSITIONS = [
  { name: 'first', keys: ['Home'] },
  { name: 'second', keys: ['Home', 'ArrowRight'] },
  { name: 'last', keys: ['End'] },
] as const;

async function openExplorable(page: Page, id: string): Promise<void> {
  const figure = page.locator(`#fig-${id}`);
  await scrollToWholePixel(figure);
  await expect(figure).toHaveAttribute('data-explore-state', 'ready');
}

for (const c of explorable) {
  test.describe(`explorable figure ${c.id} (${c.slug})`, () => {
    test('moves through three positions of each control; browser and build-time drawings agree; pinned in pixels', async ({ browser }, testInfo) => {
      test.setTimeout(120_000);
      const page = await openPost(browser, testInfo, c.slug);
      await page.setViewportSize({ width: 1280, height: 800 });
      await openExplorable(page, c.id);
      const figure = page.locator(`#fig-${c.id}`);
      const values: ControlValues = Object.fromEntries(c.explore.controls.map((control) => [control.id, control.default]));
      let shot = 0;
      for (const control of c.explore.controls) {
        const input = figure.getByLabel(control.label, { exact: true });
        await expect(input).toBeEnabled();
        for (const position of POSITIONS) {
          await input.focus();
          for (const key of position.keys) await input.press(control.kind === 'toggle' ? 'Space' : key);
          const k = position.name === 'first' ? 0 : position.name === 'second' ? 1 : control.values.length - 1;
          values[control.id] = control.kind === 'toggle' ? control.values[(await input.isChecked()) ? 1 : 0] : control.values[k];
          const words = control.valueLabels?.[control.values.indexOf(values[control.id])] ?? String(values[control.id]);
          await expect(figure.locator(`output[data-output-for="${control.id}"]`)).toHaveText(words);
          if (control.kind !== 'toggle') await expect(input).toHaveAttribute('aria-valuetext', words);
          await expect(figure).toHaveAttribute('data-explore-state', 'ready');
          const expected = await buildTimeSvg(c, values);
          expect(normalizeSvg(await browserSvg(page, c.id)), `${c.id} at ${JSON.stringify(values)}: browser vs build-time drawing`).toBe(normalizeSvg(expected));
          // The figure's text description is the one drawn for these values.
          const desc = /<desc>([^<]*)<\/desc>/.exec(expected)?.[1] ?? '';
          expect(desc).not.toBe('');
          await expect(figure.locator('.figure-scroll > svg > desc')).toHaveText(desc.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
          shot += 1;
          await scrollToWholePixel(figure);
          await expect(figure.locator('.figure-scroll')).toHaveScreenshot(c.screenshot(`explore-${c.id}-${shot}.png`));
        }
      }
      await page.context().close();
    });

    test('at 390 px the controls fit and still redraw the figure', async ({ browser }, testInfo) => {
      const page = await openPost(browser, testInfo, c.slug);
      await page.setViewportSize({ width: 390, height: 800 });
      await openExplorable(page, c.id);
      const figure = page.locator(`#fig-${c.id}`);
      const before = await browserSvg(page, c.id);
      const control = c.explore.controls[0];
      const input = figure.getByLabel(control.label, { exact: true });
      await input.focus();
      await input.press(control.kind === 'toggle' ? 'Space' : 'End');
      await expect(figure).toHaveAttribute('data-explore-state', 'ready');
      expect(await browserSvg(page, c.id), 'the drawing changed').not.toBe(before);
      const widest = await figure.locator('form.figure-controls').evaluate((form) => Math.max(...[form, ...form.querySelectorAll('*')].map((element) => element.getBoundingClientRect().right)));
      expect(widest, 'the controls fit a 390 px viewport').toBeLessThanOrEqual(390);
      await page.context().close();
    });

    test('without JavaScript the controls stay hidden and the figure is the static SVG', async ({ browser }, testInfo) => {
      const { baseURL } = testInfo.project.use;
      const context = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${c.slug}/`);
      const figure = page.locator(`#fig-${c.id}`);
      await expect(figure.locator('form.figure-controls')).toBeHidden();
      const staticSvg = fs.readFileSync(path.join(figuresRoot, c.slug, `${c.id}.svg`), 'utf8');
      // The page's HTML writer (hast) prints a dash list with spaces ("3 3" for "3,3"), for
      // every inline figure alike; the same list either way.
      const dashes = (svg: string) => svg.replace(/stroke-dasharray="([^"]*)"/g, (_, list: string) => `stroke-dasharray="${list.split(/[\s,]+/).join(' ')}"`);
      expect(normalizeSvg(dashes(await browserSvg(page, c.id)))).toBe(normalizeSvg(dashes(staticSvg)));
      await context.close();
    });
  });
}
