// remark plugin that turns the article's directives into HTML built from the pipeline's
// output and the post's own files:
//
//   ::figure[trained-n4]      → <figure id="fig-trained-n4" class="figure">
//                                  <svg>…inlined…</svg>
//                                  <figcaption><span class="figure-number">Figure 3.</span>
//                                    caption (with KaTeX math)
//                                    <span class="provenance">… Code: <a>figures/trained-n4.ts</a>;
//                                      experiments: <a>experiments/spine.ts</a>.</span>
//                                    <span class="figure-files"><a href="figures/trained-n4.svg">Open full
//                                      size</a> · Download: SVG, PNG, data (CSV)</span></figcaption>
//                                </figure>
//                              (a provenance line naming many run hashes is folded into a
//                              <details> whose summary counts the runs)
//   :num[trained-n4.bestLoss]  → <span class="num" data-key="trained-n4.bestLoss">3.1 × 10⁻⁵</span>
//   ::table[claims-ledger]     → <div id="table-claims-ledger" class="table-wrap">…generated HTML…</div>
//   :ref[fig:trained-n4]       → <a class="xref" href="#fig-trained-n4">Figure 3</a>
//   $$ {#eq:loss} … $$         → a display equation numbered "(1)", anchor #eq-loss;
//   :ref[eq:loss]              → <a class="xref" href="#eq-loss">Equation (1)</a>
//   :cite[elhage2022toy]       → (<a href="#ref-elhage2022toy">Elhage et al., 2022</a>), from
//                                content/<slug>/references.bib
//   ::references               → the list of every cited entry, DOIs and URLs linked
//
// Figures are numbered in order of appearance; only labelled equations are numbered.
// Everything else written with directive syntax is an error, as is an id, key or label
// that does not exist, and an equation label nothing refers to: a typo must stop the
// build, never render as an empty hole. Needs remark-directive (and remark-math for
// math) earlier in the chain.

import type { Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type {} from 'mdast-util-directive';
import type {} from 'mdast-util-to-hast';
import type { Position } from 'unist';
import type { Processor } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import fs from 'node:fs';
import path from 'node:path';
import type { Math as MathNode } from 'mdast-util-math';
import { ArticleBuildError, displayPath } from './errors.ts';
import { similarNames } from '../../pipeline/cli/select.ts';
import { formatInteger } from '../../pipeline/post/format.ts';
import { isDraftProse } from '../../pipeline/post/front-matter.ts';
import { type Bibliography, BIBLIOGRAPHY_FILE, citationLabels, loadBibliography, referenceAnchor, referenceItems } from './citations.ts';
import { type FigureEntry, MANIFEST_FILE, STALE_FILE, type StaleNote, TABLES_DIR, loadPublished, loadStale, svgElementIds } from './manifest.ts';
import type { ExploreEntry } from '../../pipeline/stages/figures.ts';
import { checkSource } from './source-check.ts';
import type { SourceUrl } from './source-links.ts';

/** Run hashes a figure's provenance line may name before it is folded behind a summary. */
export const PROVENANCE_HASHES_SHOWN = 6;

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
  /** Links the provenance line's files (src/plugins/source-links.ts); without it they are shown unlinked. */
  sourceUrl?: SourceUrl;
  /**
   * `npm run dev`: figures and tables the dev loop could not update (figures/<slug>/stale.json)
   * are shown with a note saying which command trains them. Without it that file fails the build.
   */
  dev?: boolean;
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
    // Both manifests and every file they list, read as one consistent whole.
    const published = loadPublished(figuresDir);
    const { manifest, tablesManifest } = published;
    const stale = loadStale(figuresDir);
    if (stale && !options.dev) {
      const ids = [...Object.keys(stale.figures), ...Object.keys(stale.tables)];
      throw new ArticleBuildError({ file: stale.file }, `the dev loop left ${ids.length} figure${ids.length === 1 ? '' : 's'} or table${ids.length === 1 ? '' : 's'} drawn from runs that are not trained yet (${listOrNone(ids)}).`, [
        'A published page must not show them.',
        'Fix: run `npm run pipeline` (it trains what is missing and removes this file), or `npm run build`.',
      ]);
    }
    const numbers: Record<string, string> = { ...manifest.numbers, ...tablesManifest.numbers };
    const placedTables = new Map<string, Position | undefined>();
    const placedFigures = new Map<string, Position | undefined>();
    // SVGs are inlined into one HTML document, so an element id must not repeat across figures.
    const svgIdOwner = new Map<string, string>();

    // Numbers are known before anything is placed, so a reference may come before its target.
    const figureNumbers = numberFigures(tree);
    const equations = numberEquations(tree, file);
    const citations: { node: Directive; keys: string[]; origin: Origin }[] = [];
    let references: { node: Directive; origin: Origin } | undefined;
    let bibliography: Bibliography | null | undefined;
    const bibliographyOf = () => (bibliography === undefined ? (bibliography = file.path ? loadBibliography(file.path) : null) : bibliography);

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
        if (node.type === 'leafDirective' && node.name === 'references') {
          placeReferences(node, origin);
          return SKIP;
        }
        if (node.type === 'textDirective' && node.name === 'num') {
          placeNumber(node, origin);
          return SKIP;
        }
        if (node.type === 'textDirective' && node.name === 'ref') {
          placeReference(node, origin);
          return SKIP;
        }
        if (node.type === 'textDirective' && node.name === 'cite') {
          placeCitation(node, origin);
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
      const staleNote = options.dev ? stale?.figures[id] : undefined;
      if (!entry && !staleNote) {
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
      const label = { type: 'articleFigureNumber', data: { hName: 'span', hProperties: { className: ['figure-number'] } }, children: [{ type: 'text', value: `Figure ${figureNumbers.get(id)}.` }] };

      if (!entry) {
        // Dev only: a new figure whose runs are not trained yet has nothing to show but the note.
        node.data = { hName: 'figure', hProperties: { id: `fig-${id}`, className: ['figure', 'stale'] } };
        node.children = [
          staleNoteNode(staleNote!, 'This figure has not been drawn yet.'),
          { type: 'articleFigcaption', data: { hName: 'figcaption' }, children: [label] } as unknown as PhrasingContent,
        ];
        return;
      }

      const svg = published.svg(id, entry);
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
          label,
          { type: 'text', value: ' ' },
          ...(caption.children.length > 0
            ? [{ type: 'articleCaption', data: { hName: 'span', hProperties: { className: ['caption'] } }, children: caption.children }]
            : []),
          provenanceNode(entry),
          figureFilesNode(entry),
        ],
      };
      node.data = { hName: 'figure', hProperties: { id: `fig-${id}`, className: staleNote ? ['figure', 'stale'] : ['figure'], ...exploreProperties(entry) } };
      node.children = [
        ...(staleNote ? [staleNoteNode(staleNote, 'The figure below was drawn from the runs before the change.')] : []),
        // On a phone the figure keeps a legible size and scrolls inside this frame
        // (src/styles/article.css); focusable, so a keyboard can scroll it too.
        {
          type: 'articleFigureScroll',
          data: { hName: 'div', hProperties: { className: ['figure-scroll'], tabIndex: 0, role: 'group', ariaLabel: `Figure ${figureNumbers.get(id)}` } },
          children: [{ type: 'html', value: svg }],
        } as unknown as PhrasingContent,
        ...(entry.explore ? [exploreControlsNode(id, entry.explore, figureNumbers.get(id))] : []),
        figcaption as unknown as PhrasingContent,
      ];
    };

    /**
     * An explorable figure: where the page's script finds its draw module and data
     * (src/scripts/explore-figures.ts), and its controls' values. The data file is linked
     * relatively, like the downloads, so it loads under any base path.
     */
    const exploreProperties = (entry: FigureEntry): Record<string, string> =>
      entry.explore
        ? {
            dataExploreDraw: entry.explore.draw,
            dataExploreData: `figures/${entry.explore.data}`,
            dataExploreControls: JSON.stringify(entry.explore.controls.map(({ id, values }) => ({ id, values }))),
          }
        : {};

    /**
     * The controls of an explorable figure as real form elements, labelled and keyboard
     * operable. The form is `hidden` in the HTML: without JavaScript the page reads as
     * a static figure; the page's script shows it (src/scripts/explore-figures.ts).
     * A slider or scrubber is a range over the positions of its values; the <output>
     * beside it (a live region) says the value in words.
     */
    const exploreControlsNode = (figureId: string, explore: ExploreEntry, number: number | undefined): PhrasingContent => {
      const element = (tagName: string, properties: Record<string, unknown>, children: unknown[] = []) => ({
        type: 'articleExplore',
        data: { hName: tagName, hProperties: properties },
        children,
      });
      const text = (value: string) => ({ type: 'text', value });
      const controls = explore.controls.map((control) => {
        const inputId = `fig-${figureId}-${control.id}`;
        const at = control.values.indexOf(control.default);
        const valueText = control.valueLabels?.[at] ?? String(control.default);
        const input =
          control.kind === 'toggle'
            ? element('input', { type: 'checkbox', id: inputId, name: control.id, checked: at === 1, disabled: true, dataControl: control.id })
            : element('input', {
                type: 'range', id: inputId, name: control.id, min: 0, max: control.values.length - 1, step: 1, value: at,
                ariaValuetext: valueText, disabled: true, dataControl: control.id,
              });
        const stepButton = (direction: -1 | 1) =>
          element('button', { type: 'button', className: ['figure-control-step'], dataStep: direction, dataFor: inputId, ariaLabel: `${direction < 0 ? 'Previous' : 'Next'}: ${control.label}`, disabled: true }, [text(direction < 0 ? '◀' : '▶')]);
        return element('div', { className: ['figure-control', `figure-control-${control.kind}`] }, [
          element('label', { htmlFor: inputId }, [text(control.label)]),
          ...(control.kind === 'scrubber' ? [stepButton(-1), input, stepButton(1)] : [input]),
          element('output', { htmlFor: inputId, dataOutputFor: control.id, dataValueLabels: JSON.stringify(control.valueLabels ?? control.values.map(String)) }, [text(valueText)]),
        ]);
      });
      return element('form', { className: ['figure-controls'], hidden: true, ariaLabel: `Controls of Figure ${number}` }, controls) as unknown as PhrasingContent;
    };

    /**
     * The generated provenance line and the files behind the figure. A line naming more
     * than PROVENANCE_HASHES_SHOWN run hashes is folded: a summary counting the runs, and
     * its entries (separated by "; ") as a list inside.
     */
    const provenanceNode = (entry: FigureEntry): PhrasingContent => {
      const hashes = entry.provenance.match(/#[0-9a-f]{8}/g)?.length ?? 0;
      if (hashes <= PROVENANCE_HASHES_SHOWN) {
        return {
          type: 'articleProvenance',
          data: { hName: 'span', hProperties: { className: ['provenance'] } },
          children: [{ type: 'text', value: entry.provenance }, ...sourceLinks(entry)],
        } as unknown as PhrasingContent;
      }
      const runs = entry.runs.length;
      const items = entry.provenance.split('; ').map((part) => ({ type: 'articleProvenanceItem', data: { hName: 'li' }, children: [{ type: 'text', value: part }] }));
      return {
        type: 'articleProvenance',
        data: { hName: 'div', hProperties: { className: ['provenance', 'provenance-folded'] } },
        children: [
          {
            type: 'articleProvenanceDetails',
            data: { hName: 'details' },
            children: [
              { type: 'articleProvenanceSummary', data: { hName: 'summary' }, children: [{ type: 'text', value: `Provenance: ${formatInteger(runs)} run${runs === 1 ? '' : 's'}, ${hashes} hashes` }] },
              { type: 'articleProvenanceList', data: { hName: 'ul' }, children: items },
            ],
          },
          ...sourceLinks(entry),
        ],
      } as unknown as PhrasingContent;
    };

    /**
     * The figure alone at full size, and its downloads, linked relatively: the post's URL
     * ends in "/" and the files are published at <post>/figures/ (src/lib/figure-files.ts),
     * so the links hold under any base path.
     */
    const figureFilesNode = (entry: FigureEntry): PhrasingContent => {
      const link = (file: string, text: string, download: boolean): PhrasingContent => ({
        type: 'link',
        url: `figures/${file}`,
        data: { hProperties: download ? { download: '' } : {} },
        children: [{ type: 'text', value: text }],
      });
      return {
        type: 'articleFigureFiles',
        data: { hName: 'span', hProperties: { className: ['figure-files'] } },
        children: [
          link(entry.file, 'Open full size', false),
          { type: 'text', value: ' · Download: ' },
          link(entry.file, 'SVG', true),
          { type: 'text', value: ', ' },
          link(entry.png, 'PNG', true),
          { type: 'text', value: ', ' },
          link(entry.csv, 'data (CSV)', true),
          ...(entry.explore ? [{ type: 'text', value: ', ' } as PhrasingContent, link(entry.explore.data, 'all values (JSON)', true)] : []),
        ],
      } as unknown as PhrasingContent;
    };

    /** " Code: figures/x.ts; experiments: experiments/a.ts." — linked when a repository URL is set. */
    const sourceLinks = (entry: FigureEntry): PhrasingContent[] => {
      const fileLink = (repoPath: string): PhrasingContent => {
        const text: PhrasingContent = { type: 'text', value: repoPath.replace(/^content\/[^/]+\//, '') };
        return options.sourceUrl
          ? { type: 'link', url: options.sourceUrl(repoPath), data: { hProperties: { className: ['source-link'] } }, children: [text] }
          : { type: 'articleSourcePath', data: { hName: 'span', hProperties: { className: ['source-path'] } }, children: [text] } as unknown as PhrasingContent;
      };
      // The leading space separates the two when CSS is off; with it, the sources get their own line.
      const parts: PhrasingContent[] = [{ type: 'text', value: ' Code: ' }, fileLink(entry.source)];
      entry.experimentFiles.forEach((experimentFile, index) => {
        parts.push({ type: 'text', value: index === 0 ? `; experiment${entry.experimentFiles.length === 1 ? '' : 's'}: ` : ', ' }, fileLink(experimentFile));
      });
      parts.push({ type: 'text', value: '.' });
      return [{ type: 'articleSources', data: { hName: 'span', hProperties: { className: ['sources'] } }, children: parts } as unknown as PhrasingContent];
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
      const staleNote = options.dev ? stale?.tables[id] : undefined;
      const tableHtml = published.tableHtml(id, entry);
      // The wrapper scrolls sideways when the table is wider than the screen: a keyboard
      // must reach it (tabindex) and a screen reader must hear what it is (its caption).
      node.data = {
        hName: 'div',
        hProperties: { id: `table-${id}`, className: staleNote ? ['table-wrap', 'stale'] : ['table-wrap'], tabIndex: 0, role: 'region', ariaLabel: tableName(tableHtml, id) },
      };
      node.children = [
        ...(staleNote ? [staleNoteNode(staleNote, 'The table below was computed from the runs before the change.')] : []),
        { type: 'html', value: tableHtml } as unknown as PhrasingContent,
      ];
    };

    const placeNumber = (node: Directive, origin: Origin) => {
      const key = labelOf(node);
      rejectAttributes(node, origin, key);
      const value = numbers[key];
      const figureId = key.split('.')[0] ?? '';
      if (value === undefined && options.dev && stale?.figures[figureId] && !manifest.figures[figureId]) {
        // Dev only: the figure that publishes this number has not been drawn yet.
        node.data = { hName: 'span', hProperties: { className: ['num', 'stale'], dataKey: key, title: `stale: run ${stale.figures[figureId].command}` } };
        node.children = [{ type: 'text', value: '?' }];
        return;
      }
      if (value === undefined) {
        const sameFigure = Object.keys(numbers)
          .filter((known) => known.startsWith(figureId + '.'))
          .sort();
        fail(origin, node, `unknown number key "${key}" in :num[${key}].`, [
          sameFigure.length > 0
            ? `Keys published for "${figureId}": ${keysToSuggest(key, sameFigure, manifestName())}.`
            : `Known number keys (from ${manifestName()} and the table manifest): ${keysToSuggest(key, Object.keys(numbers).sort(), 'those manifests')}.`,
          `Fix: correct the key, or add "${key}" to the numbers the figure module for "${figureId}" publishes (${postFolder}/figures/) and run \`npm run pipeline\`.`,
        ]);
      }
      node.data = { hName: 'span', hProperties: { className: isOneValue(value) ? ['num'] : ['num', 'num-long'], dataKey: key } };
      node.children = isOneValue(value) ? [{ type: 'text', value }] : unbreakableParts(value);
    };

    const placeReference = (node: Directive, origin: Origin) => {
      const label = labelOf(node);
      rejectAttributes(node, origin, label);
      const [kind, ...rest] = label.split(':');
      const name = rest.join(':');
      let text: string;
      let anchor: string;
      if (kind === 'fig' && figureNumbers.has(name)) {
        text = `Figure ${figureNumbers.get(name)}`;
        anchor = `fig-${name}`;
      } else if (kind === 'eq' && equations.has(label)) {
        const equation = equations.get(label)!;
        equation.referenced = true;
        text = `Equation (${equation.number})`;
        anchor = equation.anchor;
      } else if (kind === 'fig') {
        fail(origin, node, `unknown label "${label}" in :ref[${label}]: no ::figure[${name}] in this post.`, [
          `Figures placed in this post: ${listOrNone([...figureNumbers.keys()])}.`,
          'Fix: correct the figure id after "fig:", or place the figure with ::figure[id].',
        ]);
      } else if (kind === 'eq') {
        fail(origin, node, `unknown label "${label}" in :ref[${label}]: no display equation carries {#${label}}.`, [
          `Equation labels in this post: ${listOrNone([...equations.keys()])}.`,
          `Fix: correct the label, or label the equation on its opening line: $$ {#${label}}.`,
        ]);
      } else {
        fail(origin, node, `"${label}" in :ref[${label}] is not a label.`, [
          'Labels are fig:<figure id> (any placed figure) or eq:<name> (a display equation opened with $$ {#eq:name}).',
        ]);
      }
      node.data = { hName: 'a', hProperties: { href: `#${anchor}`, className: ['xref'] } };
      node.children = [{ type: 'text', value: text }];
    };

    const placeCitation = (node: Directive, origin: Origin) => {
      const label = labelOf(node);
      rejectAttributes(node, origin, label);
      const keys = label.split(/[,;]/).map((key) => key.trim().replace(/^@/, ''));
      const bib = bibliographyOf();
      const bibName = file.path ? displayPath(path.join(path.dirname(file.path), BIBLIOGRAPHY_FILE)) : BIBLIOGRAPHY_FILE;
      if (!bib) {
        fail(origin, node, `:cite[${label}] but the post has no ${bibName}.`, [`Fix: add the cited works, in BibTeX, to ${bibName}.`]);
      }
      for (const key of keys) {
        if (key === '') fail(origin, node, `:cite[${label}] has an empty key.`, ['Fix: separate keys with commas: :cite[a, b].']);
        if (!bib.entries.has(key)) {
          fail(origin, node, `unknown citation key "${key}" in :cite[${label}].`, [
            `Keys in ${bibName}: ${listOrNone([...bib.entries.keys()])}.`,
            `Fix: correct the key, or add an entry @article{${key}, …} to ${bibName}.`,
          ]);
        }
      }
      citations.push({ node, keys, origin });
    };

    const placeReferences = (node: Directive, origin: Origin) => {
      if (textOf(node).trim() !== '') fail(origin, node, '::references takes no label: write it alone on its line.', []);
      rejectAttributes(node, origin, 'references');
      if (origin.caption) fail(origin, node, 'the references cannot be placed inside a caption.', []);
      if (references) {
        fail(origin, node, `::references is placed twice (first at line ${references.node.position?.start.line ?? '?'}).`, ['Fix: keep one ::references, where the list belongs.']);
      }
      references = { node, origin };
    };

    const rejectDirective = (node: Directive, origin: Origin): never => {
      const written = `${DIRECTIVE_MARK[node.type]}${node.name}`;
      const hints: string[] = [];
      if (node.name === 'figure') hints.push('Fix: a figure is a line of its own: `::figure[id]` (two colons, nothing else on the line).');
      else if (node.name === 'table') hints.push('Fix: a table is a line of its own: `::table[id]` (two colons, nothing else on the line).');
      else if (node.name === 'references') hints.push('Fix: the reference list is a line of its own: `::references` (two colons).');
      else if (node.name === 'num') hints.push('Fix: a number sits inside text: `:num[key]` (one colon).');
      else if (node.name === 'ref') hints.push('Fix: a cross-reference sits inside text: `:ref[fig:id]` or `:ref[eq:name]` (one colon).');
      else if (node.name === 'cite') hints.push('Fix: a citation sits inside text: `:cite[key]` (one colon).');
      else {
        hints.push('The article understands `::figure[id]`, `::table[id]` and `::references` (each a line of its own) and `:num[key]`, `:ref[label]`, `:cite[key]` (inside text).');
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
      // The same checks as the post's own text (leftover $ or directives, raw HTML),
      // reported at the ::figure line.
      checkSource(parsed, { file: origin.file, source: caption, caption: { figureId, line: node.position?.start.line, column: node.position?.start.column } });
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

    // Citations: labels need every cited key at once (citeproc tells similar ones apart).
    if (citations.length > 0) {
      const keys = [...new Set(citations.flatMap((citation) => citation.keys))];
      const labels = citationLabels(bibliographyOf()!, keys);
      for (const { node, keys: cited } of citations) {
        const children: PhrasingContent[] = [{ type: 'text', value: '(' }];
        cited.forEach((key, index) => {
          if (index > 0) children.push({ type: 'text', value: '; ' });
          children.push({ type: 'link', url: `#${referenceAnchor(key)}`, children: [{ type: 'text', value: labels.get(key) ?? key }] });
        });
        children.push({ type: 'text', value: ')' });
        node.data = { hName: 'span', hProperties: { className: ['citation'] } };
        node.children = children;
      }
      if (!references) {
        const first = citations[0]!;
        fail(first.origin, first.node, 'the post cites works but has no reference list.', [
          'Fix: add a line `::references` where the list belongs (usually under a final "## References" heading).',
        ]);
      }
      references.node.data = {
        hName: 'ul',
        hProperties: { className: ['references'] },
        hChildren: referenceItems(bibliographyOf()!, keys),
      };
      references.node.children = [];
    } else if (references) {
      fail(references.origin, references.node, '::references, but nothing in the post is cited.', [
        'Fix: cite works with :cite[key] (keys from references.bib), or remove ::references.',
      ]);
    }

    for (const [label, equation] of equations) {
      if (!equation.referenced) {
        const start = equation.node.position?.start;
        throw new ArticleBuildError({ file: file.path, line: start?.line, column: start?.column }, `equation label "${label}" is never referenced.`, [
          `A label exists to be referred to; an unreferenced one is usually a typo in a :ref.`,
          `Fix: refer to it with :ref[${label}], or remove the {#${label}} from the $$ line.`,
        ]);
      }
    }
  };
}

/** Figure id → its number, in order of the ::figure lines (repeats are reported when placed). */
function numberFigures(tree: Root): Map<string, number> {
  const numbers = new Map<string, number>();
  visit(tree, 'leafDirective', (node) => {
    if (node.name !== 'figure') return;
    const id = labelOf(node);
    if (id !== '' && !numbers.has(id)) numbers.set(id, numbers.size + 1);
  });
  return numbers;
}

interface Equation {
  number: number;
  anchor: string;
  node: MathNode;
  referenced: boolean;
}

const EQUATION_LABEL = /^\{#(eq:[A-Za-z0-9][\w.:-]*)\}$/;

/**
 * Display equations labelled on their opening line (`$$ {#eq:loss}`) get a number, in
 * order of appearance, and are wrapped so the number sits beside them:
 * <div class="equation" id="eq-loss">…KaTeX…<span class="equation-number">(1)</span></div>.
 */
function numberEquations(tree: Root, file: VFile): Map<string, Equation> {
  const equations = new Map<string, Equation>();
  visit(tree, 'math', (node, index, parent) => {
    const meta = node.meta?.trim();
    if (!meta) return;
    const start = node.position?.start;
    const label = EQUATION_LABEL.exec(meta)?.[1];
    if (!label) {
      throw new ArticleBuildError({ file: file.path, line: start?.line, column: start?.column }, `"${meta}" after $$ is not an equation label.`, [
        'The opening $$ line may carry only a label, written {#eq:name} (letters, digits, - _ . :).',
        'Fix: write $$ {#eq:name} to number the equation, or remove the text after $$.',
      ]);
    }
    if (equations.has(label)) {
      const first = equations.get(label)!.node.position?.start.line;
      throw new ArticleBuildError({ file: file.path, line: start?.line, column: start?.column }, `equation label "${label}" is used twice (first at line ${first ?? '?'}).`, ['Fix: give each equation its own label.']);
    }
    const equation: Equation = { number: equations.size + 1, anchor: label.replace(/[^\w-]/g, '-'), node, referenced: false };
    equations.set(label, equation);
    if (!parent || index === undefined) return;
    const wrapper = {
      type: 'articleEquation',
      data: { hName: 'div', hProperties: { id: equation.anchor, className: ['equation'] } },
      position: node.position,
      children: [
        node,
        { type: 'articleEquationNumber', data: { hName: 'span', hProperties: { className: ['equation-number'] } }, children: [{ type: 'text', value: `(${equation.number})` }] },
      ],
    };
    parent.children[index] = wrapper as unknown as RootContent;
    return [SKIP, index + 1];
  });
  return equations;
}

/** A visible "stale: run `npm run train -- …`" line (dev loop only). */
function staleNoteNode(note: StaleNote, what: string): PhrasingContent {
  return {
    type: 'articleStaleNote',
    data: { hName: 'p', hProperties: { className: ['stale-note'] } },
    children: [
      { type: 'text', value: 'stale: run ' },
      { type: 'inlineCode', value: note.command },
      { type: 'text', value: ` to train ${note.experiments.length} run${note.experiments.length === 1 ? '' : 's'}. ${what}` },
    ],
  } as unknown as PhrasingContent;
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

type TextLike = { type?: string; name?: string; value?: unknown; children?: unknown[] };

/**
 * The label as written. remark-directive reads the ":loss" in `:ref[eq:loss]` as a
 * nested text directive, so a nested directive is turned back into its source text.
 */
function textOf(node: TextLike): string {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? [])
    .map((child) => {
      const inner = child as TextLike;
      if (inner.type === 'textDirective') {
        const label = textOf(inner);
        return `:${inner.name}${label !== '' ? `[${label}]` : ''}`;
      }
      return textOf(inner);
    })
    .join('');
}

/** Past this many known keys, an unknown key's message names only the closest of them. */
const KEYS_LISTED = 12;

/** The known keys to show beside an unknown one: all when few, else the closest (or the first few). */
function keysToSuggest(key: string, keys: string[], where: string): string {
  if (keys.length <= KEYS_LISTED) return listOrNone(keys);
  const closest = similarNames(key, keys);
  return closest.length > 0
    ? `${keys.length} in all, the closest ${closest.join(', ')}`
    : `${keys.length} in all, none close to this one; the first ${KEYS_LISTED} ${keys.slice(0, KEYS_LISTED).join(', ')}, … (all in ${where})`;
}

function listOrNone(items: string[]): string {
  return items.length > 0 ? [...items].sort().join(', ') : '(none)';
}

/**
 * Longest injected value kept on one line: about 270 px of prose, so it fits a phone's
 * text column. A number such as "3.1 × 10⁻⁵" or "4,697 of 4,700" never breaks inside;
 * a longer value is a list or a sentence ("T = 3: ours 1.000, paper 1.0; T = 5: …") and
 * must wrap like prose, or one value is wider than the page (post 2 had one of 13,042 px).
 */
export const ONE_LINE_VALUE_CHARS = 30;

export function isOneValue(value: string): boolean {
  return [...value].length <= ONE_LINE_VALUE_CHARS;
}

/**
 * A long value as text that wraps at its spaces, except inside the pieces a reader takes
 * as one: "3.1 × 10⁻⁵", "T = 3", "n = 5", "up to 100". Those become nowrap spans; the text
 * is unchanged.
 */
const UNBREAKABLE = /[^\s;,():]+(?: [=×≈<>≤≥] [^\s;,():]+)+|\b(?:up to|of|at) [^\s;,():]+/g;

function unbreakableParts(value: string): PhrasingContent[] {
  const parts: PhrasingContent[] = [];
  let from = 0;
  for (const match of value.matchAll(UNBREAKABLE)) {
    if (match.index > from) parts.push({ type: 'text', value: value.slice(from, match.index) });
    parts.push({ type: 'articleNumberPart', data: { hName: 'span', hProperties: { className: ['nowrap'] } }, children: [{ type: 'text', value: match[0] }] } as unknown as PhrasingContent);
    from = match.index + match[0].length;
  }
  if (from < value.length) parts.push({ type: 'text', value: value.slice(from) });
  return parts;
}

/** A table's accessible name: its <caption> as plain text, else "Table <id>". */
export function tableName(tableHtml: string, id: string): string {
  const caption = /<caption[^>]*>([\s\S]*?)<\/caption>/i.exec(tableHtml)?.[1];
  const text = caption
    ?.replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text : `Table ${id}`;
}
