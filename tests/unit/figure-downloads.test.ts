/**
 * Each figure's downloads, written by the pipeline beside its SVG: the PNG (the SVG
 * rasterised at PNG_SCALE) and the CSV of the data its marks plot (pipeline/render). They
 * parse, they are recorded in the manifest with their sha256, and they are verified like
 * the SVG: a hand-edited CSV or a truncated PNG is re-rendered, never served.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import relu from '../../content/training-misses-the-circle/figures/relu.ts';
import type { Figure } from '../../pipeline/post/figure.ts';
import { plottedDataCsv, renderGrid, renderPlot } from '../../pipeline/render/render.ts';
import { swatchLegend } from '../../pipeline/render/legend.ts';
import { PNG_SCALE, readManifest, renderFigures, type RenderOptions } from '../../pipeline/stages/figures.ts';
import { sha256 } from '../../pipeline/store/provenance.ts';

const RELU_SOURCE = 'content/training-misses-the-circle/figures/relu.ts';

let dir: string;
let lines: string[];
const options = (): RenderOptions => ({
  figuresDir: dir,
  sourceOf: () => RELU_SOURCE,
  experimentFileOf: () => 'none',
  runHashes: new Map(),
  loadRun: () => {
    throw new Error('relu reads no runs');
  },
  line: (text) => lines.push(text),
});

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'figure-downloads-'));
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('figure downloads (SVG, PNG, CSV) written by the pipeline', () => {
  it('writes a well-formed SVG, a PNG at twice its size and a CSV of the plotted data, each hashed in the manifest', async () => {
    await renderFigures([relu], options());
    const entry = readManifest(dir)!.figures.relu;
    expect([entry.file, entry.png, entry.csv]).toEqual(['relu.svg', 'relu.png', 'relu.csv']);

    const svgText = readFileSync(path.join(dir, entry.file), 'utf8');
    const svg = new new JSDOM('').window.DOMParser().parseFromString(svgText, 'image/svg+xml');
    expect(svg.getElementsByTagName('parsererror')).toHaveLength(0);
    const root = svg.documentElement;
    expect(root.tagName).toBe('svg');

    const png = readFileSync(path.join(dir, entry.png));
    expect(pngSize(png)).toEqual({ width: Number(root.getAttribute('width')) * PNG_SCALE, height: Number(root.getAttribute('height')) * PNG_SCALE });

    const csv = readFileSync(path.join(dir, entry.csv), 'utf8');
    const [header, ...rows] = csv.trimEnd().split('\n').map((line) => line.split(','));
    expect(header.slice(0, 3)).toEqual(['mark', 'x', 'y']);
    for (const row of rows) expect(row).toHaveLength(header.length);
    // The ReLU graph itself: its three breakpoints (z, ReLU(z)), as plotted.
    const graph = rows.filter((row) => row[0] === 'line').map((row) => [row[1], row[2]]);
    expect(graph).toContainEqual(['-2', '0']);
    expect(graph).toContainEqual(['2', '2']);

    expect(entry.svgSha256).toBe(sha256(svgText));
    expect(entry.pngSha256).toBe(sha256(png));
    expect(entry.csvSha256).toBe(sha256(csv));
  });

  it('keeps intact downloads, and re-renders a hand-edited CSV or a truncated PNG', async () => {
    await renderFigures([relu], options());
    const csvFile = path.join(dir, 'relu.csv');
    const pngFile = path.join(dir, 'relu.png');
    const csv = readFileSync(csvFile, 'utf8');
    const png = readFileSync(pngFile);

    lines = [];
    await renderFigures([relu], options());
    expect(lines).toEqual(['figures: 1 of 1 up to date']);

    writeFileSync(csvFile, csv.replace('-2', '-3'));
    lines = [];
    await renderFigures([relu], options());
    expect(lines.some((line) => line.startsWith('figure relu  rendered'))).toBe(true);
    expect(readFileSync(csvFile, 'utf8')).toBe(csv);

    writeFileSync(pngFile, png.subarray(0, 100));
    lines = [];
    await renderFigures([relu], options());
    expect(lines.some((line) => line.startsWith('figure relu  rendered'))).toBe(true);
    expect(readFileSync(pngFile).equals(png)).toBe(true);
  });

  it('refuses a figure whose SVG the render helpers did not make, naming the figure and the fix', async () => {
    const handmade: Figure = { id: 'handmade', needs: [], caption: 'By hand.', render: () => ({ svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', provenance: 'none', numbers: {} }) };
    await expect(renderFigures([handmade], options())).rejects.toThrow(/^figure "handmade" \(content\/.*relu\.ts\) returned an SVG that renderPlot\/renderGrid .* return their SVG unchanged$/);
  });
});

describe('plotted data (pipeline/render/render.ts)', () => {
  it('has one row per datum of each data mark, with its panel, channels and own fields; no axes, grids or legends', () => {
    const data = [
      { T: 3, outcome: 'even', f: 0.25 },
      { T: 5, outcome: 'several radii', f: 0.5 },
    ];
    const svg = renderGrid(
      {
        rows: [
          [{ plot: swatchLegend(200, [{ label: 'even', color: 'red' }]) }],
          [{ heading: ['left'], plot: { width: 200, height: 100, marks: [Plot.axisX([3, 5]), Plot.gridY([0.5]), Plot.dot(data, { x: 'T', y: 'f' })] } }],
        ],
      },
      { id: 'grid', title: 'grid', desc: 'grid' },
    );
    expect(plottedDataCsv(svg)).toBe('panel,mark,x,y,T,outcome,f\nleft,dot,3,0.25,3,even,0.25\nleft,dot,5,0.5,5,several radii,0.5\n');
    expect(plottedDataCsv(renderPlot({ marks: [Plot.ruleY([1])] }, { id: 'one', title: 'one', desc: 'one' }))).toBe('mark,y\nruleY,1\n');
    expect(plottedDataCsv('<svg xmlns="http://www.w3.org/2000/svg"/>')).toBeUndefined();
  });
});
