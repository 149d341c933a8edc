// The posts the built site holds, and each one's manifests: what the end-to-end tests
// iterate over, so a new post is covered without editing a test. Set FIGURES_DIR to
// the same folder for `astro build` and `playwright test` (default: figures/).
import fs from 'node:fs';
import path from 'node:path';
import { isDraftProse } from '../../pipeline/post/front-matter.ts';
import { postSlugs } from '../../pipeline/post/post.ts';

export const figuresRoot = path.resolve(process.env.FIGURES_DIR ?? 'figures');

export interface BuiltPost {
  slug: string;
  figures: Record<string, { file: string; caption: string; provenance: string }>;
  tables: Record<string, { file: string; files: string[]; runCount: number; numbers: Record<string, string> }>;
  /** Where this post's screenshot baselines live (inside the post's folder). */
  screenshot(name: string): string[];
}

function readJson<T>(file: string, fallback: T): T {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : fallback;
}

/** Published posts (drafts are left out of dist/), in slug order. */
export function builtPosts(): BuiltPost[] {
  return postSlugs()
    .filter((slug) => !isDraftProse(fs.readFileSync(path.join('content', slug, 'post.md'), 'utf8')))
    .map((slug) => {
      const manifestPath = path.join(figuresRoot, slug, 'manifest.json');
      if (!fs.existsSync(manifestPath)) throw new Error(`${manifestPath} not found. Run \`npm run build\` (pipeline + site) before the end-to-end tests.`);
      return {
        slug,
        figures: readJson(manifestPath, { figures: {} }).figures,
        tables: readJson(path.join(figuresRoot, slug, 'tables', 'manifest.json'), { tables: {} }).tables,
        screenshot: (name: string) => ['content', slug, 'tests', 'screenshots', name],
      };
    });
}
