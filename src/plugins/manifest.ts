// Reads `figures/<slug>/manifest.json`, the hand-over point between the pipeline (which
// renders figures and computes numbers) and the site (which only places them).
// The site never computes anything: a missing or malformed manifest is a build error
// that says which command produces it. Every entry carries a checksum over its fields
// and the sha256 of its files, both checked here, so a hand-edited number or a
// truncated SVG fails the build instead of reaching the page.

import fs from 'node:fs';
import path from 'node:path';
import { svgProblem, tableHtmlProblem } from '../../pipeline/render/sanitize.ts';
import { ArticleBuildError, displayPath } from './errors.ts';
import { entryChecksum, STALE_FILE, type ExploreEntry } from '../../pipeline/stages/figures.ts';
import { controlsProblem } from '../../pipeline/post/explorable.ts';
import { sha256 } from '../../pipeline/store/provenance.ts';

export interface FigureRun {
  id: string;
  hash: string;
}

export interface FigureEntry {
  /** SVG file name, relative to the figures directory. */
  file: string;
  /** Written by the author; may contain `$inline math$` and Markdown emphasis. */
  caption: string;
  /** Generated line: runs, seeds, steps, final loss. */
  provenance: string;
  runs: FigureRun[];
  numbers: Record<string, string>;
  /** Repo-relative module that drew the figure; the provenance line links it. */
  source: string;
  /** Repo-relative files defining the experiments behind it; linked too. */
  experimentFiles: string[];
  svgSha256: string;
  /** The SVG rasterised, and the data it plots, beside it: the reader's downloads. */
  png: string;
  pngSha256: string;
  csv: string;
  csvSha256: string;
  /** Explorable figures: the controls the page offers, the data file and the draw module it loads. */
  explore?: ExploreEntry;
  entryChecksum: string;
}

export interface FigureManifest {
  figures: Record<string, FigureEntry>;
  numbers: Record<string, string>;
}

export const MANIFEST_FILE = 'manifest.json';

const HOW_TO_MAKE_IT = 'Run `npm run pipeline` to render the figures (or `npm run build` for pipeline and site together).';

export function loadManifest(figuresDir: string): FigureManifest {
  const manifestPath = path.join(figuresDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ArticleBuildError({ file: manifestPath }, 'figure manifest not found.', [
        `The article places figures and numbers from ${displayPath(manifestPath)}, which does not exist yet.`,
        `Fix: ${HOW_TO_MAKE_IT}`,
      ]);
    }
    throw error;
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ArticleBuildError(
      { file: manifestPath },
      `figure manifest is not valid JSON (${(error as Error).message}).`,
      [`Fix: ${HOW_TO_MAKE_IT} It rewrites the manifest.`],
    );
  }
  return validateManifest(data, manifestPath);
}

function validateManifest(data: unknown, manifestPath: string): FigureManifest {
  const problems: string[] = [];
  const figures: Record<string, FigureEntry> = {};
  const numbers: Record<string, string> = {};

  if (!isRecord(data)) {
    problems.push('the top level must be an object with "figures"');
  } else {
    if (!isRecord(data.figures)) problems.push('"figures" must be an object keyed by figure id');
    else {
      for (const [id, entry] of Object.entries(data.figures)) {
        const figureProblems = figureEntryProblems(entry);
        if (figureProblems.length > 0) problems.push(...figureProblems.map((problem) => `figures["${id}"]: ${problem}`));
        else {
          figures[id] = entry as FigureEntry;
          for (const [key, value] of Object.entries(figures[id].numbers)) {
            if (typeof value !== 'string' || value.trim() === '') {
              problems.push(`figures["${id}"].numbers["${key}"] must be a non-empty string, got ${JSON.stringify(value)}`);
            } else numbers[key] = value;
          }
        }
      }
    }
  }

  if (problems.length > 0) {
    throw new ArticleBuildError({ file: manifestPath }, 'figure manifest does not have the expected shape.', [
      ...problems,
      `Fix: the manifest is generated; repair the pipeline's manifest writer, then ${HOW_TO_MAKE_IT.charAt(0).toLowerCase()}${HOW_TO_MAKE_IT.slice(1)}`,
    ]);
  }
  return { figures, numbers };
}

function figureEntryProblems(entry: unknown): string[] {
  if (!isRecord(entry)) return ['must be an object'];
  const problems: string[] = [];
  if (typeof entry.file !== 'string' || !entry.file.endsWith('.svg')) problems.push('"file" must name an .svg file');
  else if (path.isAbsolute(entry.file) || entry.file.split(/[\\/]/).includes('..')) {
    problems.push('"file" must be a path inside the figures directory');
  }
  for (const [field, extension] of [['png', '.png'], ['csv', '.csv']] as const) {
    const file = entry[field];
    if (typeof file !== 'string' || !file.endsWith(extension) || file.includes('/') || file.includes('\\')) problems.push(`"${field}" must name a ${extension} file beside the SVG`);
    if (typeof entry[`${field}Sha256`] !== 'string') problems.push(`"${field}Sha256" must be the sha256 of the ${extension} file`);
  }
  if (typeof entry.caption !== 'string') problems.push('"caption" must be a string');
  if (typeof entry.provenance !== 'string') problems.push('"provenance" must be a string');
  if (
    !Array.isArray(entry.runs) ||
    !entry.runs.every((run) => isRecord(run) && typeof run.id === 'string' && typeof run.hash === 'string')
  ) {
    problems.push('"runs" must be an array of { id, hash } strings');
  }
  if (!isRecord(entry.numbers)) problems.push('"numbers" must be an object mapping keys to display strings');
  if (typeof entry.source !== 'string' || !isRepoPath(entry.source)) problems.push('"source" must be the repo-relative path of the figure module');
  if (!Array.isArray(entry.experimentFiles) || !entry.experimentFiles.every((file) => typeof file === 'string' && isRepoPath(file))) {
    problems.push('"experimentFiles" must be an array of repo-relative paths');
  }
  if (entry.explore !== undefined) problems.push(...exploreEntryProblems(entry.explore));
  if (problems.length === 0 && entry.entryChecksum !== entryChecksum(entry)) {
    problems.push('its checksum does not match its fields (the manifest was edited by hand or written by other code)');
  }
  return problems;
}

/** What is wrong with an explorable figure's entry: the page turns each field into markup or a URL. */
function exploreEntryProblems(explore: unknown): string[] {
  if (!isRecord(explore)) return ['"explore" must be an object'];
  const problems: string[] = [];
  const controls = controlsProblem(explore.controls);
  if (controls) problems.push(`"explore": ${controls}`);
  if (typeof explore.data !== 'string' || !/^[A-Za-z0-9_-]+\.data\.json$/.test(explore.data)) problems.push('"explore.data" must name a .data.json file beside the SVG');
  if (typeof explore.dataSha256 !== 'string') problems.push('"explore.dataSha256" must be the sha256 of the data file');
  if (typeof explore.draw !== 'string' || !isRepoPath(explore.draw) || !/^content\/[^/]+\/figures\/[^/]+\.draw\.ts$/.test(explore.draw)) problems.push('"explore.draw" must be the repo-relative draw module, content/<slug>/figures/<id>.draw.ts');
  return problems;
}

/** A relative path inside the repository (no "..", not absolute): safe to put into a link. */
function isRepoPath(file: string): boolean {
  return file !== '' && !path.isAbsolute(file) && !file.split(/[\\/]/).includes('..');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The SVG text ready to inline in HTML: the XML prolog and doctype are dropped
 * (they are only valid at the top of a standalone document).
 */
export function readFigureSvg(figuresDir: string, id: string, entry: FigureEntry): string {
  const svgPath = path.join(figuresDir, entry.file);
  let text: string;
  try {
    text = fs.readFileSync(svgPath, 'utf8');
  } catch (error) {
    throw new ArticleBuildError(
      { file: path.join(figuresDir, MANIFEST_FILE) },
      `figure "${id}" lists ${entry.file}, but ${displayPath(svgPath)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      [`Fix: ${HOW_TO_MAKE_IT}`],
    );
  }
  if (sha256(text) !== entry.svgSha256) {
    throw new ArticleBuildError({ file: svgPath }, `figure "${id}" is not the SVG the pipeline wrote (its sha256 differs from the manifest's; truncated or edited?).`, [
      `Fix: ${HOW_TO_MAKE_IT}`,
    ]);
  }
  const svg = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^\s*<!DOCTYPE[^>]*>/i, '')
    .trim();
  if (!/^<svg[\s>]/.test(svg)) {
    throw new ArticleBuildError({ file: svgPath }, `figure "${id}" is not a standalone SVG (it must start with <svg).`, [
      `Fix: ${HOW_TO_MAKE_IT}`,
    ]);
  }
  // The pipeline checks what a figure module returns; this checks what is inlined, in case
  // figures/ came from elsewhere (a fork, a hand-made manifest).
  const problem = svgProblem(svg);
  if (problem) throw new ArticleBuildError({ file: svgPath }, `figure "${id}" may not be published: ${problem}.`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  return svg;
}

/**
 * A figure's download (its SVG, PNG or CSV) as the pipeline wrote it: read and checked
 * against the sha256 in the manifest, so the site never serves a file other code left.
 */
export function readFigureFile(figuresDir: string, id: string, entry: FigureEntry, kind: 'svg' | 'png' | 'csv' | 'data'): Buffer {
  if (kind === 'data' && !entry.explore) throw new ArticleBuildError({ file: path.join(figuresDir, MANIFEST_FILE) }, `figure "${id}" has no data file: it declares no controls.`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  const name = kind === 'svg' ? entry.file : kind === 'data' ? entry.explore!.data : entry[kind];
  const expected = kind === 'svg' ? entry.svgSha256 : kind === 'data' ? entry.explore!.dataSha256 : entry[`${kind}Sha256`];
  const file = path.join(figuresDir, name);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new ArticleBuildError(
      { file: path.join(figuresDir, MANIFEST_FILE) },
      `figure "${id}" lists ${name}, but ${displayPath(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      [`Fix: ${HOW_TO_MAKE_IT}`],
    );
  }
  if (sha256(bytes) !== expected) {
    throw new ArticleBuildError({ file }, `figure "${id}": ${name} is not the file the pipeline wrote (its sha256 differs from the manifest's; truncated or edited?).`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  }
  return bytes;
}

/** Values of every `id="…"` attribute in an SVG string. */
export function svgElementIds(svg: string): string[] {
  return [...svg.matchAll(/\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((match) => match[1] ?? match[2] ?? '');
}

// ── Generated tables (figures/<slug>/tables/, written by pipeline/stages/tables.ts) ──

export const TABLES_DIR = 'tables';

export interface TableEntry {
  /** HTML fragment file, relative to the tables directory. */
  file: string;
  fileSha256: Record<string, string>;
}

export interface TablesManifest {
  tables: Record<string, TableEntry>;
  numbers: Record<string, string>;
}

/**
 * `figures/<slug>/tables/manifest.json`, or empty when the pipeline has written no tables yet
 * (then any `::table[id]` is reported as an unknown id, with the command that makes it).
 */
export function loadTablesManifest(figuresDir: string): TablesManifest {
  const manifestPath = path.join(figuresDir, TABLES_DIR, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { tables: {}, numbers: {} };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ArticleBuildError({ file: manifestPath }, `table manifest is not valid JSON (${(error as Error).message}).`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  }
  const problems: string[] = [];
  const tables: Record<string, TableEntry> = {};
  const numbers: Record<string, string> = {};
  if (!isRecord(data) || !isRecord(data.tables)) {
    problems.push('the top level must be an object with "tables"');
  } else {
    for (const [id, entry] of Object.entries(data.tables)) {
      if (!isRecord(entry) || typeof entry.file !== 'string' || !entry.file.endsWith('.html') || path.isAbsolute(entry.file) || entry.file.split(/[\\/]/).includes('..')) {
        problems.push(`tables["${id}"]: "file" must name an .html file inside the tables directory`);
      } else if (!isRecord(entry.numbers) || !isRecord(entry.fileSha256) || entry.entryChecksum !== entryChecksum(entry)) {
        problems.push(`tables["${id}"]: its checksum does not match its fields (the manifest was edited by hand or written by other code)`);
      } else {
        tables[id] = { file: entry.file, fileSha256: entry.fileSha256 as Record<string, string> };
        for (const [key, value] of Object.entries(entry.numbers)) {
          if (typeof value !== 'string' || value.trim() === '') problems.push(`tables["${id}"].numbers["${key}"] must be a non-empty string`);
          else numbers[key] = value;
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new ArticleBuildError({ file: manifestPath }, 'table manifest does not have the expected shape.', [...problems, `Fix: ${HOW_TO_MAKE_IT}`]);
  }
  return { tables, numbers };
}

/** The table's HTML fragment, ready to place in the page. */
export function readTableHtml(figuresDir: string, id: string, entry: TableEntry): string {
  const file = path.join(figuresDir, TABLES_DIR, entry.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ArticleBuildError(
      { file: path.join(figuresDir, TABLES_DIR, MANIFEST_FILE) },
      `table "${id}" lists ${entry.file}, but ${displayPath(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      [`Fix: ${HOW_TO_MAKE_IT}`],
    );
  }
  if (sha256(text) !== entry.fileSha256[entry.file]) {
    throw new ArticleBuildError({ file }, `table "${id}" is not the HTML the pipeline wrote (its sha256 differs from the manifest's; truncated or edited?).`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  }
  const problem = tableHtmlProblem(text);
  if (problem) throw new ArticleBuildError({ file }, `table "${id}" may not be published: ${problem}.`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  return text.trim();
}

// ── Stale figures and tables (figures/<slug>/stale.json, written by the dev loop) ──

export { STALE_FILE };

/** What the dev loop could not bring up to date without long training. */
export interface StaleNote {
  /** Experiment ids whose runs are missing. */
  experiments: string[];
  /** The command that trains them. */
  command: string;
}

export interface StaleManifest {
  file: string;
  figures: Record<string, StaleNote>;
  tables: Record<string, StaleNote>;
}

/**
 * `figures/<slug>/stale.json`, or null when there is none (the usual case: a full
 * `npm run pipeline` removes it). Only `npm run dev` writes it.
 */
export function loadStale(figuresDir: string): StaleManifest | null {
  const file = path.join(figuresDir, STALE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const notes = (value: unknown): Record<string, StaleNote> => {
    const out: Record<string, StaleNote> = {};
    if (!isRecord(value)) return out;
    for (const [id, note] of Object.entries(value)) {
      if (isRecord(note) && Array.isArray(note.experiments) && typeof note.command === 'string') {
        out[id] = { experiments: note.experiments.map(String), command: note.command };
      }
    }
    return out;
  };
  try {
    const data = JSON.parse(text) as unknown;
    return { file, figures: notes(isRecord(data) ? data.figures : undefined), tables: notes(isRecord(data) ? data.tables : undefined) };
  } catch (error) {
    throw new ArticleBuildError({ file }, `the dev loop's stale note is not valid JSON (${(error as Error).message}).`, [`Fix: ${HOW_TO_MAKE_IT}`]);
  }
}

// ── One consistent reading of a post's pipeline output ──

/** What a page reads from figures/<slug>/: both manifests and every file they list, each verified. */
export interface PublishedOutput {
  manifest: FigureManifest;
  tablesManifest: TablesManifest;
  /** The verified SVG of each figure, or the error reading it gave (thrown where the figure is placed). */
  svg(id: string, entry: FigureEntry): string;
  /** The verified HTML of each table, likewise. */
  tableHtml(id: string, entry: TableEntry): string;
}

/** How long a reader waits for a pipeline that is replacing a post's output to finish. */
const CONSISTENT_READ_ATTEMPTS = 40;
const CONSISTENT_READ_PAUSE_MS = 50;

/**
 * Reads a post's output as the pipeline published it, whole. The pipeline writes a
 * post's new files first and its manifests last (pipeline/stages/figures.ts, tables.ts),
 * each file atomically; a page rendered between the two (`npm run dev` serves while a pass
 * runs) would find a new SVG under an old manifest and fail ("not the SVG the pipeline
 * wrote": the HTTP 500 of issue 26). So every listed file is read and verified up front,
 * and a mismatch is read again, a few milliseconds later, until the manifests and files
 * agree; only a mismatch that stays (a file truncated or edited by hand) is an error,
 * after about two seconds.
 */
export function loadPublished(figuresDir: string): PublishedOutput {
  for (let attempt = 1; ; attempt++) {
    const manifest = loadManifest(figuresDir);
    const tablesManifest = loadTablesManifest(figuresDir);
    const svgs = new Map<string, string | ArticleBuildError>();
    const htmls = new Map<string, string | ArticleBuildError>();
    let mismatch = false;
    const attemptRead = (read: () => string): string | ArticleBuildError => {
      try {
        return read();
      } catch (error) {
        if (!(error instanceof ArticleBuildError)) throw error;
        mismatch = true;
        return error;
      }
    };
    for (const [id, entry] of Object.entries(manifest.figures)) svgs.set(id, attemptRead(() => readFigureSvg(figuresDir, id, entry)));
    for (const [id, entry] of Object.entries(tablesManifest.tables)) htmls.set(id, attemptRead(() => readTableHtml(figuresDir, id, entry)));
    if (!mismatch || attempt >= CONSISTENT_READ_ATTEMPTS) {
      const pick = (found: string | ArticleBuildError | undefined, read: () => string) => {
        if (found === undefined) return read();
        if (found instanceof ArticleBuildError) throw found;
        return found;
      };
      return {
        manifest,
        tablesManifest,
        svg: (id, entry) => pick(svgs.get(id), () => readFigureSvg(figuresDir, id, entry)),
        tableHtml: (id, entry) => pick(htmls.get(id), () => readTableHtml(figuresDir, id, entry)),
      };
    }
    // Synchronous pause: Markdown plugins run synchronously.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, CONSISTENT_READ_PAUSE_MS);
  }
}
