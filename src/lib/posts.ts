// The posts the site shows, read from content/<slug>/post.md (front matter and the
// rendered Markdown). Drafts are served by `npm run dev` and left out of `dist/`.
import type { MarkdownInstance } from 'astro';
import { clearDevError, reportDevError } from '../plugins/dev-errors.ts';

export interface PostFrontmatter {
  title: string;
  subtitle?: string;
  summary: string;
  /** YYYY-MM-DD */
  date: string | Date;
  tags?: string[];
  draft?: boolean;
}

export interface SitePost {
  slug: string;
  frontmatter: PostFrontmatter;
  date: Date;
  module: MarkdownInstance<PostFrontmatter>;
}

const modules = import.meta.glob<MarkdownInstance<PostFrontmatter>>('../../content/*/post.md', { eager: true });

function slugOf(file: string): string {
  return file.split('/').slice(-2)[0];
}

function checkFrontmatter(slug: string, frontmatter: Partial<PostFrontmatter>): void {
  const where = `content/${slug}/post.md`;
  for (const field of ['title', 'summary', 'date'] as const) {
    if (frontmatter[field] === undefined || String(frontmatter[field]).trim() === '') {
      throw new Error(`${where}: front matter field "${field}" is missing; add e.g. ${field === 'date' ? 'date: 2026-12-01' : `${field}: …`} between the --- lines`);
    }
  }
  if (Number.isNaN(new Date(frontmatter.date as string).getTime())) {
    throw new Error(`${where}: front matter field "date" is ${JSON.stringify(frontmatter.date)}; write it as YYYY-MM-DD`);
  }
  if (frontmatter.tags !== undefined && !(Array.isArray(frontmatter.tags) && frontmatter.tags.every((tag) => typeof tag === 'string'))) {
    throw new Error(`${where}: front matter field "tags" must be a list of words, e.g. tags: [superposition, optimization]`);
  }
  if (frontmatter.draft !== undefined && typeof frontmatter.draft !== 'boolean') {
    throw new Error(`${where}: front matter field "draft" must be true or false`);
  }
}

/** Every post the current build shows, newest first (drafts only in dev). */
export function sitePosts(): SitePost[] {
  return Object.entries(modules)
    .map(([file, module]) => {
      const slug = slugOf(file);
      // Under `npm run dev` the error also goes to the overlay on the last good page.
      try {
        checkFrontmatter(slug, module.frontmatter);
        clearDevError(`frontmatter:${slug}`);
      } catch (error) {
        reportDevError(`frontmatter:${slug}`, error);
        throw error;
      }
      return { slug, frontmatter: module.frontmatter, date: new Date(module.frontmatter.date), module };
    })
    .filter((post) => import.meta.env.DEV || post.frontmatter.draft !== true)
    .sort((a, b) => b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : 1));
}

/** A path inside the site, under whatever base it is built for. */
export function sitePath(relative = ''): string {
  const base = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;
  return `${base}${relative}`;
}

export function formatDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}
