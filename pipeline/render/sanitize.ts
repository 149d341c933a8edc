/**
 * Checks what a figure or table module returns before it is published. The site inlines
 * both verbatim into the post's page, so a figure is code running in the reader's browser
 * unless proven otherwise: these checks hold generated markup to what a static drawing
 * or a table needs, and name the first thing that is not.
 *
 * - A figure's SVG must be well-formed XML with one <svg> root in the SVG namespace (an
 *   unclosed tag would swallow the caption and the prose after it), made only of drawing
 *   elements (no <script>, no <foreignObject>, no animation that could rewrite a link),
 *   with no event-handler attributes and no reference outside itself: links and url()
 *   point at "#ids" only, and styles import nothing.
 * - A table's HTML must close every element it opens (it is inlined among the post's
 *   paragraphs), hold no script, style, embedded content or form, no event handlers,
 *   and link only within the page or to files beside it (runs.csv), never to a scheme.
 *
 * Each check returns a short description of the first problem, or null.
 */
import { fromHtml } from 'hast-util-from-html';
import type { Element as HastElement, Root as HastRoot, RootContent } from 'hast';
import { SaxesParser } from 'saxes';
import { EXTERNAL_CSS, isLocalReference, SVG_ELEMENTS, SVG_NS } from './svg-allowlist.ts';

/**
 * The first reason `svg` may not be published as a figure, or null when it may. Parsed
 * with saxes, the strict, namespace-aware XML parser jsdom itself uses, streaming: a DOM
 * of a 200 kB figure costs ten times as much and tells nothing more.
 */
export function svgProblem(svg: unknown): string | null {
  if (typeof svg !== 'string') return `its "svg" is ${svg === undefined ? 'missing' : `a ${typeof svg}`}, not a string of SVG`;
  if (svg.trim() === '') return 'its "svg" is empty';
  const parser = new SaxesParser({ xmlns: true, position: true });
  let problem: string | null = null;
  let depth = 0;
  let roots = 0;
  let inStyle = false;
  const refuse = (text: string) => {
    problem ??= text;
  };
  parser.on('doctype', () => refuse('its SVG has a <!DOCTYPE> (entities and external DTDs are not allowed)'));
  parser.on('processinginstruction', (pi) => refuse(`its SVG has a processing instruction (<?${pi.target}?>)`));
  parser.on('opentag', (tag) => {
    if (depth === 0) {
      roots += 1;
      if (tag.local !== 'svg' || tag.uri !== SVG_NS) refuse(`its root element is <${tag.name}>${tag.local === 'svg' ? ' without xmlns="http://www.w3.org/2000/svg"' : ''}, not an <svg> in the SVG namespace`);
    }
    depth += 1;
    if (tag.uri !== SVG_NS) return refuse(`its SVG contains <${tag.name}>, which is not an SVG element (HTML inside an SVG is not allowed)`);
    if (!SVG_ELEMENTS.has(tag.local)) return refuse(`its SVG contains <${tag.local}>, which a static figure may not use (allowed: drawing, text, clipping and gradient elements)`);
    inStyle = tag.local === 'style';
    for (const attribute of Object.values(tag.attributes)) {
      const name = attribute.local.toLowerCase();
      if (name.startsWith('on')) return refuse(`its SVG has an event handler (${attribute.name} on <${tag.local}>); figures may not run code`);
      if (name === 'href' && !isLocalReference(attribute.value)) return refuse(`its SVG links outside itself (${attribute.name}="${attribute.value.slice(0, 60)}" on <${tag.local}>); only "#id" references are allowed`);
      if (EXTERNAL_CSS.test(attribute.value)) return refuse(`its SVG refers to something outside the figure (${attribute.name}="${attribute.value.slice(0, 60)}" on <${tag.local}>); only url(#id) is allowed`);
    }
  });
  const styleText = (text: string) => {
    if (inStyle && EXTERNAL_CSS.test(text)) refuse('its SVG has a <style> that imports or links something outside the figure (@import or url() other than url(#id))');
  };
  parser.on('text', styleText);
  parser.on('cdata', styleText);
  parser.on('closetag', () => {
    depth -= 1;
    inStyle = false;
  });
  try {
    parser.write(svg).close();
  } catch (error) {
    // saxes: "1:60: unclosed tag: text"
    return `its SVG is not well-formed XML (line ${(error as Error).message})`;
  }
  if (problem === null && roots !== 1) return 'its SVG has no root element';
  return problem;
}

/** HTML elements a generated table may hold. */
const TABLE_ELEMENTS = new Set([
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  'p', 'div', 'span', 'a', 'code', 'em', 'strong', 'b', 'i', 'small', 'sub', 'sup', 'abbr', 'br', 'ul', 'ol', 'li',
  'pre', 'details', 'summary', 'figure', 'figcaption', 'kbd', 'var', 'mark', 'time', 'del', 'ins', 'q', 'cite', 'dfn', 's', 'u', 'wbr', 'hr',
]);
const VOID_ELEMENTS = new Set(['br', 'col', 'hr', 'wbr']);
/** A link that names a scheme (http:, javascript:, data:…) or another host (//host). */
const LEAVES_THE_PAGE = /^\s*([a-z][a-z0-9+.-]*:|\/\/)/i;

/** The first reason `html` may not be published as a table, or null when it may. */
export function tableHtmlProblem(html: unknown): string | null {
  if (typeof html !== 'string') return `its "html" is ${html === undefined ? 'missing' : `a ${typeof html}`}, not a string of HTML`;
  if (html.trim() === '') return 'its "html" is empty';
  const errors: string[] = [];
  const tree: HastRoot = fromHtml(html, { fragment: true, verbose: true, onerror: (message) => void errors.push(`${message.reason} (line ${message.line}:${message.column})`) });
  if (errors.length > 0) return `its HTML does not parse cleanly: ${errors[0]}`;
  const visit = (nodes: RootContent[]): string | null => {
    for (const node of nodes) {
      if (node.type === 'comment' || node.type === 'doctype') continue;
      if (node.type !== 'element') continue;
      const element = node as HastElement;
      const name = element.tagName;
      if (!TABLE_ELEMENTS.has(name)) return `its HTML contains <${name}>, which a table may not use`;
      // Elements the parser made up (tbody) have no position; those written must be closed.
      const written = element.position !== undefined;
      const closing = (element.data as { position?: { closing?: unknown } } | undefined)?.position?.closing;
      if (written && !VOID_ELEMENTS.has(name) && !closing) return `its HTML leaves <${name}> (line ${element.position!.start.line}:${element.position!.start.column}) unclosed; close every element it opens`;
      for (const [property, value] of Object.entries(element.properties ?? {})) {
        const text = Array.isArray(value) ? value.join(' ') : String(value);
        if (property.toLowerCase().startsWith('on')) return `its HTML has an event handler (${property} on <${name}>); tables may not run code`;
        if (property === 'style' && EXTERNAL_CSS.test(text)) return `its HTML has a style that refers to something outside the page (${text.slice(0, 60)} on <${name}>)`;
        if ((property === 'href' || property === 'src' || property === 'action' || property === 'formAction') && LEAVES_THE_PAGE.test(text)) {
          return `its HTML links outside the site (${property}="${text.slice(0, 60)}" on <${name}>); only "#id" and files beside the table are allowed`;
        }
      }
      const inner = visit(element.children);
      if (inner) return inner;
    }
    return null;
  };
  return visit(tree.children);
}
