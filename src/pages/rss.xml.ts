// RSS feed of the published posts (@astrojs/rss). Links are absolute, so the feed needs
// the site's origin: SITE_URL (see astro.config.mjs).
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { sitePath, sitePosts } from '../lib/posts.ts';

export function GET(context: APIContext) {
  return rss({
    title: 'Computed posts on superposition',
    description: 'Reproducible research posts on the tied-weight toy ReLU autoencoder.',
    // The channel's link is the series' front page, under whatever base the site is built for.
    site: new URL(sitePath(), context.site!).href,
    items: sitePosts().map((post) => ({
      title: post.frontmatter.title,
      description: post.frontmatter.summary,
      pubDate: post.date,
      link: new URL(sitePath(`${post.slug}/`), context.site!).href,
      categories: post.frontmatter.tags ?? [],
    })),
  });
}
