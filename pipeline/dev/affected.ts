/**
 * Which posts a saved file affects, for the dev loop's watcher (scripts/dev.ts):
 * the post whose folder holds it, every post (shared pipeline code), or none (prose and
 * references reload through Astro itself; tests, editor files and the dev loop's own
 * code trigger nothing).
 */
export function affectedPosts(repoRelative: string): string | 'all' | null {
  const parts = repoRelative.split(/[\\/]/);
  if (!/\.(ts|mts|js|mjs|json)$/.test(repoRelative) || parts.some((part) => part.startsWith('.') || part === 'node_modules')) return null;
  if (parts[0] === 'pipeline') return parts[1] === 'dev' || parts[1] === 'bench' ? null : 'all';
  if (parts[0] === 'content' && parts.length >= 3) return parts[2] === 'tests' ? null : (parts[1] ?? null);
  return null;
}
