// Each post's share card, /<slug>/card.png (src/lib/card.ts), named by the post's og:image.
import type { APIRoute, GetStaticPaths } from 'astro';
import { cardPng } from '../../lib/card.ts';
import { sitePosts, type SitePost } from '../../lib/posts.ts';

export const getStaticPaths = (() => sitePosts().map((post) => ({ params: { slug: post.slug }, props: { post } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { post } = props as { post: SitePost };
  return new Response(new Uint8Array(cardPng(post.frontmatter.title, post.frontmatter.summary, 'Computed posts on superposition')), {
    headers: { 'Content-Type': 'image/png' },
  });
};
