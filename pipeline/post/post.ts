/**
 * A post is one folder, content/<slug>/: `post.md` (the prose, with front matter) and
 * `post.ts`, which default-exports what the post computes — its experiment groups,
 * figures, claims and tables. Everything under pipeline/ is shared machinery; nothing
 * there names a post. Posts are found by listing content/, so adding a post is adding a
 * folder and removing one is deleting it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Experiment } from '../experiments/types.ts';
import { validateExperiments } from '../experiments/validate.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import type { Claim } from './claim.ts';
import type { Figure } from './figure.ts';
import type { Table } from './table.ts';
import { readFrontMatter } from './front-matter.ts';

import { CONTENT_DIR, SLUG_PATTERN } from './slug.ts';

export { CONTENT_DIR, SLUG_PATTERN };
export const POST_PROSE = 'post.md';
export const POST_MODULE = 'post.ts';
/** Figure, table and claim ids: the same shape as slugs. */
export const ID_PATTERN = SLUG_PATTERN;

export interface ExperimentGroup {
  /** Repo-relative file the group is defined in (errors and the run summary name it). */
  file: string;
  experiments: readonly Experiment[];
}

/** What content/<slug>/post.ts default-exports. */
export interface PostDefinition {
  groups: readonly ExperimentGroup[];
  /** In order of appearance; each lives in content/<slug>/figures/<id>.ts. */
  figures: readonly Figure[];
  claims: readonly Claim[];
  tables: readonly Table[];
}

/** Identity function that gives post.ts files a checked type. */
export function definePost(definition: PostDefinition): PostDefinition {
  return definition;
}

export interface Post extends PostDefinition {
  slug: string;
  /** Repo-relative folder, e.g. content/<slug>. */
  dir: string;
  experiments: readonly Experiment[];
  experimentById(id: string): Experiment;
  /** Repo-relative module of a figure (its code is the figure's cache key). */
  figureSource(figure: Figure): string;
  /** Repo-relative file that defines an experiment (its group's file). */
  experimentFile(id: string): string;
  /** Repo-relative post.ts: tables are keyed by its import closure (claims included). */
  moduleFile: string;
  /** Every experiment id a figure, table or claim of this post reads. */
  needs(): string[];
}

/** A post folder that cannot be loaded: one line naming the file and the fix. */
export class PostError extends Error {}

/** Slugs of the posts in content/ (folders holding a post.md), sorted. */
export function postSlugs(root = REPO_ROOT): string[] {
  const contentDir = path.join(root, CONTENT_DIR);
  if (!existsSync(contentDir)) return [];
  return readdirSync(contentDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(contentDir, entry.name, POST_PROSE)))
    .map((entry) => entry.name)
    .sort();
}

export async function loadPost(slug: string, root = REPO_ROOT): Promise<Post> {
  const dir = `${CONTENT_DIR}/${slug}`;
  if (!SLUG_PATTERN.test(slug)) {
    throw new PostError(`${dir}: the folder name is the post's URL, so it must be lower-case letters, digits and dashes; rename the folder`);
  }
  // The prose's front matter first: a post without a title fails here, not in Astro.
  const proseFile = `${dir}/${POST_PROSE}`;
  if (existsSync(path.join(root, proseFile))) readFrontMatter(readFileSync(path.join(root, proseFile), 'utf8'), proseFile);
  const moduleFile = `${dir}/${POST_MODULE}`;
  if (!existsSync(path.join(root, moduleFile))) {
    throw new PostError(`${moduleFile} is missing: every post folder with a post.md needs a post.ts that default-exports definePost({ groups, figures, claims, tables }) (see docs/writing.md, "Writing a post")`);
  }
  const loaded = (await import(pathToFileURL(path.join(root, moduleFile)).href)) as { default?: PostDefinition };
  const definition = loaded.default;
  for (const field of ['groups', 'figures', 'claims', 'tables'] as const) {
    if (!definition || !Array.isArray(definition[field])) {
      throw new PostError(`${moduleFile}: the default export has no "${field}" list; export default definePost({ groups, figures, claims, tables })`);
    }
  }
  const post = definition as PostDefinition;
  const figureSource = (figure: Figure) => `${dir}/figures/${figure.id}.ts`;
  const unique = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      // Ids name files (figures/<slug>/<id>.svg, tables/<id>.html) and prefix number keys
      // ("<id>.<name>"): a slash or dot would write outside the post's folder or split a key.
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
        throw new PostError(`${moduleFile}: ${kind} id ${JSON.stringify(id)} is not a plain name; ids become file names and number keys, so use lower-case letters, digits and dashes (e.g. loss-curve)`);
      }
      if (seen.has(id)) throw new PostError(`${moduleFile}: ${kind} id "${id}" appears twice; ids must be unique within a post`);
      seen.add(id);
    }
  };
  unique('figure', post.figures.map((f) => f.id));
  unique('table', post.tables.map((t) => t.id));
  unique('claim', post.claims.map((c) => c.id));
  for (const figure of post.figures) {
    if (!existsSync(path.join(root, figureSource(figure)))) {
      throw new PostError(`${moduleFile}: figure "${figure.id}" must live in ${figureSource(figure)} (one module per figure, named by its id); move or rename it`);
    }
  }
  const experiments = post.groups.flatMap((group) => group.experiments);
  const fileOf = new Map(post.groups.flatMap((group) => group.experiments.map((e) => [e, group.file] as const)));
  validateExperiments(experiments, (e) => fileOf.get(e) ?? `${dir}/experiments/`);
  const byId = new Map(experiments.map((e) => [e.id, e]));
  const experimentById = (id: string): Experiment => {
    const found = byId.get(id);
    if (!found) throw new PostError(`unknown experiment id "${id}" in ${dir} (its experiments are listed in ${moduleFile})`);
    return found;
  };
  const needers: { kind: string; id: string; needs: readonly string[]; file: string }[] = [
    ...post.figures.map((f) => ({ kind: 'figure', id: f.id, needs: f.needs, file: figureSource(f) })),
    ...post.claims.map((c) => ({ kind: 'claim', id: c.id, needs: c.needs, file: moduleFile })),
    ...post.tables.map((t) => ({ kind: 'table', id: t.id, needs: t.needs, file: moduleFile })),
  ];
  for (const needer of needers) {
    const unknown = needer.needs.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 3).map((id) => `"${id}"`).join(', ');
      throw new PostError(
        `${needer.file}: ${needer.kind} "${needer.id}" needs experiment ${shown}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}, which ${dir}'s experiment groups do not define; add it to a group in ${dir}/experiments/ or fix the id`,
      );
    }
  }
  return {
    ...post,
    slug,
    dir,
    moduleFile,
    experiments,
    experimentById,
    figureSource,
    experimentFile: (id: string) => fileOf.get(experimentById(id)) ?? `${dir}/experiments/`,
    needs: () => [...new Set(needers.flatMap((n) => n.needs))],
  };
}

/** Every post in content/, in slug order. */
export async function loadPosts(root = REPO_ROOT): Promise<Post[]> {
  const posts: Post[] = [];
  for (const slug of postSlugs(root)) posts.push(await loadPost(slug, root));
  return posts;
}
