/**
 * The npm packages a stage's output depends on, as they are installed: a package and
 * everything it depends on, transitively (the closure is read from package-lock.json).
 * They go into cache keys, so upgrading Plot or jsdom re-renders every figure instead of
 * leaving SVGs "up to date" that the new versions would draw differently — and so does
 * an installed file that differs from what the lock names (a patched node_modules, a
 * half-finished install, a hand edit while debugging): the key holds a digest of the
 * package's installed code, not only its locked version.
 *
 * Hashing the ~28 MB of Plot, d3 and jsdom takes a second or two; it is done once per
 * package and kept in node_modules/.cache/, reused while every file's size and mtime
 * are what they were when it was hashed (a stat walk, tens of milliseconds).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson, REPO_ROOT, sha256 } from '../store/provenance.ts';
import { writeFileAtomic } from '../store/runStore.ts';

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

/** Files whose content can change what a package does when imported (code, manifests, data, wasm). */
const RUNTIME_FILE = /\.(m?js|cjs|json|wasm|node)$/;

/** Runtime files under a package folder, nested node_modules included (relative path → stat), sorted. */
function installedFiles(dir: string): { file: string; size: number; mtimeMs: number }[] {
  const found: { file: string; size: number; mtimeMs: number }[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (RUNTIME_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const stat = statSync(path.join(dir, child)); // follows links, like the module loader
        found.push({ file: child, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  walk('');
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const DIGEST_CACHE = 'node_modules/.cache/installed-package-digests.json';
interface CachedDigest {
  /** sha256 over every runtime file's path, size and mtime: equal means the digest still holds. */
  stats: string;
  digest: string;
}

/**
 * name → "<locked version> <sha256 of its installed runtime files>" for `roots` and their
 * dependency closure: what figure keys hold. A package the lock names but nobody installed
 * is "<version> not installed". Not memoised: the dev loop lives for hours, and a stat
 * walk is cheap next to a render.
 */
export function installedPackages(roots: readonly string[], root = REPO_ROOT): Record<string, string> {
  const cacheFile = path.join(root, DIGEST_CACHE);
  let cache: Record<string, CachedDigest> = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CachedDigest>;
  } catch {
    // no cache yet, or unreadable: every package is hashed
  }
  let changed = false;
  const result: Record<string, string> = {};
  for (const [name, version] of Object.entries(lockedVersions(roots, root))) {
    const dir = path.join(root, 'node_modules', name);
    if (!existsSync(dir)) {
      result[name] = `${version} not installed`;
      continue;
    }
    const files = installedFiles(dir);
    const stats = sha256(canonicalJson(files));
    let entry = cache[dir];
    if (entry?.stats !== stats) {
      const hash = createHash('sha256');
      for (const { file } of files) hash.update(`${file}\0${sha256(readFileSync(path.join(dir, file)))}\n`);
      entry = { stats, digest: hash.digest('hex') };
      cache[dir] = entry;
      changed = true;
    }
    result[name] = `${version} ${entry.digest}`;
  }
  if (changed) {
    try {
      writeFileAtomic(cacheFile, `${JSON.stringify(cache)}\n`);
    } catch {
      // a read-only node_modules: the digests are recomputed next time, nothing else changes
    }
  }
  return result;
}
