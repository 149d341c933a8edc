/**
 * What the page tests need before a server starts: the site in dist/ (`npm run build`) and
 * the same site built for a sub-path in dist-subpath/ (scripts/test.ts makes it after the
 * build). Without dist/ the tests cannot run: one line says which command to run. A
 * missing or older dist-subpath/ is built here from the current sources, since nothing but
 * `npm test` makes it and `npm run build && npm run test:e2e` is what people type.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

export const SUBPATH = '/series-subpath-check/';
export const SUBPATH_OUT = 'dist-subpath';

/** When a built site was written (its index.html's mtime), or null when there is none. */
function builtAt(dir: string): number | null {
  return statSync(path.join(dir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? null;
}

export interface SiteBuilder {
  /** Builds the site into `outDir` for `base`; returns the exit status. */
  (outDir: string, base: string): number;
}

/** Builds with scripts/site.ts, its output shown, as `npm test` does. */
export const buildWithSiteScript =
  (root: string): SiteBuilder =>
  (outDir, base) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/site.ts'], { cwd: root, stdio: 'inherit', env: { ...process.env, SITE_BASE: base, OUT_DIR: outDir } }).status ?? 1;

/** Null when both sites are ready (building the sub-path one if needed), else the one line to print. */
export function prepareBuiltSites(root: string, build: SiteBuilder, log: (line: string) => void = () => {}): string | null {
  const main = builtAt(path.join(root, 'dist'));
  if (main === null) return 'test:e2e: dist/ holds no built site; run `npm run build` first (or `npm test`, which builds and runs everything)';
  const subpath = builtAt(path.join(root, SUBPATH_OUT));
  if (subpath !== null && subpath >= main) return null;
  log(`test:e2e: ${SUBPATH_OUT}/ is ${subpath === null ? 'missing' : 'older than dist/'}; building it for ${SUBPATH}`);
  if (build(SUBPATH_OUT, SUBPATH) !== 0) {
    return `test:e2e: building ${SUBPATH_OUT}/ failed (see above); fix that, or run \`SITE_BASE=${SUBPATH} OUT_DIR=${SUBPATH_OUT} npm run site\` to see it alone`;
  }
  return null;
}
