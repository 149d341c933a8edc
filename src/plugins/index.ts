// The article's Markdown chain in one place, so astro.config.mjs and the unit tests
// run exactly the same plugins with the same options.

import path from 'node:path';
import remarkDirective from 'remark-directive';
import remarkMath from 'remark-math';
import type { Plugin as VitePlugin } from 'vite';
import rehypeKatexStrict from './rehype-katex-strict.ts';
import remarkArticle, { type RemarkArticleOptions } from './remark-article.ts';
import remarkHeadingIds from './remark-heading-ids.ts';
import remarkProseCheck from './prose-check.ts';

export { ArticleBuildError } from './errors.ts';
export { loadManifest, type FigureManifest, type FigureEntry } from './manifest.ts';
export { default as rehypeKatexStrict } from './rehype-katex-strict.ts';
export { default as remarkArticle, type RemarkArticleOptions } from './remark-article.ts';
export { default as remarkHeadingIds } from './remark-heading-ids.ts';
export { default as remarkProseCheck, proseProblems } from './prose-check.ts';

export type ArticleMarkdownOptions = RemarkArticleOptions;

/** KaTeX settings for the whole article: anything KaTeX would merely warn about fails the build. */
export const katexOptions = { strict: 'error', throwOnError: true } as const;

/**
 * Plugin lists for Astro's `markdown` config (and for tests that rebuild the chain
 * with unified). rehype-katex is wrapped: on its own it downgrades errors to warnings.
 */
export function articleMarkdown(options: ArticleMarkdownOptions) {
  // Order matters: remark-math and remark-directive extend the parser, heading ids and
  // figures/numbers then rewrite the tree they produce. The prose check reads the tree
  // before :num[…] is replaced, so it can tell injected numbers from typed ones.
  const remarkPlugins: PluginEntry[] = [remarkMath, remarkDirective, remarkHeadingIds, remarkProseCheck, [remarkArticle, options]];
  const rehypePlugins: PluginEntry[] = [[rehypeKatexStrict, { ...katexOptions }]];
  return { remarkPlugins, rehypePlugins };
}

// Loose on purpose: the same lists go to Astro's config and to unified's `.use()`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PluginEntry = ((...args: any[]) => any) | [(...args: any[]) => any, unknown];

/**
 * Dev server only: Astro caches a Markdown module until the .md file changes, so a
 * re-rendered manifest or SVG would not show. Invalidate the Markdown modules and
 * reload the page when anything in the figures folder changes.
 */
export function reloadOnFigureChange(figuresDir: string): VitePlugin {
  const root = path.resolve(figuresDir);
  return {
    name: 'article:reload-on-figure-change',
    apply: 'serve',
    configureServer(server) {
      server.watcher.add(root);
      const onChange = (file: string) => {
        if (!path.resolve(file).startsWith(root + path.sep)) return;
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
