// Publishes the CSV files a post's tables write next to themselves
// (figures/<slug>/tables/*.csv, e.g. runs.csv) beside the post: /<slug>/runs.csv, so the
// post links them relatively. Only files that exist are published.
import fs from 'node:fs';
import path from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { sitePosts } from '../../lib/posts.ts';

// Same folder as astro.config.mjs reads (FIGURES_DIR, relative to the project root, where Astro runs).
const figuresRoot = path.resolve(process.env.FIGURES_DIR ?? 'figures');

export const getStaticPaths = (() =>
  sitePosts().flatMap((post) => {
    const tablesDir = path.join(figuresRoot, post.slug, 'tables');
    if (!fs.existsSync(tablesDir)) return [];
    return fs
      .readdirSync(tablesDir)
      .filter((file) => file.endsWith('.csv'))
      .map((file) => ({ params: { slug: post.slug, file: file.slice(0, -'.csv'.length) } }));
  })) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
  new Response(fs.readFileSync(path.join(figuresRoot, params.slug!, 'tables', `${params.file}.csv`), 'utf8'), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
  });
