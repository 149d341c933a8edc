// Publishes the CSV files the pipeline's tables write next to themselves
// (figures/tables/*.csv, e.g. runs.csv for section 13) at the site root, so the article
// can link them: /runs.csv. Only files that exist are published; a fixture build with no
// tables publishes none.
import fs from 'node:fs';
import path from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';

// Same folder as astro.config.mjs reads (FIGURES_DIR, relative to the project root, where Astro runs).
const tablesDir = path.resolve(process.env.FIGURES_DIR ?? 'figures', 'tables');

export const getStaticPaths = (() => {
  if (!fs.existsSync(tablesDir)) return [];
  return fs
    .readdirSync(tablesDir)
    .filter((file) => file.endsWith('.csv'))
    .map((file) => ({ params: { name: file.slice(0, -'.csv'.length) } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
  new Response(fs.readFileSync(path.join(tablesDir, `${params.name}.csv`), 'utf8'), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
  });
