/**
 * npm run new-post -- <slug> "<title>"   (npm run new-post -- --help)
 * Starts a post: copies scripts/post-template/ (a small, complete post that type-checks in
 * place) to content/<slug>/, with the slug, the title and today's date filled in. The
 * post has one cheap experiment, one figure, one claim, the claims ledger and the run
 * summary, so `npm run build` shows it at once; edit from there. Nothing outside
 * content/<slug>/ is touched.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliCommand } from '../pipeline/cli/command.ts';
// slug.ts, not post.ts: post.ts imports the pipeline, and --help must answer at once.
import { CONTENT_DIR, SLUG_PATTERN } from '../pipeline/post/slug.ts';

/** Longest slug: a URL segment people type, and a folder name far below the file system's 255 bytes. */
const MAX_SLUG_LENGTH = 80;

const root = path.resolve(import.meta.dirname, '..');
const templateDir = path.join(import.meta.dirname, 'post-template');
/** Added over the template with --explorable: an experiment group over four more seeds and the explorable figure `seeds`. */
const explorableDir = path.join(import.meta.dirname, 'post-template-explorable');

function fail(message: string): never {
  process.stderr.write(`new-post: ${message}\n`);
  process.exit(1);
}

/** YYYY-MM-DD in the machine's time zone: the date the author sees on their calendar. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

const program = cliCommand(
  'npm run new-post --',
  [
    'Start a post: copy scripts/post-template/ (a small, complete post that builds and type-checks as it is) to content/<slug>/, with the slug, the title and today\'s date filled in.',
    '',
    `The slug is the folder name and the URL (/<slug>/): lower-case letters, digits and dashes, starting with a letter or a digit, at most ${MAX_SLUG_LENGTH} characters (e.g. my-follow-up); it must not exist yet.`,
    '',
    'It creates content/<slug>/ with post.md (front matter and prose), post.ts (what the post computes), experiments/main.ts (one cheap experiment), figures/features.ts (one figure), claims/index.ts (one claim), measurements.ts and tests/. The post has the claims ledger and the run summary, so `npm run build` shows it at once. Nothing outside content/<slug>/ is touched; a scaffold that fails leaves nothing behind.',
  ].join('\n'),
  ['npm run new-post -- my-follow-up "A follow-up on the circle"'],
)
  .argument('<slug>', "the post's folder name and URL: lower-case letters, digits and dashes")
  .argument('<title>', 'the title, quoted (any characters)')
  .option('--explorable', 'also add an explorable figure (figures/seeds.ts and seeds.draw.ts: a slider over four more seeds; see docs/writing.md, "Explorable figures")')
  .parse();
const [slug, title] = program.processedArgs as [string, string];
const explorable = (program.opts() as { explorable?: boolean }).explorable === true;
const usage = 'usage: npm run new-post -- <slug> "<title>" (npm run new-post -- --help)';
if (slug.length > MAX_SLUG_LENGTH) fail(`the slug is ${slug.length} characters long; it becomes the post's folder name and URL, so keep it to ${MAX_SLUG_LENGTH} (e.g. ${slug.slice(0, 24).replace(/-+$/, '')})`);
if (!SLUG_PATTERN.test(slug)) fail(`"${slug}" is not a valid slug: the slug is the post's folder name and URL, so use lower-case letters, digits and dashes (e.g. my-follow-up)`);
if (title.trim() === '') fail(`the title is empty; ${usage}`);
const postDir = path.join(root, CONTENT_DIR, slug);
if (existsSync(postDir)) fail(`${CONTENT_DIR}/${slug} already exists; choose another slug, or delete that folder first`);

// YAML double-quoted scalars accept JSON string syntax, so any title survives the front matter.
const fill = (text: string) => text.replaceAll('__SLUG__', slug).replaceAll('__TITLE__', JSON.stringify(title.trim()).slice(1, -1)).replaceAll('__DATE__', today());

// Written one level below content/ (where nothing looks for posts), then renamed into
// place: an interrupted scaffold leaves no half post.
const stagingRoot = path.join(root, CONTENT_DIR, '.new-post');
let staging: string | undefined;
let failure: Error | undefined;
try {
  mkdirSync(stagingRoot, { recursive: true });
  staging = mkdtempSync(path.join(stagingRoot, `${slug}-`));
  cpSync(templateDir, staging, { recursive: true });
  if (explorable) addExplorableFigure(staging);
  for (const file of filesUnder(staging)) writeFileSync(file, fill(readFileSync(file, 'utf8')));
  renameSync(staging, postDir);
  // mkdtemp made the folder private; give it the permissions any new folder gets.
  chmodSync(postDir, 0o777 & ~process.umask());
} catch (error) {
  failure = error as Error;
}
// Whatever happened, nothing is left half-made: the staging folder goes, and so does
// content/.new-post/ when nothing else is in it.
try {
  if (staging) rmSync(staging, { recursive: true, force: true });
  if (statSync(stagingRoot, { throwIfNoEntry: false })?.isDirectory() && readdirSync(stagingRoot).length === 0) rmSync(stagingRoot, { recursive: true, force: true });
} catch {
  // cleaning up is best effort; the failure below is what the user needs to read
}
if (failure) fail(`could not create ${CONTENT_DIR}/${slug}: ${failure.message}`);

/**
 * The explorable figure's files, and the lines that wire them in: its experiments as a
 * second group and the figure in post.ts, and a paragraph placing it in post.md.
 */
function addExplorableFigure(dir: string): void {
  cpSync(explorableDir, dir, { recursive: true });
  const edit = (file: string, anchor: string, replacement: string) => {
    const full = path.join(dir, file);
    const text = readFileSync(full, 'utf8');
    if (!text.includes(anchor)) throw new Error(`the template's ${file} lacks "${anchor}", where the explorable figure is added`);
    writeFileSync(full, text.replace(anchor, replacement));
  };
  edit('post.ts', "import features from './figures/features.ts';", "import features from './figures/features.ts';\nimport { seedExperiments } from './experiments/seeds.ts';\nimport seeds from './figures/seeds.ts';");
  edit('post.ts', "experiments: mainExperiments }];", "experiments: mainExperiments }, { file: 'content/__SLUG__/experiments/seeds.ts', experiments: seedExperiments }];");
  edit('post.ts', 'const figures = [features];', 'const figures = [features, seeds];');
  edit('post.md', '::figure[features]\n', '::figure[features]\n\nOther seeds put the features elsewhere: move the slider under :ref[fig:seeds] to compare\n:num[seeds.count] of them.\n\n::figure[seeds]\n');
}

const relative = `${CONTENT_DIR}/${slug}`;
process.stdout.write(
  [
    `created ${relative}/ (${filesUnder(postDir).length} files): post.md, post.ts, experiments/, figures/, claims/, measurements.ts, tests/`,
    'next:',
    `  edit ${relative}/post.md (the prose) and the modules beside it`,
    '  npm run build          # trains what is missing, renders figures, builds dist/',
    '  npm run preview        # look at it',
    '  npm run test:update    # record its SVG snapshots and screenshots, then review them',
    '  npm test',
    '',
  ].join('\n'),
);
