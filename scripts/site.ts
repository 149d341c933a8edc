/**
 * npm run site (and the second half of npm run build): `astro build` into a temporary
 * folder beside dist/, swapped in only when the build succeeded. Astro empties its
 * output folder before it writes, so building into dist/ directly would leave no site at
 * all after a failed, interrupted or killed build; this way dist/ is always the last
 * good site. OUT_DIR (as in astro.config.mjs) names another output folder.
 *
 * The swap is two renames (dist → .dist.old-<pid>, .dist.tmp-<pid> → dist); a build
 * killed between them is repaired by the next one, which puts the old site back first.
 * Leftovers of dead builds are removed; those of a build still running are left alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { processIsAlive } from '../pipeline/store/processes.ts';
import { FrontMatterError, readFrontMatter } from '../pipeline/post/front-matter.ts';
import { outDir, siteEnvProblem, SiteEnvError } from '../src/plugins/site-env.ts';
import { sourceUrlForProject } from '../src/plugins/source-links.ts';

const root = path.resolve(import.meta.dirname, '..');

/** REPO_URL (or package.json "repository"), which the provenance links are made from. */
function repositoryProblem(): string | null {
  try {
    sourceUrlForProject(root);
    return null;
  } catch (error) {
    if (error instanceof SiteEnvError) return error.message;
    throw error;
  }
}
// SITE_BASE, SITE_URL and OUT_DIR are checked before Astro starts: one line, not its stack.
const envProblem = siteEnvProblem(process.env, root) ?? repositoryProblem();
if (envProblem) {
  process.stderr.write(`site: ${envProblem}\n`);
  process.exit(1);
}
const target = outDir(process.env.OUT_DIR, root);
// Every post's front matter too, so a missing title is one line here, not Astro's stack.
const contentDir = path.join(root, 'content');
for (const slug of existsSync(contentDir) ? readdirSync(contentDir).sort() : []) {
  const prose = path.join(contentDir, slug, 'post.md');
  if (!existsSync(prose)) continue;
  try {
    readFrontMatter(readFileSync(prose, 'utf8'), `content/${slug}/post.md`);
  } catch (error) {
    if (!(error instanceof FrontMatterError)) throw error;
    process.stderr.write(`site: ${error.message}\n`);
    process.exit(1);
  }
}
const parent = path.dirname(target);
const name = path.basename(target);
const temp = path.join(parent, `.${name}.tmp-${process.pid}`);
const old = path.join(parent, `.${name}.old-${process.pid}`);
const LEFTOVER = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)$`);

/** Puts back a site a killed swap left aside, and deletes what dead builds left behind. */
function repairAndClean(): void {
  if (!existsSync(parent)) return;
  const leftovers = readdirSync(parent)
    .map((entry) => ({ entry, match: LEFTOVER.exec(entry) }))
    .filter(({ match }) => match !== null && !processIsAlive(Number(match[2])));
  const aside = leftovers.find(({ match }) => match![1] === 'old');
  if (!existsSync(target) && aside) {
    renameSync(path.join(parent, aside.entry), target);
    process.stdout.write(`site: restored ${name}/ from an interrupted build\n`);
  }
  for (const { entry } of leftovers) rmSync(path.join(parent, entry), { recursive: true, force: true });
}

repairAndClean();

const astro = spawn(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'build', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', OUT_DIR: temp },
});

// Ctrl-C reaches Astro too (same process group); wait for it, then clean up and stop.
let stopping: NodeJS.Signals | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = signal;
    astro.kill(signal);
  });
}

const status = await new Promise<number>((resolve) => astro.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
if (stopping || status !== 0) {
  rmSync(temp, { recursive: true, force: true });
  process.stderr.write(`\nsite: the build ${stopping ? 'was interrupted' : 'failed'}; ${path.relative(root, target) || name}/ still holds the last good site\n`);
  process.exit(stopping === 'SIGINT' ? 130 : stopping === 'SIGTERM' ? 143 : status || 1);
}

// Search: Pagefind indexes the built pages (each post's data-pagefind-body) into
// pagefind/ beside them, for src/pages/search.astro. Static files, no server.
const search = await pagefind.createIndex({});
const indexed = await search.index!.addDirectory({ path: temp });
const written = indexed.errors.length === 0 ? await search.index!.writeFiles({ outputPath: path.join(temp, 'pagefind') }) : undefined;
await pagefind.close();
if (indexed.errors.length > 0 || !written || written.errors.length > 0) {
  rmSync(temp, { recursive: true, force: true });
  process.stderr.write(`\nsite: the search index could not be built (${[...indexed.errors, ...(written?.errors ?? [])].join('; ')}); ${path.relative(root, target) || name}/ still holds the last good site\n`);
  process.exit(1);
}
process.stdout.write(`site: search index of ${indexed.page_count} pages\n`);

if (existsSync(target)) renameSync(target, old);
renameSync(temp, target);
rmSync(old, { recursive: true, force: true });
