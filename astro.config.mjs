// Site half of the series: each content/<slug>/post.md + figures and numbers from the
// pipeline (figures/<slug>/manifest.json) → a static site in dist/.
//
// Hosting under a sub-path (a GitHub Pages project site lives at /<repo>/): set
// SITE_BASE, e.g. `SITE_BASE=/my-repo/ npm run build`. SITE_URL is the origin the RSS
// feed's absolute links use (e.g. https://me.github.io).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { articleMarkdown, devFileRoutes, lastGoodPage, reloadOnFigureChange, settledContentChanges, sourceUrlForProject } from './src/plugins/index.ts';
import { siteBase, siteUrl } from './src/plugins/site-env.ts';

// Nothing may reach the network. Astro 5.18 makes two outgoing requests: anonymous
// telemetry (build, preview, dev) and a check for a newer Astro (dev only). Both read
// these variables only after this file is loaded (telemetry.record runs after
// resolveConfig; the update check after the dev container is created), so setting
// them here is enough; an explicit value in the environment still wins.
process.env.ASTRO_TELEMETRY_DISABLED ??= '1';
process.env.ASTRO_DISABLE_UPDATE_CHECK ??= 'true';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Tests point FIGURES_DIR at a fixture; a relative value is taken from the project root.
const figuresRoot = path.resolve(projectRoot, process.env.FIGURES_DIR ?? 'figures');
const contentRoot = path.resolve(projectRoot, 'content');


/** figures/<slug> for content/<slug>/post.md. */
function figuresDirOf(file) {
  const relative = path.relative(contentRoot, String(file.path));
  return path.join(figuresRoot, relative.split(path.sep)[0]);
}

const isDev = process.argv.includes('dev');

// The feed, the sitemap, canonical links and the cards' og:image are absolute URLs. Without
// SITE_URL they would all point at localhost: fine for a local look, wrong on a host.
const LOCAL_SITE = 'http://localhost:4321';
if (!process.env.SITE_URL && process.argv.includes('build')) {
  process.stderr.write(
    `warning: SITE_URL is not set, so the feed (rss.xml), sitemap, canonical links and share cards link to ${LOCAL_SITE}. ` +
      'Fix: set SITE_URL to the origin the site is published at, e.g. SITE_URL=https://me.github.io npm run build.\n',
  );
}

export default defineConfig({
  output: 'static',
  // Checked (src/plugins/site-env.ts): a URL in SITE_BASE or a path in SITE_URL is refused.
  site: siteUrl(process.env.SITE_URL),
  base: siteBase(process.env.SITE_BASE),
  // Post pages link their own files (runs.csv) relatively, so a post's URL ends in "/".
  trailingSlash: 'always',
  // OUT_DIR lets the tests build a second copy for a sub-path without touching dist/.
  outDir: process.env.OUT_DIR ? path.resolve(projectRoot, process.env.OUT_DIR) : './dist',
  devToolbar: { enabled: false },
  // Astro's caches (its content data store among them) in the project, not in
  // node_modules/.astro: the tests' repository copies share node_modules through a
  // symlink, and two builds renaming the same data-store.json at once failed one of them.
  cacheDir: './.astro/cache',
  // sitemap-index.xml + sitemap-0.xml: every page, under the base path.
  integrations: [sitemap()],
  markdown: {
    ...articleMarkdown({
      figuresDir: figuresDirOf,
      posts: { contentRoot, includeDrafts: isDev },
      // Provenance links: REPO_URL, GitHub Actions' repository, or package.json "repository"
      // (src/plugins/source-links.ts); unset, the files are named without links.
      sourceUrl: sourceUrlForProject(projectRoot),
      // The dev loop's stale notes are shown under `astro dev` and fail any other build.
      dev: isDev,
    }),
    // Both themes, as CSS variables; the page shows the dark one when the reader's system
    // prefers dark (src/styles/article.css). Shiki is bundled, nothing is fetched.
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
  vite: {
    // Dev only: a mistake keeps the last good page, with the error on top (DEV_ERRORS_DIR:
    // where scripts/dev.ts's pipeline passes write theirs).
    plugins: [reloadOnFigureChange(figuresRoot, contentRoot), settledContentChanges(contentRoot), devFileRoutes(), lastGoodPage(process.env.DEV_ERRORS_DIR)],
  },
});
