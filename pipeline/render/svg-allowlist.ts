/**
 * What a published figure may be made of, in one place for both checks: the pipeline's
 * (sanitize.ts, over the SVG text) and the reader's browser's (an explorable figure's
 * redraw is checked before it replaces the figure). Imports nothing, so the browser
 * bundle can hold it.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Elements a static figure is drawn with (Plot's output and the compositor's). */
export const SVG_ELEMENTS: ReadonlySet<string> = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'metadata', 'style',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'clipPath', 'mask', 'marker', 'pattern', 'linearGradient', 'radialGradient', 'stop', 'filter',
  'feBlend', 'feColorMatrix', 'feComposite', 'feFlood', 'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset',
]);

/** url(...) anywhere but to an id in the same document, and CSS imports. */
export const EXTERNAL_CSS = /@import|url\(\s*(?!['"]?#)/i;

/** A reference that stays inside the document: "#id". */
export const isLocalReference = (value: string): boolean => value.trim().startsWith('#');

/**
 * The first reason a parsed SVG element tree may not be shown as a figure, or null: the
 * same rules as svgProblem (sanitize.ts) applied to a DOM, for the browser, which parses
 * a redrawn figure with its own DOMParser before putting it in the page.
 */
export function svgTreeProblem(root: Element): string | null {
  if (root.localName !== 'svg' || root.namespaceURI !== SVG_NS) return `its root element is <${root.localName}>, not an <svg> in the SVG namespace`;
  for (const element of [root, ...Array.from(root.querySelectorAll('*'))]) {
    if (element.namespaceURI !== SVG_NS) return `it contains <${element.localName}>, which is not an SVG element`;
    if (!SVG_ELEMENTS.has(element.localName)) return `it contains <${element.localName}>, which a figure may not use`;
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.localName.toLowerCase();
      if (name.startsWith('on')) return `it has an event handler (${attribute.name} on <${element.localName}>)`;
      if (name === 'href' && !isLocalReference(attribute.value)) return `it links outside itself (${attribute.name} on <${element.localName}>)`;
      if (EXTERNAL_CSS.test(attribute.value)) return `it refers to something outside the figure (${attribute.name} on <${element.localName}>)`;
    }
    if (element.localName === 'style' && EXTERNAL_CSS.test(element.textContent ?? '')) return 'it has a <style> that imports or links something outside the figure';
  }
  return null;
}
