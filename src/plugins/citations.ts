// A post's references: content/<slug>/references.bib, read with citation-js (its BibTeX
// parser and citeproc-js with the bundled APA style and en-US locale; nothing is
// fetched). The Markdown plugin turns `:cite[key]` into an author–year citation linked to
// the entry and `::references` into the list of every cited entry, DOIs and URLs linked.

import fs from 'node:fs';
import path from 'node:path';
import { Cite, type CslEntry, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import type { ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { ArticleBuildError } from './errors.ts';

export const BIBLIOGRAPHY_FILE = 'references.bib';

/** CSL style and locale, both bundled with @citation-js/plugin-csl. */
const STYLE = 'apa';
const LOCALE = 'en-US';

export interface Bibliography {
  file: string;
  entries: Map<string, CslEntry>;
}

/** The only links a reference may carry. */
const WEB_LINK = /^https?:\/\//i;

/** The post's references.bib beside its post.md, or null when it has none. */
export function loadBibliography(postFile: string): Bibliography | null {
  const file = path.join(path.dirname(postFile), BIBLIOGRAPHY_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let data: CslEntry[];
  try {
    // forceType: read the text as BibTeX and nothing else (no DOI or URL look-ups).
    data = plugins.input.chain(text, { forceType: '@biblatex/text', generateGraph: false });
  } catch (error) {
    const message = (error as Error).message;
    const at = /at line (\d+) col (\d+)/.exec(message);
    throw new ArticleBuildError(
      { file, line: at ? Number(at[1]) : undefined, column: at ? Number(at[2]) : undefined },
      `references.bib does not parse: ${message.split('\n')[0]}`,
      ['Fix: correct the BibTeX entry (each is @type{key, field = {value}, …}).'],
    );
  }
  const entries = new Map<string, CslEntry>();
  for (const entry of data) {
    if (entries.has(entry.id)) {
      throw new ArticleBuildError({ file, line: lineOfKey(text, entry.id, 2) }, `citation key "${entry.id}" is defined twice.`, ['Fix: give each entry its own key.']);
    }
    // The reference list links the url field: anything but a web address was published
    // as a broken link (citeproc made "javascript:…" into https://doi.org/javascript:…).
    const url = (entry as { URL?: unknown }).URL;
    if (url !== undefined && !WEB_LINK.test(String(url))) {
      throw new ArticleBuildError({ file, line: lineOfKey(text, entry.id) }, `citation "${entry.id}" has url "${String(url).slice(0, 60)}", which is not a web address.`, ['Fix: give an http:// or https:// address, or remove the url field.']);
    }
    entries.set(entry.id, entry);
  }
  return { file, entries };
}

/**
 * In-text citation labels ("Elhage et al., 2022", without the parentheses, so several
 * can share one pair), for the keys in order of first citation. citeproc sees them all
 * at once, so two works that would read alike are told apart (2022a, 2022b).
 */
export function citationLabels(bibliography: Bibliography, keys: readonly string[]): Map<string, string> {
  if (keys.length === 0) return new Map();
  const data = keys.map((key) => bibliography.entries.get(key)!);
  const engine = plugins.config.get('@csl').engine(data, STYLE, LOCALE, 'text');
  const output = engine.rebuildProcessorState(
    keys.map((key) => ({ citationItems: [{ id: key }], properties: { noteIndex: 0 } })),
    'text',
    [],
  );
  return new Map(keys.map((key, index) => [key, (output[index]?.[2] ?? key).replace(/^\((.*)\)$/s, '$1')]));
}

/** The reference list for the cited keys, in the style's order: one list item per entry, id "ref-<key>". */
export function referenceItems(bibliography: Bibliography, keys: readonly string[]): ElementContent[] {
  const data = keys.map((key) => bibliography.entries.get(key)!);
  const formatted = new Cite(data).format('bibliography', { format: 'html', template: STYLE, lang: LOCALE, hyperlinks: true, asEntryArray: true, entry: [...keys] });
  return formatted.map(([key, html]) => {
    const fragment = fromHtml(html.trim(), { fragment: true });
    visit(fragment, (node) => {
      delete node.position;
      // Links only to the web (a DOI becomes https://doi.org/…), whatever citeproc makes of a field.
      if (node.type === 'element' && node.tagName === 'a') node.properties = WEB_LINK.test(String(node.properties.href ?? '')) ? { href: node.properties.href } : {};
    });
    const entry = fragment.children.find((child) => child.type === 'element');
    const children = entry && entry.type === 'element' ? entry.children : (fragment.children as ElementContent[]);
    return { type: 'element', tagName: 'li', properties: { id: referenceAnchor(key), className: ['reference'] }, children };
  });
}

export function referenceAnchor(key: string): string {
  return `ref-${key.replace(/[^\w-]/g, '-')}`;
}

/** Line of the `n`-th `@type{key,` in the BibTeX text (for errors). */
function lineOfKey(text: string, key: string, n = 1): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = [...text.matchAll(new RegExp(`@\\w+\\s*[{(]\\s*${escaped}\\s*,`, 'g'))];
  const match = matches[n - 1] ?? matches[0];
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}
