// remark plugin that turns the article's two directives into HTML built from the
// pipeline's output:
//
//   ::figure[trained-n4]      → <figure id="fig-trained-n4" class="figure">
//                                  <svg>…inlined…</svg>
//                                  <figcaption>caption (with KaTeX math)
//                                    <span class="provenance">…</span></figcaption>
//                                </figure>
//   :num[trained-n4.bestLoss]  → <span class="num" data-key="trained-n4.bestLoss">3.1 × 10⁻⁵</span>
//   ::table[claims-ledger]     → <div id="table-claims-ledger" class="table-wrap">…generated HTML…</div>
//
// Everything else written with directive syntax is an error, as is an id or key the
// manifest does not know: a typo must stop the build, never render as an empty hole.
// Needs remark-directive (and remark-math for math in captions) earlier in the chain.

import type { Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type {} from 'mdast-util-directive';
import type {} from 'mdast-util-to-hast';
import type { Position } from 'unist';
import type { Processor } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import fs from 'node:fs';
import path from 'node:path';
import { ArticleBuildError, displayPath } from './errors.ts';
import { isDraftProse } from '../../pipeline/post/front-matter.ts';
import { type FigureManifest, MANIFEST_FILE, TABLES_DIR, loadManifest, loadTablesManifest, readFigureSvg, readTableHtml, svgElementIds } from './manifest.ts';

export interface RemarkArticleOptions {
  /**
   * Directory holding `manifest.json` and the SVGs it lists (absolute, or relative to the
   * working directory), or a function giving it for the Markdown file being built (the
   * site: figures/<slug>/ for content/<slug>/post.md).
   */
  figuresDir: string | ((file: VFile) => string);
  /**
   * Where posts live, for checking cross-post links `[text](../<slug>/)`: the target must
   * be a post, and a published post may not link to a draft unless drafts are built.
   */
  posts?: { contentRoot: string; includeDrafts: boolean };
}

type Directive = Extract<RootContent, { type: 'containerDirective' | 'leafDirective' | 'textDirective' }>;

const DIRECTIVE_MARK = { containerDirective: ':::', leafDirective: '::', textDirective: ':' } as const;

/** Where the node being checked came from; captions come from the manifest, not from the Markdown file. */
interface Origin {
  file: VFile;
  /** Set while handling a caption: the figure whose caption it is, and where it was placed. */
  caption?: { figureId: string; placedAt: Position | undefined };
}

export default function remarkArticle(this: Processor, options: RemarkArticleOptions) {
  if (!options || (typeof options.figuresDir !== 'function' && (typeof options.figuresDir !== 'string' || options.figuresDir === ''))) {
    throw new Error('remarkArticle: the `figuresDir` option is required (the folder holding manifest.json).');
  }
  const figuresDirOption = options.figuresDir;
  // The processor's own parser, so captions accept exactly the Markdown the article
  // accepts (math, emphasis, directives).
  const processor = this;

  return function transform(tree: Root, file: VFile): undefined {
    const figuresDir = path.resolve(typeof figuresDirOption === 'function' ? figuresDirOption(file) : figuresDirOption);
    if (options.posts) checkPostLinks(tree, file, options.posts);
    // Fixes name the post's own folder: content/<slug>/ for content/<slug>/post.md.
    const postFolder = file.path ? displayPath(path.dirname(file.path)) : 'the post folder';
    // Read per file, not once per process, so `astro dev` sees a re-rendered manifest.
    const manifest = loadManifest(figuresDir);
    const tablesManifest = loadTablesManifest(figuresDir);
    const numbers: Record<string, string> = { ...manifest.numbers, ...tablesManifest.numbers };
    const placedTables = new Map<string, Position | undefined>();
    const placedFigures = new Map<string, Position | undefined>();
    // SVGs are inlined into one HTML document, so an element id must not repeat across figures.
    const svgIdOwner = new Map<string, string>();

    const handle = (tree: Root | Paragraph, origin: Origin) => {
      visit(tree, (node) => {
        if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') {
          return;
        }
        if (node.type === 'leafDirective' && node.name === 'figure') {
          placeFigure(node, origin);
          return SKIP;
        }
        if (node.type === 'leafDirective' && node.name === 'table') {
          placeTable(node, origin);
          return SKIP;
        }
        if (node.type === 'textDirective' && node.name === 'num') {
          placeNumber(node, origin);
          return SKIP;
        }
        rejectDirective(node, origin);
      });
    };

    const placeFigure = (node: Directive, origin: Origin) => {
      const id = labelOf(node);
      rejectAttributes(node, origin, id);
      if (origin.caption) {
        fail(origin, node, `a figure cannot be placed inside a caption (::figure[${id}]).`, []);
      }
      const entry = manifest.figures[id];
      if (!entry) {
        fail(origin, node, `unknown figure id "${id}" in ::figure[${id}].`, [
          `Known figure ids (from ${manifestName()}): ${listOrNone(Object.keys(manifest.figures))}.`,
          `Fix: correct the id, or add a figure module for "${id}" in ${postFolder}/figures/ (listed in ${postFolder}/post.ts) and run \`npm run pipeline\`.`,
        ]);
      }
      if (placedFigures.has(id)) {
        const first = placedFigures.get(id)?.start;
        fail(origin, node, `figure "${id}" is placed twice (first at line ${first?.line ?? '?'}).`, [
          'Fix: place each figure once; its id becomes the page anchor #fig-' + id + '.',
        ]);
      }
      placedFigures.set(id, node.position);

      const svg = readFigureSvg(figuresDir, id, entry);
      for (const svgId of new Set(svgElementIds(svg))) {
        const owner = svgIdOwner.get(svgId);
        if (owner !== undefined && owner !== id) {
          fail(origin, node, `figures "${owner}" and "${id}" both contain an SVG element with id="${svgId}".`, [
            'Inlined SVGs share one HTML document, so a repeated id makes clip paths and markers point at the wrong figure.',
            'Fix: make the figure renderer prefix its ids with the figure id (pipeline/render/render.ts), then run `npm run pipeline`.',
          ]);
        }
        svgIdOwner.set(svgId, id);
      }

      const caption = parseCaption(entry.caption, id, node, origin);
      handle(caption, { file: origin.file, caption: { figureId: id, placedAt: node.position } });

      const figcaption = {
        type: 'articleFigcaption',
        data: { hName: 'figcaption' },
        position: node.position,
        children: [
          ...(caption.children.length > 0
            ? [{ type: 'articleCaption', data: { hName: 'span', hProperties: { className: ['caption'] } }, children: caption.children }]
            : []),
          {
            type: 'articleProvenance',
            data: { hName: 'span', hProperties: { className: ['provenance'] } },
            children: [{ type: 'text', value: entry.provenance }],
          },
        ],
      };
      node.data = { hName: 'figure', hProperties: { id: `fig-${id}`, className: ['figure'] } };
      node.children = [{ type: 'html', value: svg }, figcaption as unknown as PhrasingContent];
    };

    const placeTable = (node: Directive, origin: Origin) => {
      const id = labelOf(node);
      rejectAttributes(node, origin, id);
      if (origin.caption) fail(origin, node, `a table cannot be placed inside a caption (::table[${id}]).`, []);
      const entry = tablesManifest.tables[id];
      if (!entry) {
        fail(origin, node, `unknown table id "${id}" in ::table[${id}].`, [
          `Known table ids (from ${displayPath(path.join(figuresDir, TABLES_DIR, MANIFEST_FILE))}): ${listOrNone(Object.keys(tablesManifest.tables))}.`,
          `Fix: correct the id, or add a table module for "${id}" to ${postFolder}/post.ts and run \`npm run pipeline\`.`,
        ]);
      }
      if (placedTables.has(id)) {
        fail(origin, node, `table "${id}" is placed twice (first at line ${placedTables.get(id)?.start.line ?? '?'}).`, [
          'Fix: place each table once; its id becomes the page anchor #table-' + id + '.',
        ]);
      }
      placedTables.set(id, node.position);
      node.data = { hName: 'div', hProperties: { id: `table-${id}`, className: ['table-wrap'] } };
      node.children = [{ type: 'html', value: readTableHtml(figuresDir, id, entry) } as unknown as PhrasingContent];
    };

    const placeNumber = (node: Directive, origin: Origin) => {
      const key = labelOf(node);
      rejectAttributes(node, origin, key);
      const value = numbers[key];
      if (value === undefined) {
        const figureId = key.split('.')[0] ?? '';
        const sameFigure = Object.keys(numbers)
          .filter((known) => known.startsWith(figureId + '.'))
          .sort();
        fail(origin, node, `unknown number key "${key}" in :num[${key}].`, [
          sameFigure.length > 0
            ? `Keys published for "${figureId}": ${listOrNone(sameFigure)}.`
            : `Known number keys (from ${manifestName()} and the table manifest): ${listOrNone(Object.keys(numbers))}.`,
          `Fix: correct the key, or add "${key}" to the numbers the figure module for "${figureId}" publishes (${postFolder}/figures/) and run \`npm run pipeline\`.`,
        ]);
      }
      node.data = { hName: 'span', hProperties: { className: ['num'], dataKey: key } };
      node.children = [{ type: 'text', value }];
    };

    const rejectDirective = (node: Directive, origin: Origin): never => {
      const written = `${DIRECTIVE_MARK[node.type]}${node.name}`;
      const hints: string[] = [];
      if (node.name === 'figure') hints.push('Fix: a figure is a line of its own: `::figure[id]` (two colons, nothing else on the line).');
      else if (node.name === 'table') hints.push('Fix: a table is a line of its own: `::table[id]` (two colons, nothing else on the line).');
      else if (node.name === 'num') hints.push('Fix: a number sits inside text: `:num[key]` (one colon).');
      else {
        hints.push('The article understands only `::figure[id]` and `::table[id]` (each a line of its own) and `:num[key]` (inside text).');
        hints.push(`Fix: if "${written}" is meant as plain text, escape the colon: \\${written}.`);
      }
      fail(origin, node, `unsupported directive "${written}".`, hints);
    };

    const rejectAttributes = (node: Directive, origin: Origin, label: string) => {
      if (label === '') {
        fail(origin, node, `${DIRECTIVE_MARK[node.type]}${node.name} needs a label: ${DIRECTIVE_MARK[node.type]}${node.name}[…].`, []);
      }
      if (node.attributes && Object.keys(node.attributes).length > 0) {
        fail(origin, node, `${DIRECTIVE_MARK[node.type]}${node.name}[${label}] takes no {attributes}.`, [
          'Fix: remove the {…} part; styling belongs in src/styles/article.css.',
        ]);
      }
    };

    const parseCaption = (caption: string, figureId: string, node: Directive, origin: Origin): Paragraph => {
      const parsed = processor.parse(caption) as Root;
      const blocks = parsed.children;
      if (blocks.length === 0) return { type: 'paragraph', children: [] };
      const [first] = blocks;
      if (blocks.length > 1 || !first || first.type !== 'paragraph') {
        fail(origin, node, `the caption of figure "${figureId}" must be a single paragraph of inline Markdown.`, [
          `Fix: edit the caption in the figure module for "${figureId}" (${postFolder}/figures/) and run \`npm run pipeline\`.`,
        ]);
      }
      // Caption positions refer to the caption string; point them at the ::figure line
      // instead, so any later error (KaTeX included) names a place in the article.
      visit(first, (child) => {
        child.position = node.position;
      });
      return first;
    };

    const manifestName = () => displayPath(path.join(figuresDir, MANIFEST_FILE));

    handle(tree, { file });
  };
}

/** A link to another post of the series: `../<slug>/`, optionally with an #anchor. */
const POST_LINK = /^\.\.\/([^/?#]+)\/?(#.*)?$/;

function checkPostLinks(tree: Root, file: VFile, posts: { contentRoot: string; includeDrafts: boolean }): void {
  visit(tree, (node) => {
    if (node.type !== 'link' && node.type !== 'definition') return;
    const match = POST_LINK.exec(node.url);
    if (!match) return;
    const slug = match[1];
    const prose = path.join(posts.contentRoot, slug, 'post.md');
    const place = { file: file.path, line: node.position?.start.line, column: node.position?.start.column };
    if (!fs.existsSync(prose)) {
      const known = fs.existsSync(posts.contentRoot) ? fs.readdirSync(posts.contentRoot).filter((name) => fs.existsSync(path.join(posts.contentRoot, name, 'post.md'))) : [];
      throw new ArticleBuildError(place, `link to "${node.url}", but there is no post "${slug}".`, [
        `Posts: ${listOrNone(known)}.`,
        'Fix: a link to another post is written ../<slug>/ with the folder name under content/.',
      ]);
    }
    if (!posts.includeDrafts && isDraft(prose) && !isDraft(String(file.path))) {
      throw new ArticleBuildError(place, `link to "${node.url}", but post "${slug}" is a draft and is left out of the built site.`, [
        `Fix: publish it (remove \`draft: true\` from content/${slug}/post.md) or remove the link.`,
      ]);
    }
  });
}

function isDraft(postFile: string): boolean {
  return fs.existsSync(postFile) && isDraftProse(fs.readFileSync(postFile, 'utf8'));
}

function fail(origin: Origin, node: Directive, problem: string, details: string[]): never {
  const place = origin.caption?.placedAt ?? node.position;
  const where = origin.caption
    ? [`(in the caption of figure "${origin.caption.figureId}", which comes from the figure manifest)`]
    : [];
  throw new ArticleBuildError(
    { file: origin.file.path, line: place?.start.line, column: place?.start.column },
    problem,
    [...where, ...details],
  );
}

function labelOf(node: Directive): string {
  return textOf(node).trim();
}

function textOf(node: { value?: unknown; children?: unknown[] }): string {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map((child) => textOf(child as { value?: unknown; children?: unknown[] })).join('');
}

function listOrNone(items: string[]): string {
  return items.length > 0 ? [...items].sort().join(', ') : '(none)';
}
