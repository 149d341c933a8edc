/**
 * A post's front matter (the YAML between the --- lines of content/<slug>/post.md),
 * checked completely before Astro sees it: the fields the site uses, with their types,
 * nothing unknown (a misspelt field is a field silently missing), booleans that are
 * booleans and dates that exist on a calendar (YAML reads 2026-02-30 as 2 March). It is
 * parsed by the same function Astro uses (@astrojs/markdown-remark), so what passes here
 * is what the site gets. Checked by the pipeline (loadPost), by `npm run site` before
 * Astro starts, and by the site itself (src/lib/posts.ts) for `astro dev`.
 */
// The package's own front-matter module, not its index: the index also loads the whole
// remark/rehype toolchain (~0.3 s), which every CLI would pay for on start (issue 26) to
// read a few lines of YAML. tests/unit/robustness-front-matter.test.ts checks that this is the very
// function the index exports, the one Astro calls.
import { parseFrontmatter } from '../../node_modules/@astrojs/markdown-remark/dist/frontmatter.js';
import { z } from 'astro/zod';

/** A post.md whose front matter is wrong: one line naming the file, the line, the field and the fix. */
export class FrontMatterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrontMatterError';
    // The message already says where and what to do. Astro (src/lib/posts.ts checks here
    // for `astro dev`) prints a "Stack trace:" heading for any stack, even one Vite
    // rewrites: the stack stays empty.
    Object.defineProperty(this, 'stack', { get: () => '', set: () => {}, configurable: true, enumerable: false });
  }
}

const text = z.string().trim().min(1);
const schema = z
  .object({
    title: text,
    subtitle: text.optional(),
    summary: text,
    // YAML gives a Date for YYYY-MM-DD and a string otherwise; the text is checked below.
    date: z.union([z.date(), z.string()]),
    tags: z.array(text).optional(),
    draft: z.boolean().optional(),
  })
  .strict();

export type PostFrontMatter = Omit<z.infer<typeof schema>, 'date'> & { date: Date };

const FIELDS = Object.keys(schema.shape);

/** How each field is written, for the messages. */
const EXAMPLE: Record<string, string> = {
  title: 'title: When training misses the circle',
  subtitle: 'subtitle: One line under the title',
  summary: 'summary: One or two sentences for the index and the feed',
  date: 'date: 2026-12-01',
  tags: 'tags: [superposition, optimization]',
  draft: 'draft: true (or false)',
};

function shown(value: unknown): string {
  if (value === null) return 'empty';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  return `${typeof value === 'object' ? 'a mapping' : `the ${typeof value}`} ${typeof value === 'object' ? '' : String(value)}`.trim();
}

/** The text after "date:" in the raw front matter, unquoted. */
function rawValue(raw: string, field: string): string | null {
  const match = new RegExp(`^${field}:[ \\t]*(.*?)[ \\t]*$`, 'm').exec(raw);
  return match ? match[1].replace(/^(['"])(.*)\1$/, '$2') : null;
}

/** Whether YYYY-MM-DD names a day that exists. */
function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The front matter of `markdown` (the text of `file`, repo-relative as shown), checked;
 * throws a FrontMatterError naming the first problem.
 */
export function readFrontMatter(markdown: string, file: string): PostFrontMatter {
  let parsed: { frontmatter: Record<string, unknown>; rawFrontmatter: string };
  try {
    parsed = parseFrontmatter(markdown);
  } catch (error) {
    // js-yaml: reason, and a mark whose 0-based line counts within the text after "---"
    // (which starts with the rest of that line): file line = mark line + 1.
    const { reason, mark } = error as { reason?: string; mark?: { line: number; column: number } };
    const where = mark ? `${file}:${mark.line + 1}:${mark.column + 1}` : file;
    throw new FrontMatterError(`${where}: the front matter is not valid YAML (${reason ?? (error as Error).message.split('\n')[0]}); write one "field: value" per line, and quote values that hold a colon`);
  }
  const { frontmatter, rawFrontmatter: raw } = parsed;
  if (raw === '') throw new FrontMatterError(`${file}: has no front matter; start the file with --- lines holding at least ${EXAMPLE.title.split(':')[0]}, summary and date (e.g. ${EXAMPLE.date})`);
  const lineOf = (field: string) => {
    // raw starts right after the first "---", so its line k is the file's line k + 1.
    const index = raw.split('\n').findIndex((line) => line.startsWith(`${field}:`));
    return index < 0 ? file : `${file}:${index + 1}`;
  };
  const result = schema.safeParse(frontmatter);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const [key] = issue.keys;
      throw new FrontMatterError(`${lineOf(key)}: unknown front matter field "${key}"; the fields are ${FIELDS.join(', ')} (a misspelt field would be silently missing)`);
    }
    const field = String(issue.path[0]);
    const value = frontmatter[field];
    if (value === undefined) {
      throw new FrontMatterError(`${file}: front matter field "${field}" is missing; add e.g. "${EXAMPLE[field]}" between the --- lines`);
    }
    const position = issue.path.length > 1 ? ` (item ${Number(issue.path[1]) + 1})` : '';
    throw new FrontMatterError(`${lineOf(field)}: front matter field "${field}"${position} is ${shown(issue.path.length > 1 ? (value as unknown[])[Number(issue.path[1])] : value)}; write it as "${EXAMPLE[field]}"`);
  }
  const dateText = rawValue(raw, 'date') ?? '';
  if (!isCalendarDate(dateText)) {
    const shape = /^\d{4}-\d{2}-\d{2}$/.test(dateText) ? 'not a day on the calendar' : 'not a date written as YYYY-MM-DD';
    throw new FrontMatterError(`${lineOf('date')}: front matter field "date" is ${JSON.stringify(dateText)}, ${shape}; write it as "${EXAMPLE.date}"`);
  }
  return { ...result.data, date: new Date(`${dateText}T00:00:00Z`) };
}

/** Whether a post.md's front matter says `draft: true` (drafts are built by `npm run dev` only). */
export function isDraftProse(markdown: string): boolean {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown);
  return front !== null && /^draft:\s*true\s*$/m.test(front[1]);
}
