import { describe, expect, it } from 'vitest';
import * as Plot from '@observablehq/plot';
import { renderGrid, renderPlot, type PlotOptions } from '../../pipeline/render/render.ts';
import { normalizeSvg } from '../../pipeline/render/normalize.ts';
import { fontFamily } from '../../pipeline/render/theme.ts';
import { parseSvg } from '../fixtures/svg.ts';

/** Parse as XML (throws on malformed markup) and return the root element. */
function ids(root: Element): string[] {
  return Array.from(root.querySelectorAll('[id]'), (el) => el.getAttribute('id') ?? '');
}

/** Every id referenced by url(#…) or href="#…" anywhere in the markup. */
function references(svg: string): string[] {
  return [...svg.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]);
}

/** A plot that makes Plot generate a clip path and a marker (both counter-numbered ids). */
function clippedArrowPlot(): PlotOptions {
  return {
    width: 200,
    height: 200,
    x: { domain: [0, 1] },
    y: { domain: [0, 1] },
    marks: [
      Plot.link([{ x1: 0.1, y1: 0.1, x2: 0.9, y2: 0.8 }], { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', markerEnd: 'arrow', clip: true }),
      Plot.dot([{ x: 1 / 3, y: 2 / 3 }], { x: 'x', y: 'y' }),
    ],
  };
}

const meta = (id: string) => ({ id, title: `Title of ${id}`, desc: `Description of ${id} & <friends>` });

describe('renderPlot', () => {
  const svg = renderPlot(clippedArrowPlot(), meta('alpha'));
  const root = parseSvg(svg);

  it('is standalone SVG with the SVG namespace on the root', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('viewBox')).toBe('0 0 200 200');
  });

  it('puts plain <title> and <desc> first, escaped', () => {
    expect(svg).toMatch(/^<svg [^>]*><title>Title of alpha<\/title><desc>Description of alpha &amp; &lt;friends&gt;<\/desc>/);
    const [first, second] = Array.from(root.children);
    expect(first.tagName).toBe('title');
    expect(first.textContent).toBe('Title of alpha');
    expect(second.tagName).toBe('desc');
    expect(second.textContent).toBe('Description of alpha & <friends>');
    expect(root.getAttribute('role')).toBe('img');
  });

  it('is one image to assistive technology: no ARIA label below the role="img" root (axe: aria-prohibited-attr)', () => {
    expect(root.getAttribute('role')).toBe('img');
    expect(Array.from(root.querySelectorAll('[aria-label], [aria-description]'), (el) => `<${el.localName} aria-label="${el.getAttribute('aria-label')}">`)).toEqual([]);
    const grid = parseSvg(renderGrid({ rows: [[{ plot: clippedArrowPlot() }, { plot: clippedArrowPlot() }]] }, meta('grid')));
    expect(grid.querySelectorAll('[aria-label]')).toHaveLength(0);
  });

  it('uses the theme font explicitly', () => {
    expect(root.getAttribute('font-family')).toBe(fontFamily);
    expect(root.getAttribute('style')).toContain('DejaVu Sans');
  });

  it('prefixes every id with the figure id and keeps references resolvable', () => {
    const all = ids(root);
    expect(all.length).toBeGreaterThanOrEqual(2); // clip path, marker
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id.startsWith('alpha-')).toBe(true);
    const refs = references(svg);
    expect(refs).toEqual(expect.arrayContaining(['alpha-plot-clip-1', 'alpha-plot-marker-1']));
    for (const ref of refs) expect(all).toContain(ref);
    expect(svg).not.toMatch(/id="plot-/);
  });

  it('rounds coordinates to 0.01 px', () => {
    expect(svg).not.toMatch(/\d\.\d{3,}/);
  });

  it('is deterministic: Plot’s id counters do not leak into the output', () => {
    renderPlot(clippedArrowPlot(), meta('other')); // advances Plot's counters
    expect(renderPlot(clippedArrowPlot(), meta('alpha'))).toBe(svg);
  });

  it('refuses Plot options that would wrap the SVG in a <figure>', () => {
    expect(() => renderPlot({ ...clippedArrowPlot(), caption: 'no' }, meta('x'))).toThrow(/figure/);
  });
});

describe('two figures in one process', () => {
  it('share no id, so both can be inlined on one page', () => {
    const a = parseSvg(renderPlot(clippedArrowPlot(), meta('first')));
    const b = parseSvg(renderGrid({ rows: [[{ plot: clippedArrowPlot() }, { plot: clippedArrowPlot() }]] }, meta('second')));
    const shared = ids(a).filter((id) => ids(b).includes(id));
    expect(shared).toEqual([]);
  });
});

describe('renderGrid', () => {
  const svg = renderGrid(
    {
      rows: [
        [
          { plot: clippedArrowPlot(), heading: ['left'] },
          { plot: { ...clippedArrowPlot(), width: 150 }, heading: [{ text: 'right', weight: 'bold' }], footer: ['below'] },
        ],
        [{ plot: clippedArrowPlot() }],
      ],
      gap: { x: 10, y: 20 },
      margin: { top: 0, right: 0, bottom: 0, left: 0 },
      rowLabels: ['row one', 'row two'],
    },
    meta('grid'),
  );
  const root = parseSvg(svg);
  const panels = Array.from(root.children).filter((el) => el.tagName === 'svg');

  it('nests one <svg> per panel at its offset inside an outer svg with explicit size', () => {
    expect(panels).toHaveLength(3);
    const width = Number(root.getAttribute('width'));
    const height = Number(root.getAttribute('height'));
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${width} ${height}`);
    // Row-label band 22 px, then columns of 200 and 150 px with a 10 px gap.
    expect(width).toBe(22 + 200 + 10 + 150);
    expect(panels.map((p) => p.getAttribute('x'))).toEqual(['22', '232', '22']);
    const [first, second, third] = panels.map((p) => Number(p.getAttribute('y')));
    expect(first).toBe(second); // one heading band per row
    expect(third).toBeGreaterThan(first + 200 + 20);
    for (const panel of panels) {
      expect(Number(panel.getAttribute('x')) + Number(panel.getAttribute('width'))).toBeLessThanOrEqual(width);
      expect(Number(panel.getAttribute('y')) + Number(panel.getAttribute('height'))).toBeLessThanOrEqual(height);
    }
  });

  it('keeps a single stylesheet, on the root, and no class on nested panels', () => {
    expect(root.querySelectorAll('style')).toHaveLength(1);
    expect(root.getAttribute('class')).toMatch(/^plot-/);
    for (const panel of panels) expect(panel.hasAttribute('class')).toBe(false);
  });

  it('writes headings, footers and rotated row labels in the theme font', () => {
    const texts = Array.from(root.children).filter((el) => el.tagName === 'text');
    expect(texts.map((t) => t.textContent)).toEqual(['left', 'right', 'below', 'row one', 'row two']);
    for (const t of texts) expect(t.getAttribute('font-family')).toBe(fontFamily);
    expect(texts[3].getAttribute('transform')).toMatch(/rotate\(-90\)/);
  });

  it('makes ids unique across panels', () => {
    const all = ids(root);
    expect(new Set(all).size).toBe(all.length);
    for (const ref of references(svg)) expect(all).toContain(ref);
  });
});

describe('normalizeSvg', () => {
  it('renumbers ids with their references, rounds long decimals, leaves colours alone', () => {
    const input =
      '<svg><clipPath id="fig-plot-clip-7"><rect x="1.23456"/></clipPath>' +
      '<g clip-path="url(#fig-plot-clip-7)" fill="#2e5e9a"><path d="M0.333333,1e-7L2,3.5"/></g>' +
      '<use href="#fig-plot-clip-7"/></svg>';
    expect(normalizeSvg(input)).toBe(
      [
        '<svg>',
        '<clipPath id="id-1">',
        '<rect x="1.23"/>',
        '</clipPath>',
        '<g clip-path="url(#id-1)" fill="#2e5e9a">',
        '<path d="M0.33,0L2,3.5"/>',
        '</g>',
        '<use href="#id-1"/>',
        '</svg>',
      ].join('\n') + '\n',
    );
  });

  it('gives the same text for the same picture whatever the id counters were', () => {
    const a = renderPlot(clippedArrowPlot(), meta('same'));
    const b = renderPlot(clippedArrowPlot(), meta('renamed'));
    expect(normalizeSvg(a).replace(/same|renamed/g, 'X')).toBe(normalizeSvg(b).replace(/same|renamed/g, 'X'));
  });
});
