// What the Markdown parser silently lets through, rejected with file:line:column.
//
// 1. Syntax that did not parse. remark-math and remark-directive leave anything they
//    cannot read as plain text, so a missing `$` or `]` would ship as literal
//    characters. After parsing, any unescaped `$` in text, or `:name[` / `::name[` in
//    text, is such a leftover; so is a `$$` block that is never closed (it swallows the
//    rest of the post). A literal dollar sign or colon is written escaped: `\$`, `\:`.
//
// 2. Raw HTML, by an allow-list. Markdown may carry a few inline tags it has no syntax
//    for, with a few harmless attributes, and HTML comments; everything else fails:
//    scripts and other active content, event-handler attributes (on…=), inline styles,
//    and tags Markdown or a directive already covers (links, images, figures).
//
// 3. Link and image targets: http(s), mailto, or relative; `javascript:` and other
//    schemes fail.
//
// The checks read the source text of each node (positions into the file), so an
// escaped `\$` passes while a bare `$` does not, whatever later plugins (smartypants)
// do to the text.

import type { Nodes as HastNodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import type { Nodes, Root } from 'mdast';
import type {} from 'mdast-util-directive';
import type {} from 'mdast-util-math';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { ArticleBuildError } from './errors.ts';

/** Tags an author may write as raw HTML, and the attributes each may carry (hast property names). */
export const ALLOWED_HTML: Readonly<Record<string, readonly string[]>> = {
  sub: [],
  sup: [],
  kbd: [],
  abbr: ['title'],
  mark: [],
  small: [],
  s: [],
  del: [],
  ins: [],
  br: [],
  wbr: [],
  span: ['className', 'lang', 'title'],
  details: ['open'],
  summary: [],
};

/** Tags with a Markdown or directive equivalent: the fix names it. */
const MARKDOWN_EQUIVALENT: Readonly<Record<string, string>> = {
  a: 'a Markdown link: [text](url)',
  img: 'a figure module (::figure[id]) or a Markdown image: ![alt](url)',
  figure: '::figure[id]',
  table: 'a Markdown table or ::table[id]',
  em: '*emphasis*',
  i: '*emphasis*',
  strong: '**strong**',
  b: '**strong**',
  code: '`code`',
  pre: 'a fenced code block',
  h1: 'a # heading',
  h2: 'a ## heading',
  h3: 'a ### heading',
  p: 'a blank line between paragraphs',
};

const ACTIVE_CONTENT = new Set(['script', 'style', 'iframe', 'frame', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'link', 'meta', 'base', 'svg', 'math', 'template', 'noscript']);

/** Schemes a link or image may use; anything without a scheme is relative. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

export interface CheckPlace {
  file: VFile;
  /** Source text the node positions point into. */
  source: string;
  /** When checking a caption: where to report instead (the ::figure line), and what to say. */
  caption?: { figureId: string; line: number | undefined; column: number | undefined };
}

/** remark plugin: runs every check on the post's own tree, before anything rewrites it. */
export default function remarkSourceCheck() {
  return function transform(tree: Root, file: VFile): undefined {
    checkSource(tree, { file, source: String(file.value ?? '') });
  };
}

/** All checks over one parsed tree (the post, or a figure caption parsed on its own). */
export function checkSource(tree: Root | Nodes, place: CheckPlace): void {
  visit(tree, (node) => {
    if (node.type === 'text') checkText(node, place);
    else if (node.type === 'math') checkDisplayMath(node, place);
    else if (node.type === 'html') checkHtml(node, place);
    else if (node.type === 'link' || node.type === 'image' || node.type === 'definition') checkUrl(node, place);
    else if (node.type === 'textDirective' || node.type === 'leafDirective') checkDirectiveLabel(node, place);
  });
}

/**
 * `:num[key` without its "]" parses as a label-less `:num` followed by the text "[key":
 * a directive that ends right before a "[" lost its label.
 */
function checkDirectiveLabel(node: Extract<Nodes, { type: 'textDirective' | 'leafDirective' }>, place: CheckPlace): void {
  const end = node.position?.end.offset;
  if (node.children.length > 0 || end === undefined || place.source[end] !== '[') return;
  const written = `${node.type === 'leafDirective' ? '::' : ':'}${node.name}[`;
  fail(place, node, 0, `"${written}" looks like a directive but does not parse.`, [
    `A ${written}…] directive needs its closing "]" on the same line.`,
    `Fix: close the "]", or escape the colon (\\${written}) if the text is meant literally.`,
  ]);
}

function checkText(node: Extract<Nodes, { type: 'text' }>, place: CheckPlace): void {
  const raw = sourceOf(node, place);
  if (raw === undefined) return;
  const dollar = unescapedIndex(raw, /\$/g);
  if (dollar !== undefined) {
    fail(place, node, dollar, 'a "$" that does not start or end any math.', [
      'Inline math is $…$ on one line (an opening "$" must be followed, and a closing one preceded, by a non-space); display math is a $$ line, the TeX, and a closing $$ line.',
      'Fix: close the math, or write \\$ for a literal dollar sign.',
    ]);
  }
  const directive = unescapedIndex(raw, /:{1,3}[A-Za-z][\w-]*\[/g);
  if (directive !== undefined) {
    const written = /^:{1,3}[A-Za-z][\w-]*\[/.exec(raw.slice(directive))?.[0] ?? ':';
    const name = written.replace(/^:+/, '').slice(0, -1);
    fail(place, node, directive, `"${written}" looks like a directive but does not parse.`, [
      written.startsWith('::')
        ? `A ${written}…] directive must be a line of its own, with its closing "]" on that line (e.g. ::${name}[id]).`
        : `A :${name}[…] directive needs its closing "]" on the same line (e.g. :${name}[key]).`,
      `Fix: close the "]", or escape the colon (\\${written}) if the text is meant literally.`,
    ]);
  }
}

/** A `$$` block must end with a line holding only the closing fence, or it runs to the end of the file. */
function checkDisplayMath(node: Extract<Nodes, { type: 'math' }>, place: CheckPlace): void {
  const raw = sourceOf(node, place);
  if (raw === undefined) return;
  const lines = raw.split(/\r?\n/);
  const fence = /^\s*(\${2,})/.exec(lines[0] ?? '')?.[1] ?? '$$';
  const last = (lines.at(-1) ?? '').trim();
  if (lines.length < 2 || !last.startsWith(fence) || last.replace(/^\$+/, '').trim() !== '') {
    fail(place, node, 0, 'display math opened here is never closed.', [
      `Everything after this "${fence}" line was read as TeX.`,
      `Fix: end the equation with a line holding only ${fence}. A label goes on the opening line: ${fence} {#eq:name}.`,
    ]);
  }
}

function checkHtml(node: Extract<Nodes, { type: 'html' }>, place: CheckPlace): void {
  const fragment = fromHtml(node.value, { fragment: true });
  visit(fragment, (child: HastNodes) => {
    if (child.type === 'doctype') failHtml(place, node, child, 'a doctype cannot appear inside a post.', []);
    if (child.type !== 'element') return;
    const tag = child.tagName;
    const allowed = ALLOWED_HTML[tag];
    if (ACTIVE_CONTENT.has(tag)) {
      failHtml(place, node, child, `raw HTML <${tag}> is not allowed in a post.`, [
        'Posts are static text around computed figures: no scripts, styles, frames, forms or embedded documents.',
        tag === 'style' ? 'Fix: styling belongs in src/styles/article.css.' : 'Fix: remove it; if the post needs something interactive, that is a change to the site (src/), not to the Markdown.',
      ]);
    }
    if (!allowed) {
      const equivalent = MARKDOWN_EQUIVALENT[tag];
      failHtml(place, node, child, `raw HTML <${tag}> is not allowed in a post.`, [
        `Allowed tags: ${Object.keys(ALLOWED_HTML).map((name) => `<${name}>`).join(', ')}, and <!-- comments -->.`,
        equivalent ? `Fix: write ${equivalent} instead.` : 'Fix: use Markdown, or ask for the tag to be added to ALLOWED_HTML in src/plugins/source-check.ts.',
      ]);
    }
    for (const property of Object.keys(child.properties ?? {})) {
      if (/^on[A-Z]/.test(property)) {
        failHtml(place, node, child, `event-handler attribute "${property.toLowerCase()}" on <${tag}> is not allowed.`, [
          'Attributes that run script never reach the page.',
          'Fix: remove the attribute.',
        ]);
      }
      if (!allowed.includes(property)) {
        failHtml(place, node, child, `attribute "${attributeName(property)}" is not allowed on <${tag}>.`, [
          `Allowed on <${tag}>: ${allowed.length > 0 ? allowed.map(attributeName).join(', ') : 'no attributes'}.`,
          property === 'style' ? 'Fix: styling belongs in src/styles/article.css (a class on <span> is allowed).' : 'Fix: remove the attribute.',
        ]);
      }
    }
  });
}

function checkUrl(node: Extract<Nodes, { type: 'link' | 'image' | 'definition' }>, place: CheckPlace): void {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(node.url)?.[1]?.toLowerCase();
  if (scheme === undefined || SAFE_SCHEMES.has(scheme)) return;
  fail(place, node, 0, `${node.type === 'image' ? 'image' : 'link'} target "${node.url.slice(0, 60)}" uses the "${scheme}:" scheme.`, [
    'Links may point to http(s), mailto or a relative path (another post: ../<slug>/).',
    'Fix: use one of those.',
  ]);
}

/** The node's text as written in the source, when its position points into it. */
function sourceOf(node: Nodes, place: CheckPlace): string | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined || end > place.source.length) return undefined;
  return place.source.slice(start, end);
}

/** Index of the first match not preceded by a backslash escape (an escaped backslash does not count). */
function unescapedIndex(text: string, pattern: RegExp): number | undefined {
  for (const match of text.matchAll(pattern)) {
    let backslashes = 0;
    for (let index = match.index - 1; index >= 0 && text[index] === '\\'; index -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return match.index;
  }
  return undefined;
}

function attributeName(property: string): string {
  return property === 'className' ? 'class' : property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Line and column of `offset` characters into the node's source. */
function fail(place: CheckPlace, node: Nodes, offset: number, problem: string, details: string[]): never {
  const start = node.position?.start;
  let line = start?.line;
  let column = start?.column;
  const raw = sourceOf(node, place);
  if (raw !== undefined && line !== undefined && column !== undefined) {
    const before = raw.slice(0, offset).split('\n');
    line += before.length - 1;
    column = before.length > 1 ? (before.at(-1)?.length ?? 0) + 1 : column + offset;
  }
  throwAt(place, line, column, problem, details);
}

function failHtml(place: CheckPlace, node: Nodes, element: HastNodes, problem: string, details: string[]): never {
  const start = node.position?.start;
  const inner = element.position?.start;
  const line = start && inner ? start.line + inner.line - 1 : start?.line;
  const column = start && inner ? (inner.line === 1 ? start.column + inner.column - 1 : inner.column) : start?.column;
  throwAt(place, line, column, problem, details);
}

function throwAt(place: CheckPlace, line: number | undefined, column: number | undefined, problem: string, details: string[]): never {
  if (place.caption) {
    throw new ArticleBuildError({ file: place.file.path, line: place.caption.line, column: place.caption.column }, problem, [
      `(in the caption of figure "${place.caption.figureId}", which comes from its figure module)`,
      ...details,
    ]);
  }
  throw new ArticleBuildError({ file: place.file.path, line, column }, problem, details);
}

