/**
 * The one front-matter fact the pipeline and the site's checks need before Astro parses
 * a post: whether it is a draft. (Astro itself reads the full front matter for pages.)
 */

/** Whether a post.md's front matter says `draft: true` (drafts are built by `npm run dev` only). */
export function isDraftProse(markdown: string): boolean {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown);
  return front !== null && /^draft:\s*true\s*$/m.test(front[1]);
}
