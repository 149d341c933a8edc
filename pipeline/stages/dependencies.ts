/**
 * The locked versions of the npm packages a stage's output depends on, read from
 * package-lock.json: a package and everything it depends on, transitively. They go
 * into cache keys, so upgrading Plot or jsdom re-renders every figure instead of
 * leaving SVGs "up to date" that the new versions would draw differently.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../store/provenance.ts';

interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
}

/** Packages the figures are drawn with (Plot draws, jsdom serialises, sharp rasterises the PNG download). */
export const FIGURE_PACKAGES = ['@observablehq/plot', 'jsdom', 'sharp'];

const cache = new Map<string, Record<string, string>>();

/** package-lock.json is missing or unreadable: a user's fix (restore it), printed as one line. */
export class LockFileError extends Error {}

/** name → locked version for `roots` and their dependency closure (sorted by name). */
export function lockedVersions(roots: readonly string[], root = REPO_ROOT): Record<string, string> {
  const key = `${root}\0${roots.join('\0')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const lockFile = path.join(root, 'package-lock.json');
  let packages: Record<string, LockedPackage>;
  try {
    packages = (JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, LockedPackage> }).packages;
  } catch (error) {
    throw new LockFileError(`${path.relative(process.cwd(), lockFile) || lockFile} cannot be read (${(error as Error).message}); it pins the versions that figures are keyed on: restore it with git checkout package-lock.json`);
  }
  const versions: Record<string, string> = {};
  const visit = (name: string) => {
    if (name in versions) return;
    const entry = packages[`node_modules/${name}`];
    versions[name] = entry?.version ?? 'absent';
    for (const dependency of Object.keys(entry?.dependencies ?? {})) visit(dependency);
  };
  roots.forEach(visit);
  const sorted = Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  cache.set(key, sorted);
  return sorted;
}
