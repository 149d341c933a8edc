/**
 * Explorable figures in the pipeline (pipeline/post/explorable.ts, pipeline/stages/figures.ts):
 * the data file is written beside the SVG, hashed in the manifest and verified like the
 * SVG; the static SVG is the draw of the default values from the data as published; a
 * mistake in a control declaration or in wiring the draw module is one line naming the
 * file, the field and the fix; and the browser's check of a redraw refuses what the
 * pipeline's check refuses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import demo from '../fixtures/figures/explore-demo.ts';
import { controlsProblem, defaultValues, type Control, type ExplorableFigure } from '../../pipeline/post/explorable.ts';
import { readManifest, RenderError, renderFigures, type RenderOptions } from '../../pipeline/stages/figures.ts';
import { sha256 } from '../../pipeline/store/provenance.ts';
import { svgProblem } from '../../pipeline/render/sanitize.ts';
import { svgTreeProblem } from '../../pipeline/render/svg-allowlist.ts';

const DEMO_SOURCE = 'tests/fixtures/figures/explore-demo.ts';

let dir: string;
const options = (): RenderOptions => ({
  figuresDir: dir,
  sourceOf: () => DEMO_SOURCE,
  experimentFileOf: () => 'none',
  runHashes: new Map(),
  loadRun: () => {
    throw new Error('the demo reads no runs');
  },
  line: () => {},
});

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'explorable-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const slider = (overrides: Partial<Control> = {}): Control => ({ id: 'T', label: 'T', kind: 'slider', values: [3, 5, 6], default: 5, ...overrides });

describe('control declarations', () => {
  it('accepts a slider, a toggle and a scrubber', () => {
    expect(controlsProblem([slider(), { id: 'on', label: 'On', kind: 'toggle', values: [false, true], default: true }, slider({ id: 's', kind: 'scrubber' })])).toBeNull();
  });

  it.each([
    ['a default outside the values', [slider({ default: 7 })], /^controls\[0\]\.default is 7, which is not in its values \(3, 5, 6\); fix: make default one of its values$/],
    ['an unknown kind', [slider({ kind: 'knob' as Control['kind'] })], /^controls\[0\]\.kind is "knob"; fix: use one of "slider", "toggle", "scrubber"$/],
    ['a toggle with three values', [slider({ kind: 'toggle' })], /^controls\[0\]\.values has 3 entries for a toggle; fix: give exactly two/],
    ['a repeated id', [slider(), slider()], /^controls\[1\]\.id "T" is used twice; fix:/],
    ['a missing label', [slider({ label: ' ' })], /^controls\[0\]\.label is missing; fix:/],
    ['a value that is not plain data', [slider({ values: [3, NaN], default: 3 })], /^controls\[0\]\.values\[1\] is null; fix: values are finite numbers, strings or booleans$/],
    ['labels that do not match the values', [slider({ valueLabels: ['three'] })], /^controls\[0\]\.valueLabels must be 3 strings/],
    ['too many combinations', [slider({ values: Array.from({ length: 100 }, (_, k) => k), default: 0 }), slider({ id: 'seed', values: Array.from({ length: 21 }, (_, k) => k), default: 0 })], /^controls have 2100 combinations of values; fix: keep to 2000 or fewer/],
    ['no controls', [], /^controls is not a non-empty list; fix:/],
  ])('names the field and the fix for %s, on one line', (_what, controls, message) => {
    const problem = controlsProblem(controls);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('\n');
  });

  it('reports a bad declaration from the pipeline as one line naming the module, the field and the fix', async () => {
    const bad: ExplorableFigure = { ...(demo as ExplorableFigure), controls: [slider({ default: 4 })] };
    const error = await renderFigures([bad], options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as Error).message).toBe('tests/fixtures/figures/explore-demo.ts: figure "explore-demo" controls[0].default is 4, which is not in its values (3, 5, 6); fix: make default one of its values');
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses a draw function that is not the draw module the page will ship', async () => {
    const impostor: ExplorableFigure = { ...(demo as ExplorableFigure), draw: (data, values) => (demo as ExplorableFigure).draw(data, values) };
    const error = await renderFigures([impostor], options()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `${DEMO_SOURCE}: figure "explore-demo"'s "draw" is not the default export of tests/fixtures/figures/explore-demo.draw.ts; fix: import draw from './explore-demo.draw.ts' and pass it as "draw" (the page runs that module)`,
    );
  });
});

describe('the data file', () => {
  it('is written beside the SVG, hashed in the manifest, and the SVG is the draw of the defaults from it', async () => {
    await renderFigures([demo], options());
    const entry = readManifest(dir)!.figures['explore-demo'];
    expect(entry.explore).toMatchObject({ data: 'explore-demo.data.json', draw: 'tests/fixtures/figures/explore-demo.draw.ts' });
    expect(entry.explore!.controls.map((c) => c.id)).toEqual(['slope', 'flip']);
    const dataText = readFileSync(path.join(dir, 'explore-demo.data.json'), 'utf8');
    expect(entry.explore!.dataSha256).toBe(sha256(dataText));
    const svg = readFileSync(path.join(dir, 'explore-demo.svg'), 'utf8');
    expect(svg).toBe((demo as ExplorableFigure).draw(JSON.parse(dataText), defaultValues((demo as ExplorableFigure).controls)));
    expect(svg).toContain('A line of slope 2.');
  });

  it('re-renders a hand-edited data file instead of trusting it, and removes it when the figure goes', async () => {
    await renderFigures([demo], options());
    const dataFile = path.join(dir, 'explore-demo.data.json');
    const original = readFileSync(dataFile, 'utf8');
    writeFileSync(dataFile, original.replace('"two":2', '"two":20'));
    const rendered: string[] = [];
    await renderFigures([demo], { ...options(), line: (text) => rendered.push(text) });
    expect(rendered.some((text) => text.startsWith('figure explore-demo  rendered'))).toBe(true);
    expect(readFileSync(dataFile, 'utf8')).toBe(original);
    await renderFigures([], options());
    expect(() => readFileSync(dataFile)).toThrow();
  });
});

describe("the browser's check of a redraw", () => {
  const parse = (svg: string) => new new JSDOM('').window.DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  const drawn = (demo as ExplorableFigure).draw({ slopes: { one: 1, two: 2, three: 3 } }, { slope: 'one', flip: true });

  it('passes what the draw module draws', () => {
    expect(svgTreeProblem(parse(drawn))).toBeNull();
    expect(svgProblem(drawn)).toBeNull();
  });

  it.each([
    ['a script', drawn.replace('</svg>', '<script>alert(1)</script></svg>'), /contains <script>/],
    ['an event handler', drawn.replace('<title>', '<title onclick="alert(1)">'), /event handler \(onclick on <title>\)/],
    ['a link out', drawn.replace('</svg>', '<use href="https://example.org/x.svg#a"/></svg>'), /links outside itself/],
    ['HTML inside', drawn.replace('</svg>', '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>'), /contains <foreignObject>/],
    ['an external style', drawn.replace('</svg>', '<style>@import url(https://example.org/a.css);</style></svg>'), /<style> that imports/],
  ])('refuses %s, as the pipeline does', (_what, svg, message) => {
    expect(svgTreeProblem(parse(svg))).toMatch(message);
    expect(svgProblem(svg)).not.toBeNull();
  });
});
