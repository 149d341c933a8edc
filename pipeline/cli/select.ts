/**
 * Which experiments a command line names. A selector is a post slug (all its
 * experiments), a group — the basename of an experiments file, alone (`failure`, in any
 * post) or qualified (`<slug>/failure`) — or an experiment id. No selector: everything.
 * Runs are content-addressed, so an experiment two posts share is trained once.
 */
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import type { Post } from '../post/post.ts';
import type { RunGroup } from '../stages/runs.ts';

export function groupName(file: string): string {
  return path.basename(file, '.ts');
}

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string
 * alignment), case-insensitive: "tiny-rnu", "tnyi-run", "Tiny_run" are all one edit from
 * "tiny-run", wherever the slip is.
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1);
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Known selectors closest to `wanted`, best first: by edit distance over the whole name
 * (a slip anywhere costs the same), allowing about one edit per four characters (at
 * least two); names that contain `wanted` (or that it contains) come first.
 */
export function similarNames(wanted: string, known: readonly string[], count = 5): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const lower = wanted.toLowerCase();
  return [...new Set(known)]
    .map((name) => {
      const other = name.toLowerCase();
      const contains = other.includes(lower) || lower.includes(other);
      // Containment only counts for a real part of the name (not "n" inside everything).
      return { name, score: contains && Math.min(other.length, lower.length) >= 3 ? 0 : editDistance(wanted, name) };
    })
    .filter((candidate) => candidate.score <= limit)
    .sort((a, b) => a.score - b.score || Math.abs(a.name.length - wanted.length) - Math.abs(b.name.length - wanted.length) || (a.name < b.name ? -1 : 1))
    .slice(0, count)
    .map((candidate) => candidate.name);
}

/** One selected experiment with the post and group it belongs to. */
export interface Selected {
  experiment: Experiment;
  post: Post;
  /** Basename of the group's experiments file, e.g. "failure". */
  group: string;
}

/** Every selector a command line accepts: post slugs, groups (plain and qualified), experiment ids. */
export function knownSelectors(posts: readonly Post[]): string[] {
  return posts.flatMap((post) => [
    post.slug,
    ...post.groups.flatMap((g) => [groupName(g.file), `${post.slug}/${groupName(g.file)}`]),
    ...post.experiments.map((e) => e.id),
  ]);
}

/**
 * The experiments the selectors name, each once (in post, group and file order within a
 * selector, selectors in the order given), with its post and group.
 */
export function selectRuns(posts: readonly Post[], selectors: readonly string[]): Selected[] {
  const all: Selected[] = posts.flatMap((post) => post.groups.flatMap((g) => g.experiments.map((experiment) => ({ experiment, post, group: groupName(g.file) }))));
  const chosen = new Map<string, Selected>();
  const add = (entry: Selected) => {
    const key = `${entry.post.slug}\0${entry.experiment.id}`;
    if (!chosen.has(key)) chosen.set(key, entry);
  };
  if (selectors.length === 0) all.forEach(add);
  for (const selector of selectors) {
    const matches = all.filter(
      ({ experiment, post, group }) => selector === post.slug || selector === group || selector === `${post.slug}/${group}` || selector === experiment.id,
    );
    if (matches.length === 0) {
      const similar = similarNames(selector, knownSelectors(posts));
      throw new Error(
        `unknown post, group or experiment id "${selector}"${similar.length > 0 ? `; did you mean ${similar.join(', ')}?` : ''} (npm run train -- --list shows them all)`,
      );
    }
    matches.forEach(add);
  }
  return [...chosen.values()];
}

export function selectExperiments(posts: readonly Post[], selectors: readonly string[]): Experiment[] {
  return [...new Set(selectRuns(posts, selectors).map((entry) => entry.experiment))];
}

/** The selection as the training stage reports it: one group per post and experiments file. */
export function runGroups(selected: readonly Selected[]): RunGroup[] {
  const groups = new Map<string, Experiment[]>();
  for (const { experiment, post, group } of selected) {
    const label = `${post.slug}/${group}`;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(experiment);
  }
  return [...groups].map(([label, experiments]) => ({ label, experiments }));
}
