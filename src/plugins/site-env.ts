// The environment variables that place the built site: SITE_BASE (the sub-path it is
// served under), SITE_URL (the origin the RSS feed's absolute links use) and OUT_DIR (the
// folder the build replaces). Read by astro.config.mjs and checked by scripts/site.ts and
// scripts/build.ts before anything runs, so a wrong value is one line naming the variable
// and the fix, not a feed of broken links or a stack trace from Astro.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A mistake in SITE_BASE, SITE_URL or OUT_DIR; the message is the whole story. */
export class SiteEnvError extends Error {}

/** One URL path segment: unreserved characters only (letters, digits, - . _ ~). */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** SITE_BASE → "/" or "/a/b/" (one leading and one trailing slash). */
export function siteBase(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith('//')) {
    throw new SiteEnvError(`SITE_BASE="${value}" is a URL, not a path: SITE_BASE is the sub-path the site is served under (e.g. SITE_BASE=/my-repo/); put the origin in SITE_URL (e.g. SITE_URL=${originOf(text) ?? 'https://me.github.io'})`);
  }
  const segments = text.split('/').filter((segment) => segment !== '');
  const bad = segments.find((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..');
  if (bad !== undefined) {
    throw new SiteEnvError(`SITE_BASE="${value}" has the path segment "${bad}": use letters, digits, "-", "_", "." and "~" only (e.g. SITE_BASE=/my-repo/), no "..", query, fragment or spaces`);
  }
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

function originOf(text: string): string | null {
  try {
    return new URL(text.startsWith('//') ? `https:${text}` : text).origin;
  } catch {
    return null;
  }
}

/** SITE_URL → the origin ("https://me.github.io"), or the local default when unset. */
export function siteUrl(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return 'http://localhost:4321';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SiteEnvError(`SITE_URL="${value}" is not a URL: SITE_URL is the origin the feed's links use, e.g. SITE_URL=https://me.github.io`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SiteEnvError(`SITE_URL="${value}" is not an http(s) origin: use e.g. SITE_URL=https://me.github.io`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SiteEnvError(`SITE_URL="${value}" has credentials, a query or a fragment: SITE_URL is the origin only, e.g. SITE_URL=${url.origin}`);
  }
  if (url.pathname !== '/') {
    throw new SiteEnvError(`SITE_URL="${value}" has a path: SITE_URL is the origin only (SITE_URL=${url.origin}) and the path goes in SITE_BASE (SITE_BASE=${url.pathname.replace(/\/?$/, '/')})`);
  }
  return url.origin;
}

/**
 * OUT_DIR → the absolute folder the build replaces. The build deletes that folder's old
 * contents, so it may not hold the project, and an existing folder must be an earlier
 * build (it has index.html) or empty: OUT_DIR=content would otherwise swap the posts away.
 */
export function outDir(value: string | undefined, projectRoot: string): string {
  const target = path.resolve(projectRoot, value === undefined || value.trim() === '' ? 'dist' : value);
  const relative = path.relative(target, projectRoot);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new SiteEnvError(`OUT_DIR="${value}" is ${relative === '' ? 'the project folder itself' : 'a folder that holds the project'}: the build replaces OUT_DIR entirely; choose a new folder, e.g. OUT_DIR=dist-preview`);
  }
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new SiteEnvError(`OUT_DIR="${value}" is a file: choose a folder, e.g. OUT_DIR=dist-preview`);
    const entries = readdirSync(target);
    if (entries.length > 0 && !entries.includes('index.html')) {
      throw new SiteEnvError(`OUT_DIR="${value}" is a folder that is not a built site (no index.html): the build replaces OUT_DIR entirely; choose a new folder, e.g. OUT_DIR=dist-preview`);
    }
  }
  return target;
}

/** Checks all three; returns the first problem as one line, or null. */
export function siteEnvProblem(env: NodeJS.ProcessEnv, projectRoot: string): string | null {
  try {
    siteBase(env.SITE_BASE);
    siteUrl(env.SITE_URL);
    outDir(env.OUT_DIR, projectRoot);
    return null;
  } catch (error) {
    if (error instanceof SiteEnvError) return error.message;
    throw error;
  }
}
