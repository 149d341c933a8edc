/**
 * Renders one post's generated tables into figures/<slug>/tables/<id>.html, plus any
 * files a table writes next to itself (runs.csv), and figures/<slug>/tables/manifest.json,
 * which the site reads for `::table[id]` and for the tables' numbers. Like figures, a
 * table is re-rendered only when its inputs change: the code it runs (the import closure
 * of the modules it names in `code`, else of its post's post.ts), its data, the files it
 * reads, and the hash of every run it reads;
 * and, like figures, a cached table is used only when its files hash to what its
 * checksummed manifest entry records.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Table } from '../post/table.ts';
import { callRender, entryChecksum, RenderError } from './figures.ts';
import { tableHtmlProblem } from '../render/sanitize.ts';
import type { LoadedRun } from '../store/types.ts';
import { canonicalJson, REPO_ROOT, sha256, sourceHash } from '../store/provenance.ts';
import { writeFileAtomic } from '../store/runStore.ts';

export const TABLES_DIR = 'tables';
export const TABLES_MANIFEST = 'manifest.json';

export interface TableEntry {
  /** HTML fragment file, relative to the tables directory. */
  file: string;
  /** Further files the table wrote, relative to the tables directory. */
  files: string[];
  /** How many runs the table read, and one hash over their ids and provenance hashes (runs.csv lists them one by one). */
  runCount: number;
  runsHash: string;
  numbers: Record<string, string>;
  inputsHash: string;
  /** sha256 of each file written (the HTML fragment and the extra files). */
  fileSha256: Record<string, string>;
  entryChecksum: string;
}

export interface TablesManifest {
  tables: Record<string, TableEntry>;
}

function entryIsIntact(entry: TableEntry | undefined, tablesDir: string): entry is TableEntry {
  if (!entry || typeof entry.file !== 'string' || !Array.isArray(entry.files) || entry.entryChecksum !== entryChecksum(entry)) return false;
  return [entry.file, ...entry.files].every((name) => {
    const file = path.join(tablesDir, name);
    return existsSync(file) && sha256(readFileSync(file)) === entry.fileSha256?.[name];
  });
}

export function readTablesManifest(tablesDir: string): TablesManifest | null {
  const file = path.join(tablesDir, TABLES_MANIFEST);
  if (!existsSync(file)) return null;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as TablesManifest;
    return manifest && typeof manifest.tables === 'object' && manifest.tables !== null ? manifest : null;
  } catch {
    return null;
  }
}

export interface RenderTablesOptions {
  /** The tables directory (figures/<slug>/tables). */
  tablesDir: string;
  /** Repo-relative module whose import closure is the code of a table that names none (the post's post.ts). */
  source: string;
  runHashes: ReadonlyMap<string, string>;
  loadRun(experimentId: string): LoadedRun;
  line(text: string): void;
  force?: boolean;
  /** Root that table `inputs` and source files are relative to (tests point it at a copy). */
  root?: string;
  /** Time limit of one render() (tests shorten it). */
  timeLimitMs?: number;
}

/** What is wrong with a table's render() result, or null: safe HTML, string numbers, text files. */
function tableOutputProblem(output: unknown): string | null {
  if (typeof output !== 'object' || output === null) return `render() returned ${output === null ? 'null' : typeof output}, not { html, numbers }`;
  if (typeof (output as { then?: unknown }).then === 'function') return `render() returned a Promise; render() must return { html, numbers } synchronously (no async render)`;
  const { html, numbers, files } = output as Record<string, unknown>;
  const htmlIssue = tableHtmlProblem(html);
  if (htmlIssue) return htmlIssue;
  if (typeof numbers !== 'object' || numbers === null || Array.isArray(numbers)) return 'its "numbers" is not an object of formatted strings';
  const notText = Object.entries(numbers).find(([, value]) => typeof value !== 'string');
  if (notText) return `its number "${notText[0]}" is a ${typeof notText[1]}, not a formatted string`;
  if (files !== undefined) {
    if (typeof files !== 'object' || files === null || Array.isArray(files)) return 'its "files" is not an object of file name → text';
    const notFile = Object.entries(files).find(([, content]) => typeof content !== 'string');
    if (notFile) return `its file "${notFile[0]}" is a ${typeof notFile[1]}, not text`;
  }
  return null;
}

/**
 * The cache key of a table: its code (the closure of `table.code`, or of the post's
 * post.ts when it does not say), its data, the files it reads and its runs.
 */
export function tableInputsHash(table: Table, source: string, runs: { id: string; hash: string }[], root = REPO_ROOT): string {
  const inputs = (table.inputs ?? []).map((file) => ({ file, hash: sha256(readFileSync(path.join(root, file))) }));
  const code = sourceHash(table.code && table.code.length > 0 ? [...table.code].sort() : [source], root);
  return sha256(canonicalJson({ id: table.id, code, ...(table.data === undefined ? {} : { data: table.data }), inputs, runs }));
}

export function renderTables(tables: readonly Table[], options: RenderTablesOptions): TablesManifest {
  const { tablesDir, runHashes } = options;
  const previous = readTablesManifest(tablesDir);
  const manifest: TablesManifest = { tables: {} };
  let upToDate = 0;
  // Written together after the last table is rendered, then the manifest: a reader (the
  // dev server) never waits through a render to find the files and manifest agreeing again.
  const rendered: [string, string][] = [];
  for (const table of tables) {
    const runs = table.needs.map((id) => {
      const hash = runHashes.get(id);
      if (!hash) throw new Error(`table "${table.id}" (${options.source}) needs experiment "${id}", which has no run`);
      return { id, hash };
    });
    const inputsHash = tableInputsHash(table, options.source, runs, options.root);
    const file = `${table.id}.html`;
    const old = previous?.tables[table.id];
    if (!options.force && entryIsIntact(old, tablesDir) && old.inputsHash === inputsHash && old.file === file) {
      manifest.tables[table.id] = old;
      upToDate += 1;
    } else {
      const started = Date.now();
      const runSet = new Map(table.needs.map((id) => [id, options.loadRun(id)]));
      const what = `table "${table.id}"`;
      const output = callRender(what, options.source, () => table.render(runSet), options.timeLimitMs, options.root);
      const problem = tableOutputProblem(output);
      if (problem) throw new RenderError(`${options.source}: ${what} returned unusable output: ${problem}; fix its render()`);
      for (const key of Object.keys(output.numbers)) {
        if (!key.startsWith(`${table.id}.`)) throw new RenderError(`table "${table.id}" (${options.source}) exports number "${key}"; number keys must start with "${table.id}."`);
      }
      const extra = Object.entries(output.files ?? {});
      for (const [name] of extra) {
        if (name !== path.basename(name) || name === TABLES_MANIFEST || name.endsWith('.html')) {
          throw new RenderError(`table "${table.id}" writes file "${name}"; extra files must be plain names other than ${TABLES_MANIFEST} and *.html`);
        }
      }
      const written: [string, string][] = [[file, `${output.html}\n`], ...extra];
      rendered.push(...written);
      const entry = {
        file,
        files: extra.map(([name]) => name),
        runCount: runs.length,
        runsHash: sha256(canonicalJson(runs)),
        numbers: output.numbers,
        inputsHash,
        fileSha256: Object.fromEntries(written.map(([name, content]) => [name, sha256(content)])),
      };
      manifest.tables[table.id] = { ...entry, entryChecksum: entryChecksum(entry) };
      options.line(`table ${table.id}  rendered in ${Date.now() - started} ms`);
    }
  }
  if (upToDate > 0) options.line(`tables: ${upToDate} of ${tables.length} up to date`);
  for (const [name, content] of rendered) writeFileAtomic(path.join(tablesDir, name), content);
  // Nothing stale may be served: remove files no current table owns.
  const owned = new Set([TABLES_MANIFEST, ...Object.values(manifest.tables).flatMap((entry) => [entry.file, ...entry.files])]);
  if (existsSync(tablesDir)) {
    for (const name of readdirSync(tablesDir)) if (!owned.has(name) && !name.includes('.tmp-')) rmSync(path.join(tablesDir, name), { recursive: true });
  }
  writeFileAtomic(path.join(tablesDir, TABLES_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
