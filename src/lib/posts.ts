// The posts the site shows, read from content/<slug>/post.md (front matter and the
// rendered Markdown). Drafts are served by `npm run dev` and left out of `dist/`.
import { readFileSync } from 'node:fs';
import type { MarkdownInstance } from 'astro';
import { readFrontMatter } from '../../pipeline/post/front-matter.ts';
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

/** Every post the current build shows, newest first (drafts only in dev). */
export function sitePosts(): SitePost[] {
  return Object.entries(modules)
    .map(([file, module]) => {
      const slug = slugOf(file);
      // The same complete check as the pipeline and `npm run site`; under `npm run dev` the
      // error also goes to the overlay on the last good page.
      try {
        const { date } = readFrontMatter(readFileSync(module.file, 'utf8'), `content/${slug}/post.md`);
        clearDevError(`frontmatter:${slug}`);
        return { slug, frontmatter: module.frontmatter, date, module };
      } catch (error) {
        reportDevError(`frontmatter:${slug}`, error);
        throw error;
      }
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
