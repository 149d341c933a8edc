// The article's Markdown chain in one place, so astro.config.mjs and the unit tests
// run exactly the same plugins with the same options.

import path from 'node:path';
import remarkDirective from 'remark-directive';
import remarkMath from 'remark-math';
import type { Plugin as VitePlugin } from 'vite';
import rehypeKatexStrict from './rehype-katex-strict.ts';
import remarkArticle, { type RemarkArticleOptions } from './remark-article.ts';
import remarkContents from './remark-contents.ts';
import remarkHeadingIds from './remark-heading-ids.ts';
import remarkSourceCheck from './source-check.ts';
import remarkProseCheck from './prose-check.ts';

export { ArticleBuildError } from './errors.ts';
export { loadManifest, type FigureManifest, type FigureEntry } from './manifest.ts';
export { default as rehypeKatexStrict } from './rehype-katex-strict.ts';
export { default as remarkArticle, type RemarkArticleOptions } from './remark-article.ts';
export { default as remarkHeadingIds } from './remark-heading-ids.ts';
export { default as remarkContents, headingContents, type ContentsEntry } from './remark-contents.ts';
export { default as remarkSourceCheck, ALLOWED_HTML } from './source-check.ts';
export { sourceUrlForProject, sourceUrlFrom, type SourceUrl } from './source-links.ts';
export { default as remarkProseCheck, proseProblems } from './prose-check.ts';

export type ArticleMarkdownOptions = RemarkArticleOptions;

/** KaTeX settings for the whole article: anything KaTeX would merely warn about fails the build. */
export const katexOptions = { strict: 'error', throwOnError: true } as const;

/**
 * Plugin lists for Astro's `markdown` config (and for tests that rebuild the chain
 * with unified). rehype-katex is wrapped: on its own it downgrades errors to warnings.
 */
export function articleMarkdown(options: ArticleMarkdownOptions) {
  // Order matters: remark-math and remark-directive extend the parser; the source check
  // reads the tree as parsed (leftover syntax, raw HTML) before heading ids and
  // figures/numbers/references rewrite it. The prose check reads the tree before :num[…]
  // is replaced, so it can tell injected numbers from typed ones.
  // The contents box is built last, from the headings with their numbers in place.
  const remarkPlugins: PluginEntry[] = [remarkMath, remarkDirective, remarkSourceCheck, remarkHeadingIds, remarkProseCheck, [remarkArticle, options], [remarkContents, { katex: { ...katexOptions } }]];
  const rehypePlugins: PluginEntry[] = [[rehypeKatexStrict, { ...katexOptions }]];
  return { remarkPlugins, rehypePlugins };
}

// Loose on purpose: the same lists go to Astro's config and to unified's `.use()`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PluginEntry = ((...args: any[]) => any) | [(...args: any[]) => any, unknown];

/**
 * Dev server only: Astro caches a Markdown module until the .md file changes, so a
 * re-rendered manifest or SVG would not show. Invalidate the Markdown modules and
 * reload the page when anything in the figures folder changes, or a post's
 * references.bib (read by the citation plugin, which Vite does not see).
 */
export function reloadOnFigureChange(figuresDir: string, contentDir?: string): VitePlugin {
  const root = path.resolve(figuresDir);
  const content = contentDir ? path.resolve(contentDir) : undefined;
  const affects = (file: string) => {
    const absolute = path.resolve(file);
    if (absolute.startsWith(root + path.sep)) return true;
    return !!content && absolute.startsWith(content + path.sep) && path.basename(absolute) === 'references.bib';
  };
  return {
    name: 'article:reload-on-figure-change',
    apply: 'serve',
    configureServer(server) {
      server.watcher.add(root);
      if (content) server.watcher.add(path.join(content, '*', 'references.bib'));
      const onChange = (file: string) => {
        if (!affects(file)) return;
        for (const module of server.moduleGraph.idToModuleMap.values()) {
          if (module.id?.endsWith('.md')) server.moduleGraph.invalidateModule(module);
        }
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('add', onChange);
      server.watcher.on('change', onChange);
      server.watcher.on('unlink', onChange);
    },
  };
}
