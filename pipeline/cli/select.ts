/**
 * Which experiments a command line names. A selector is a post slug (all its
 * experiments), a group — the basename of an experiments file, alone (`failure`, in any
 * post) or qualified (`<slug>/failure`) — or an experiment id. No selector: everything.
 * Runs are content-addressed, so an experiment two posts share is trained once.
 */
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import type { Post } from '../post/post.ts';

export function groupName(file: string): string {
  return path.basename(file, '.ts');
}

/** Known selectors closest to `wanted`: those containing it or contained in it, then by edit distance. */
export function similarNames(wanted: string, known: readonly string[], count = 5): string[] {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  return [...new Set(known)]
    .map((name) => ({ name, score: name.includes(wanted) || wanted.includes(name) ? 0 : distance(wanted, name) }))
    .filter((candidate) => candidate.score <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1))
    .slice(0, count)
    .map((candidate) => candidate.name);
}

export function selectExperiments(posts: readonly Post[], selectors: readonly string[]): Experiment[] {
  if (selectors.length === 0) return posts.flatMap((post) => post.experiments);
  const chosen: Experiment[] = [];
  for (const selector of selectors) {
    const matches: Experiment[] = [];
    for (const post of posts) {
      if (selector === post.slug) matches.push(...post.experiments);
      for (const group of post.groups) {
        const name = groupName(group.file);
        if (selector === name || selector === `${post.slug}/${name}`) matches.push(...group.experiments);
      }
      const byId = post.experiments.find((e) => e.id === selector);
      if (byId) matches.push(byId);
    }
    if (matches.length === 0) {
      const known = posts.flatMap((post) => [post.slug, ...post.groups.map((g) => groupName(g.file)), ...post.experiments.map((e) => e.id)]);
      const similar = similarNames(selector, known);
      throw new Error(
        `unknown post, group or experiment id "${selector}"${similar.length > 0 ? `; did you mean ${similar.join(', ')}?` : ''} (npm run train -- --list shows them all)`,
      );
    }
    chosen.push(...matches);
  }
  return [...new Set(chosen)];
}
