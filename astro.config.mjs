// Site half of the article: Markdown (content/article.md) + figures and numbers from
// the pipeline (figures/manifest.json) → a static site in dist/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import { articleMarkdown, reloadOnFigureChange } from './src/plugins/index.ts';

// Nothing may reach the network. Astro 5.18 makes two outgoing requests: anonymous
// telemetry (build, preview, dev) and a check for a newer Astro (dev only). Both read
// these variables only after this file is loaded (telemetry.record runs after
// resolveConfig; the update check after the dev container is created), so setting
// them here is enough; an explicit value in the environment still wins.
process.env.ASTRO_TELEMETRY_DISABLED ??= '1';
process.env.ASTRO_DISABLE_UPDATE_CHECK ??= 'true';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Tests point FIGURES_DIR at a fixture; a relative value is taken from the project root.
const figuresDir = path.resolve(projectRoot, process.env.FIGURES_DIR ?? 'figures');

export default defineConfig({
  output: 'static',
  // Relative to the site root; the page references only its own /_astro/ assets.
  base: '/',
  devToolbar: { enabled: false },
  markdown: {
    ...articleMarkdown({ figuresDir }),
    // Light theme to match the page; Shiki is bundled, nothing is fetched.
    shikiConfig: { theme: 'github-light' },
  },
  vite: {
    plugins: [reloadOnFigureChange(figuresDir)],
  },
});
