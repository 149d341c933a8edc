/**
 * The one place where Plot options become a standalone SVG string, in Node and in the
 * reader's browser alike (explorable figures redraw there with the same code).
 *
 * Plot renders into a DOM: in the browser the page's own document; in Node jsdom, which
 * pipeline/render/render.ts plugs in (this module imports nothing Node-only, so the
 * browser bundle can hold it). The serialized result is then made safe to inline next to other
 * figures on one page:
 *
 * - `xmlns` is set on the root so the file also opens on its own;
 * - every `id` is renamed `<figure-id>-<kind>-<k>` (numbered in document order) and
 *   every `url(#…)` / `href="#…"` reference follows. Plot numbers clip paths and
 *   markers from per-process counters, so without this two figures on one page can
 *   share an id, and a figure's text would depend on what was rendered before it;
 * - coordinates are rounded to 0.01 px, which no screen shows, to keep files small
 *   and free of float noise such as `92.00000000000001`;
 * - `<title>` and `<desc>` come first, for screen readers and for tooltips.
 *
 * Small multiples are composed by rendering each panel as its own Plot `<svg>` and
 * nesting the panels, with x/y offsets, inside an outer `<svg>` that has explicit
 * width, height and viewBox.
 *
 * Plot legends for continuous scales draw their ramp on a canvas, which jsdom lacks:
 * figures draw any colour ramp as marks instead, and no figure sets `legend: true`.
 *
 * Both helpers also keep the data the figure plots, read from its marks after Plot's
 * transforms, so every figure's CSV download comes from here and no figure module has
 * to declare it: `plottedDataCsv(svg)` returns it for an SVG these helpers returned.
 */
import * as Plot from '@observablehq/plot';
import type { PlotOptions } from '@observablehq/plot';
import { bareMargin, colors, fontFamily, fontSize, plotStyle } from './theme.ts';
import { csvLine } from '../post/html.ts';

export type { PlotOptions };

export const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** Identity and accessible text of one rendered figure. */
export interface SvgMeta {
  /** Figure id; prefixes every element id in the SVG. */
  id: string;
  /** Short name, becomes `<title>`. */
  title: string;
  /** What the figure shows, in words, becomes `<desc>`. */
  desc: string;
}

/** One line of text placed by the compositor (headings, footers, row labels). */
export interface TextLine {
  text: string;
  weight?: 'normal' | 'bold';
  fill?: string;
  size?: number;
}

/** One panel of a grid: a Plot plus optional lines of text above and below it. */
export interface Panel {
  plot: PlotOptions;
  heading?: (string | TextLine)[];
  footer?: (string | TextLine)[];
}

export interface GridSpec {
  /** Panels row by row; rows may have different lengths. Columns share a width, rows a height. */
  rows: Panel[][];
  /** Space between panels, px. */
  gap?: { x: number; y: number };
  /** Space around the whole grid, px. */
  margin?: { top: number; right: number; bottom: number; left: number };
  /** A label per row, written vertically to the left of the row. */
  rowLabels?: (string | TextLine)[];
}

/** The DOM a figure is drawn in: a document to create elements and the serializer of the same DOM. */
export interface DrawingWindow {
  document: Document;
  XMLSerializer: { new (): { serializeToString(node: Node): string } };
}

let windowFactory: (() => DrawingWindow) | null = null;
/** Node's renderer (render.ts) hands in jsdom here; the browser draws in its own window. */
export function setWindowFactory(factory: () => DrawingWindow): void {
  windowFactory = factory;
}

function drawingWindow(): DrawingWindow {
  if (windowFactory) return windowFactory();
  const browser = (globalThis as { window?: DrawingWindow }).window;
  if (browser?.document) return browser;
  throw new Error('no DOM to draw in: in Node, import pipeline/render/render.ts (it provides jsdom)');
}

/**
 * Whether to keep each SVG's plotted data for its CSV download: the pipeline needs it,
 * a redraw in the reader's browser does not (render.ts turns it on).
 */
let keepPlottedData = false;
export function setKeepPlottedData(keep: boolean): void {
  keepPlottedData = keep;
}

/** Render a single Plot as a standalone SVG string. */
export function renderPlot(options: PlotOptions, meta: SvgMeta): string {
  const window = drawingWindow();
  const svg = plotSvg(options, window.document);
  return remember(finish(svg, meta, window), () => plottedRows([{ plot: options }]));
}

/** Line height for compositor text, relative to its font size. */
const LINE_HEIGHT = 1.3;
/** Width reserved for a vertical row label. */
export const ROW_LABEL_WIDTH = 22;

/** Render a grid of Plot panels (small multiples) as one standalone SVG string. */
export function renderGrid(spec: GridSpec, meta: SvgMeta): string {
  const window = drawingWindow();
  const document = window.document;
  const gap = spec.gap ?? { x: 8, y: 12 };
  const margin = spec.margin ?? { top: 4, right: 4, bottom: 4, left: 4 };
  const rows = spec.rows.map((row) => row.map((panel) => ({ panel, svg: plotSvg(panel.plot, document) })));
  const firstPanel = rows.flat()[0]?.svg;
  const className = firstPanel?.getAttribute('class');
  const style = firstPanel?.querySelector(':scope > style')?.cloneNode(true);
  const size = (svg: SVGSVGElement, name: 'width' | 'height'): number => Number(svg.getAttribute(name));

  const columnCount = Math.max(0, ...rows.map((row) => row.length));
  const columnWidths = Array.from({ length: columnCount }, (_, c) =>
    Math.max(0, ...rows.map((row) => (row[c] ? size(row[c].svg, 'width') : 0))),
  );
  const lineHeight = (line: TextLine): number => (line.size ?? fontSize.heading) * LINE_HEIGHT;
  const blockHeight = (lines: TextLine[]): number => lines.reduce((sum, line) => sum + lineHeight(line), 0);
  const rowLayout = rows.map((row) => ({
    heading: Math.max(0, ...row.map(({ panel }) => blockHeight(textLines(panel.heading)))),
    plot: Math.max(0, ...row.map(({ svg }) => size(svg, 'height'))),
    footer: Math.max(0, ...row.map(({ panel }) => blockHeight(textLines(panel.footer)))),
  }));

  const left = margin.left + (spec.rowLabels ? ROW_LABEL_WIDTH : 0);
  const columnX: number[] = [];
  let x = left;
  for (const w of columnWidths) {
    columnX.push(x);
    x += w + gap.x;
  }
  const width = Math.ceil(x - (columnCount > 0 ? gap.x : 0) + margin.right);

  const root = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  let y = margin.top;
  rows.forEach((row, r) => {
    const layout = rowLayout[r];
    const plotTop = y + layout.heading;
    row.forEach(({ panel, svg }, c) => {
      const centre = columnX[c] + columnWidths[c] / 2;
      // Headings sit on the bottom of the heading band, so one-line headings align with two-line ones.
      const headingLines = textLines(panel.heading);
      let baseline = plotTop - blockHeight(headingLines);
      for (const line of headingLines) {
        baseline += lineHeight(line);
        root.appendChild(textElement(document, line, centre, baseline - 0.3 * (line.size ?? fontSize.heading)));
      }
      // Nested panels: strip Plot's class and <style>; the root carries one copy.
      nestPanel(svg, root, columnX[c] + (columnWidths[c] - size(svg, 'width')) / 2, plotTop);
      baseline = plotTop + layout.plot;
      for (const line of textLines(panel.footer)) {
        baseline += lineHeight(line);
        root.appendChild(textElement(document, line, centre, baseline - 0.3 * (line.size ?? fontSize.heading)));
      }
    });
    const label = spec.rowLabels?.[r];
    if (label !== undefined) {
      const line = textLines([label])[0];
      const cx = margin.left + ROW_LABEL_WIDTH / 2;
      const cy = plotTop + layout.plot / 2;
      const text = textElement(document, line, 0, 0);
      text.setAttribute('transform', `translate(${cx},${cy}) rotate(-90)`);
      text.setAttribute('dy', '0.35em');
      root.appendChild(text);
    }
    y = plotTop + layout.plot + layout.footer + gap.y;
  });
  const height = Math.ceil(y - (rows.length > 0 ? gap.y : 0) + margin.bottom);

  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('font-family', fontFamily);
  root.setAttribute('font-size', String(fontSize.tick));
  root.setAttribute('fill', colors.ink);
  root.setAttribute('text-anchor', 'middle');
  // Plot's responsive stylesheet (scale down to the column, keep the aspect ratio) moves to
  // the root: on nested panels its `height: auto` would resize them, and one copy is enough.
  if (className && style) {
    root.setAttribute('class', className);
    root.insertBefore(style, root.firstChild);
  }
  for (const row of rows) for (const { svg } of row) svg.querySelector(':scope > style')?.remove();
  const panels = spec.rows.flatMap((row, r) =>
    row.map((panel, c) => ({ plot: panel.plot, name: textLines(panel.heading).map((line) => line.text).join(' ') || `row ${r + 1}, column ${c + 1}` })),
  );
  return remember(finish(root, meta, window), () => plottedRows(panels));
}

function textLines(lines: (string | TextLine)[] | undefined): TextLine[] {
  return (lines ?? []).map((line) => (typeof line === 'string' ? { text: line } : line));
}

function textElement(document: Document, line: TextLine, x: number, y: number): SVGTextElement {
  const text = document.createElementNS(SVG_NS, 'text') as SVGTextElement;
  text.setAttribute('x', String(x));
  text.setAttribute('y', String(y));
  text.setAttribute('font-family', fontFamily);
  text.setAttribute('font-size', String(line.size ?? fontSize.heading));
  if (line.weight === 'bold') text.setAttribute('font-weight', 'bold');
  text.setAttribute('fill', line.fill ?? colors.ink);
  text.textContent = line.text;
  return text;
}

function nestPanel(svg: SVGSVGElement, root: SVGSVGElement, x: number, y: number): void {
  svg.removeAttribute('class');
  svg.setAttribute('x', String(x));
  svg.setAttribute('y', String(y));
  root.appendChild(svg);
}

/** Plot one panel into `document`, with the theme's font and style. */
function plotSvg(options: PlotOptions, document: Document): SVGSVGElement {
  const extraStyle = typeof options.style === 'object' && options.style !== null ? options.style : {};
  const node = Plot.plot({ ...options, document, style: { ...plotStyle(), ...extraStyle } });
  if (node.tagName.toLowerCase() !== 'svg') {
    // Plot wraps the svg in <figure> when given a title, caption or legend; captions and
    // headings belong to the article and to renderGrid, so refuse rather than lose them.
    throw new Error('Plot returned a <figure>: pass no title/subtitle/caption/legend to Plot options');
  }
  const svg = node as unknown as SVGSVGElement;
  // Plot writes inline styles through the CSSOM. jsdom turns them into a style attribute
  // at once; a browser only when the attribute is read, so attributes set later (a nested
  // panel's x and y) would be serialised before it. Reading every style attribute now puts
  // it where jsdom has it, and the browser's redraw of an explorable figure is then the
  // same text as the build's (a read changes nothing in jsdom).
  for (const element of [svg, ...Array.from(svg.querySelectorAll('*'))]) element.getAttribute('style');
  svg.setAttribute('font-family', fontFamily);
  return svg;
}

/** Ids, rounding, title/desc, namespaces, then XML serialization. */
function finish(root: SVGSVGElement, meta: SvgMeta, window: DrawingWindow): string {
  const prefix = idPrefix(meta.id);
  prefixIds(root, prefix);
  roundCoordinates(root);
  const document = root.ownerDocument;
  // A first-child <title>/<desc> is the SVG's accessible name and description on its own
  // (SVG-AAM); no ids or aria-labelledby needed, so the tags stay plain.
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = meta.title;
  const desc = document.createElementNS(SVG_NS, 'desc');
  desc.textContent = meta.desc;
  root.insertBefore(desc, root.firstChild);
  root.insertBefore(title, root.firstChild);
  root.setAttribute('role', 'img');
  root.removeAttribute('aria-label');
  // Plot names its marks with aria-label ("dot", "line", "x-axis tick") on <g> and <rect>.
  // Inside role="img" every descendant is presentational, so no reader hears them, and
  // ARIA forbids a label on an element without a role (axe: aria-prohibited-attr). The
  // figure's <title> and <desc> say what it shows.
  for (const labelled of Array.from(root.querySelectorAll('[aria-label], [aria-description]'))) {
    labelled.removeAttribute('aria-label');
    labelled.removeAttribute('aria-description');
  }
  // The XML serializer declares the SVG namespace on the root itself (first, before the
  // attributes); xlink has to be declared by hand if any attribute uses it.
  if (usesXlink(root)) root.setAttributeNS(XMLNS_NS, 'xmlns:xlink', XLINK_NS);
  const svg = new window.XMLSerializer().serializeToString(root);
  if (!svg.startsWith(`<svg xmlns="${SVG_NS}"`)) throw new Error('render: SVG namespace missing on the root');
  return svg;
}

/** A figure id made safe to start an XML id. */
export function idPrefix(figureId: string): string {
  const safe = figureId.replace(/[^A-Za-z0-9_-]/g, '-');
  return /^[A-Za-z_]/.test(safe) ? safe : `f-${safe}`;
}

/**
 * Rename every id below `root` to `<prefix>-<kind>-<k>`, where kind is the old id without
 * its trailing counter (Plot's `plot-clip-7` → `<prefix>-plot-clip-1`), numbered in document
 * order; then rewrite `url(#old)`, `href="#old"` and aria id lists to match.
 */
export function prefixIds(root: Element, prefix: string): void {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  const withIds = [root, ...Array.from(root.querySelectorAll('[id]'))].filter((el) => el.hasAttribute('id'));
  for (const el of withIds) {
    const old = el.getAttribute('id') ?? '';
    const kind = old.replace(/-?\d+$/, '') || 'id';
    const k = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, k);
    const fresh = `${prefix}-${kind}-${k}`;
    renamed.set(old, fresh);
    el.setAttribute('id', fresh);
  }
  if (renamed.size === 0) return;
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      let value = attr.value;
      if (value.includes('url(#')) {
        value = value.replace(/url\(\s*#([^)\s]+)\s*\)/g, (match, id: string) => {
          const fresh = renamed.get(id);
          return fresh ? `url(#${fresh})` : match;
        });
      }
      if ((attr.localName === 'href') && value.startsWith('#')) {
        value = `#${renamed.get(value.slice(1)) ?? value.slice(1)}`;
      }
      if (attr.name === 'aria-labelledby' || attr.name === 'aria-describedby') {
        value = value
          .split(/\s+/)
          .map((id) => renamed.get(id) ?? id)
          .join(' ');
      }
      if (value !== attr.value) el.setAttributeNS(attr.namespaceURI, attr.name, value);
    }
  }
}

const GEOMETRY_ATTRIBUTES = ['d', 'transform', 'points', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r'];
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/** Round every number in geometry attributes to 0.01 (user units are px at natural size). */
function roundCoordinates(root: Element): void {
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const name of GEOMETRY_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value === null || !/\d\.\d{3}|e/i.test(value)) continue;
      el.setAttribute(name, value.replace(NUMBER, (token) => String(Math.round(Number(token) * 100) / 100 + 0)));
    }
  }
}

function usesXlink(root: Element): boolean {
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) if (attr.namespaceURI === XLINK_NS) return true;
  }
  return false;
}

/**
 * A square panel without axes, centred on the origin with light cross-hairs and a frame:
 * the cell of the geometric small multiples (memorization panels, memorized T-gons).
 */
export function originPanel(size: number, extent: number, marks: Plot.Markish[]): PlotOptions {
  return {
    width: size,
    aspectRatio: 1,
    margin: bareMargin,
    axis: null,
    x: { domain: [-extent, extent] },
    y: { domain: [-extent, extent] },
    marks: [Plot.frame({ stroke: colors.grid }), Plot.ruleX([0], { stroke: colors.grid }), Plot.ruleY([0], { stroke: colors.grid }), ...marks],
  };
}

// ── The plotted data behind each SVG (the figure's CSV download) ──

/** Plot options of legends drawn as panels (pipeline/render/legend.ts): not data, left out of the CSV. */
export const legendPanels = new WeakSet<PlotOptions>();

/** One plotted datum: the panel and mark that draw it, and its channel values by name. */
type PlottedRow = Record<string, unknown>;

/** CSV text by the SVG text it belongs to, for the SVGs these helpers returned in this process. */
const csvBySvg = new Map<string, string>();

function remember(svg: string, rows: () => PlottedRow[]): string {
  if (keepPlottedData) csvBySvg.set(svg, toCsv(rows()));
  return svg;
}

/**
 * The CSV of what an SVG returned by renderPlot or renderGrid plots: one row per datum of
 * every data mark (axes, grids and legends left out), columns `panel` (grids only),
 * `mark` and one per channel (x, y, x1, y2, stroke, text, …) with the values Plot drew,
 * after its transforms. Undefined for an SVG these helpers did not return as it is.
 */
export function plottedDataCsv(svg: string): string | undefined {
  return csvBySvg.get(svg);
}

function plottedRows(panels: { plot: PlotOptions; name?: string }[]): PlottedRow[] {
  const rows: PlottedRow[] = [];
  for (const { plot, name } of panels) {
    if (legendPanels.has(plot)) continue;
    for (const mark of dataMarks(plot.marks ?? [])) {
      const { data, facets, channels } = (mark as unknown as { initialize(): { data: ArrayLike<unknown> | null; facets?: ArrayLike<number>[]; channels: Record<string, { value: ArrayLike<unknown> }> } }).initialize();
      const names = Object.keys(channels);
      if (data == null || names.length === 0) continue;
      // The facets hold the indices Plot draws (a filter transform drops some).
      // (typed arrays, so flattened by hand).
      const index = facets ? [...new Set(facets.flatMap((facet) => Array.from(facet)))].sort((a, b) => a - b) : Array.from({ length: data.length }, (_, i) => i);
      const kind = markName(mark);
      for (const i of index) {
        const row: PlottedRow = name === undefined ? { mark: kind } : { panel: name, mark: kind };
        for (const channel of names) row[channel] = channels[channel].value[i];
        // The datum's own fields too (an outcome, a seed, an interval's ends), where a channel does not already name them.
        const datum = data[i];
        if (typeof datum === 'object' && datum !== null && !Array.isArray(datum)) {
          for (const [field, value] of Object.entries(datum)) {
            if (!(field in row) && isCellValue(value)) row[field] = value;
          }
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

/** The marks of a Plot's `marks` option that draw data: nested arrays flattened; axes, grids and render functions left out. */
function dataMarks(marks: readonly unknown[]): Plot.Mark[] {
  return marks.flatMap((mark): Plot.Mark[] => {
    if (Array.isArray(mark)) return dataMarks(mark);
    if (!(mark instanceof Plot.Mark)) return [];
    const ariaLabel = (mark as { ariaLabel?: string }).ariaLabel ?? '';
    return /^[a-z]+-(axis|grid)\b/.test(ariaLabel) ? [] : [mark];
  });
}

/** "dot", "line", "ruleY": the mark's class name, lower camel case. */
function markName(mark: Plot.Mark): string {
  const name = mark.constructor.name;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isCellValue(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value instanceof Date;
}

/** Rows → CSV with a header of every column used (first use first); empty cells for missing values. */
function toCsv(rows: PlottedRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
    if (value instanceof Date) return value.toISOString();
    return String(value);
  };
  return [csvLine(columns), ...rows.map((row) => csvLine(columns.map((column) => cell(row[column]))))].join('\n') + '\n';
}
