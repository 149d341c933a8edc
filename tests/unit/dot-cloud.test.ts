/**
 * dotCloud (pipeline/render/vectors.ts) draws Plot.dot's picture with a few paths in place
 * of one circle per dot: the layering rule is checked directly, and the pixels against
 * Plot.dot's own circles, both rasterized by resvg.
 */
import { describe, expect, it } from 'vitest';
import * as Plot from '@observablehq/plot';
import { Resvg } from '@resvg/resvg-js';
import { renderPlot } from '../../pipeline/render/render.ts';
import { originPanel, plottedDataCsv } from '../../pipeline/render/compose.ts';
import { dotCloud, layerPaths } from '../../pipeline/render/vectors.ts';
import type { Vec2 } from '../../pipeline/analysis/geometry.ts';

/** A deterministic cloud: a dense blob (dozens of dots on one another), a sparse tail, a duplicate and a NaN. */
function cloud(): Vec2[] {
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const dense = Array.from({ length: 150 }, (): Vec2 => [(random() - 0.5) * 0.04, (random() - 0.5) * 0.04]);
  const sparse = Array.from({ length: 250 }, (): Vec2 => [(random() - 0.5) * 2, (random() - 0.5) * 2]);
  return [...dense, ...sparse, [0.3, 0.3], [0.3, 0.3], [NaN, 0]];
}

/** Dot centres of one layer path, from its `M x,y` moves (x is the centre minus r). */
const centres = (d: string, r: number): Vec2[] => [...d.matchAll(/M(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]) + r, Number(m[2])]);

describe('layerPaths', () => {
  const r = 1.4;
  const points = cloud().map(([x, y]): Vec2 => [150 + 60 * x, 150 + 60 * y]);
  const X = points.map((p) => p[0]);
  const Y = points.map((p) => p[1]);
  const layers = layerPaths(points.map((_, i) => i), X, Y, r).map((d) => centres(d, r));

  it('draws every finite dot exactly once', () => {
    const drawn = layers.flat().map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).sort();
    const expected = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).sort();
    expect(drawn).toEqual(expected);
  });

  it('never puts two overlapping dots in one layer (so no overlap is painted once instead of twice)', () => {
    for (const layer of layers) {
      for (let a = 0; a < layer.length; a++) {
        for (let b = a + 1; b < layer.length; b++) expect(Math.hypot(layer[a][0] - layer[b][0], layer[a][1] - layer[b][1])).toBeGreaterThanOrEqual(2 * r - 0.02);
      }
    }
  });

  it('puts a cloud without overlaps in one path, and a dense blob in about as many as it has dots on one another', () => {
    expect(layerPaths([0, 1, 2], [0, 10, 20], [0, 0, 0], r)).toHaveLength(1);
    expect(layers.length).toBeGreaterThan(10);
    expect(layers.length).toBeLessThan(points.length / 2);
  });
});

describe('dotCloud', () => {
  const tips = cloud();
  const style = { r: 1.4, fill: '#d62728', fillOpacity: 0.5 };
  const meta = { id: 'cloud', title: 'cloud', desc: 'a cloud of dots' };
  const asCircles = renderPlot(originPanel(300, 1.2, [Plot.dot(tips.map(([x, y]) => ({ x, y })), { x: 'x', y: 'y', ...style })]), meta);
  const asPaths = renderPlot(originPanel(300, 1.2, [dotCloud(tips, style)]), meta);
  const pixels = (svg: string) => new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;

  /** How two renderings differ: channel values (of width × height × RGBA) that differ at all, and the largest difference (of 255). */
  function difference(one: string, other: string): { differing: number; largest: number } {
    const a = pixels(one);
    const b = pixels(other);
    expect(b.length).toBe(a.length);
    let differing = 0;
    let largest = 0;
    for (let k = 0; k < a.length; k++) {
      const d = Math.abs(a[k] - b[k]);
      if (d > 0) differing++;
      largest = Math.max(largest, d);
    }
    return { differing, largest };
  }
  /** Anti-aliasing: where two dots of one path share an edge pixel, the path covers it once, separate circles twice (resvg measured 127 values, at most 8 of 255). */
  const closeEnough = ({ differing, largest }: { differing: number; largest: number }) => differing <= 300 * 300 * 4 * 0.001 && largest <= 12;

  it('draws the picture Plot.dot draws: the same pixels, up to anti-aliasing where two dots of one path nearly touch', () => {
    expect(asPaths).not.toContain('<circle');
    const measured = difference(asCircles, asPaths);
    expect(measured, JSON.stringify(measured)).toSatisfy(closeEnough);
  });

  it('would see the difference if overlapping dots shared a path (one fill where circles stack)', () => {
    const oneLayer = asPaths.replace(/"\/><path d="M/g, 'M');
    expect(oneLayer.match(/<path/g)!.length).toBeLessThan(asPaths.match(/<path/g)!.length);
    const measured = difference(asCircles, oneLayer);
    expect(measured, JSON.stringify(measured)).not.toSatisfy(closeEnough);
  });

  it('keeps every dot in the CSV download, as Plot.dot does', () => {
    const rows = (svg: string) => plottedDataCsv(svg)?.split('\n').filter((line) => line.startsWith('dot'));
    expect(rows(asPaths)).toEqual(rows(asCircles));
    expect(rows(asPaths)?.length).toBeGreaterThanOrEqual(tips.length - 1);
  });
});
