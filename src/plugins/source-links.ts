// Where a figure's provenance line links: the module that drew it and the experiment
// files behind it, on the repository host. One place decides the URL, in this order:
//
//   1. REPO_URL: a repository URL (https://github.com/me/fork) or a template holding
//      {path} (https://gitlab.com/me/fork/-/blob/main/{path}) for other hosts;
//   2. GitHub Actions' own variables (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA),
//      so a fork's CI build links the fork at the commit it built;
//   3. "repository" in package.json.
//
// A repository URL links `<url>/blob/<ref>/<path>`, with REPO_REF (default: GITHUB_SHA in
// GitHub Actions, else "main"). With none of them set the paths are shown unlinked.

import { SiteEnvError } from './site-env.ts';
import fs from 'node:fs';
import path from 'node:path';

/** Repo-relative path → URL of that file on the repository host. */
export type SourceUrl = (repoPath: string) => string;

export interface SourceLinkEnvironment {
  REPO_URL?: string;
  REPO_REF?: string;
  GITHUB_ACTIONS?: string;
  GITHUB_SERVER_URL?: string;
  GITHUB_REPOSITORY?: string;
  GITHUB_SHA?: string;
}

/** The URL maker for this build, or undefined when no repository is configured. */
export function sourceUrlFrom(env: SourceLinkEnvironment, packageJson: { repository?: unknown }): SourceUrl | undefined {
  const inActions = env.GITHUB_ACTIONS === 'true' && !!env.GITHUB_SERVER_URL && !!env.GITHUB_REPOSITORY;
  const ref = env.REPO_REF || (inActions && env.GITHUB_SHA) || 'main';
  const configured = env.REPO_URL?.trim();
  if (configured) return fromTemplate(configured, ref, 'REPO_URL');
  if (inActions) return fromTemplate(`${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`, ref, 'GITHUB_REPOSITORY');
  const repository = packageJson.repository;
  const url = typeof repository === 'string' ? repository : isRecord(repository) && typeof repository.url === 'string' ? repository.url : undefined;
  if (url) return fromTemplate(normalizeRepositoryUrl(url), ref, 'package.json "repository"');
  return undefined;
}

/** Reads package.json at the project root and the process environment. */
export function sourceUrlForProject(projectRoot: string, env: SourceLinkEnvironment = process.env as SourceLinkEnvironment): SourceUrl | undefined {
  const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { repository?: unknown };
  return sourceUrlFrom(env, packageJson);
}

function fromTemplate(value: string, ref: string, origin: string): SourceUrl {
  if (!/^https?:\/\//.test(value) || !URL.canParse(value.replaceAll('{path}', 'x'))) {
    throw new SiteEnvError(`${origin} must be an http(s) URL of the repository (or a template with {path}), got ${JSON.stringify(value)}; e.g. REPO_URL=https://github.com/me/my-fork`);
  }
  if (value.includes('{path}')) return (repoPath) => value.replaceAll('{path}', encodePath(repoPath));
  const base = value.replace(/\/+$/, '').replace(/\.git$/, '');
  return (repoPath) => `${base}/blob/${encodeURIComponent(ref)}/${encodePath(repoPath)}`;
}

/** npm's forms: "git+https://host/o/r.git", "https://host/o/r", "github:o/r", "o/r". */
function normalizeRepositoryUrl(url: string): string {
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+)$/.exec(url);
  if (shorthand) {
    const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[shorthand[1] ?? 'github'];
    return `https://${host}/${shorthand[2]}/${shorthand[3]}`;
  }
  return url
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^ssh:\/\/git@/, 'https://')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/\.git$/, '');
}

function encodePath(repoPath: string): string {
  return repoPath.split('/').map(encodeURIComponent).join('/');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
