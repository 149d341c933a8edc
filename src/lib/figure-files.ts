// Each figure's downloads, published beside its post: /<slug>/figures/<id>.svg (the
// figure alone, at full size), <id>.png and <id>.csv (the data it plots), and for an
// explorable figure <id>.data.json (what its controls choose among, read by the page). The pipeline
// writes them into figures/<slug>/ and records their sha256 in the manifest; a file
// whose bytes differ fails the build (readFigureFile) instead of being served.
import path from 'node:path';
import { loadManifest, readFigureFile } from '../plugins/manifest.ts';
import { sitePosts } from './posts.ts';

export type FigureFileKind = 'svg' | 'png' | 'csv' | 'data';

const CONTENT_TYPES: Record<FigureFileKind, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  csv: 'text/csv; charset=utf-8',
  data: 'application/json',
};

// Same folder as astro.config.mjs reads (FIGURES_DIR, relative to the project root, where Astro runs).
const figuresRoot = path.resolve(process.env.FIGURES_DIR ?? 'figures');

/** One page per figure of every post the site shows. */
export function figureFilePaths(): { params: { slug: string; id: string } }[] {
  return sitePosts().flatMap((post) =>
    Object.keys(loadManifest(path.join(figuresRoot, post.slug)).figures).map((id) => ({ params: { slug: post.slug, id } })),
  );
}

/** One page per explorable figure (its data file). */
export function explorableFigurePaths(): { params: { slug: string; id: string } }[] {
  return sitePosts().flatMap((post) =>
    Object.entries(loadManifest(path.join(figuresRoot, post.slug)).figures)
      .filter(([, entry]) => entry.explore !== undefined)
      .map(([id]) => ({ params: { slug: post.slug, id } })),
  );
}

export function figureFileResponse(kind: FigureFileKind, slug: string, id: string): Response {
  const figuresDir = path.join(figuresRoot, slug);
  const entry = loadManifest(figuresDir).figures[id];
  return new Response(new Uint8Array(readFigureFile(figuresDir, id, entry, kind)), { headers: { 'Content-Type': CONTENT_TYPES[kind] } });
}
