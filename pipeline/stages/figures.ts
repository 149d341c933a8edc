/**
 * Renders one post's figures into figures/<slug>/<id>.svg plus figures/<slug>/manifest.json,
 * and beside each SVG the reader's downloads: <id>.png (the SVG rasterised at twice its
 * size) and <id>.csv (the data its marks plot, kept by pipeline/render/render.ts).
 * A figure is re-rendered only when its inputs change: the code in its module's import
 * closure, the hash of any run it reads, its caption, and the installed code of the
 * packages that draw it (dependencies.ts). A cached figure is used only when it is provably the one those
 * inputs produced: its manifest entry carries the sha256 of the SVG, PNG and CSV and a
 * checksum over the entry itself, so a truncated SVG, a hand-edited number or CSV cell, or
 * a file left by other code is re-rendered, never trusted for being present.
 *
 * An explorable figure (pipeline/post/explorable.ts) also writes <id>.data.json, the data
 * its draw module needs for every control value, hashed and checked like the SVG; its
 * entry names the controls and the draw module, which the page ships to the reader.
 *
 * Each entry also names the module that drew the figure and the files that define its
 * experiments, so the site can link them (provenance links). They are not inputs of
 * the SVG: a cached entry whose files moved is rewritten without re-rendering.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { Figure } from '../post/figure.ts';
import type { LoadedRun } from '../store/types.ts';
import { canonicalJson, REPO_ROOT, sha256, sourceHash } from '../store/provenance.ts';
import { writeFileAtomic } from '../store/runStore.ts';
import { FIGURE_PACKAGES, installedPackages } from './dependencies.ts';
import { svgProblem } from '../render/sanitize.ts';
import { plottedDataCsv } from '../render/render.ts';
import { allValueCombinations, controlsProblem, isExplorable, MAX_DATA_BYTES, type Control, type ExplorableFigure, type ExploreOutput } from '../post/explorable.ts';
import sharp from 'sharp';
import { RenderError, RenderInterruptedError } from './render-errors.ts';

/**
 * How long one figure (or table) may take to render: a render() that never returns must
 * not hang an unattended build. The slowest (post 2's loss-sources table) took 17 s on
 * the 2-core machine while shared and 77 s under a load of 28, hence the wide margin;
 * Ctrl-C and SIGTERM stop a render at once whatever the limit.
 */
export const RENDER_TIME_LIMIT_MS = 300_000;

// Defined apart so that the CLIs' error handler can name them without loading the renderer.
export { RenderError, RenderInterruptedError };

/** The first stack frame inside a post's folder ("content/<slug>/figures/x.ts:12:5"), to say where a render threw. */
function authorFrame(error: unknown, root: string): string | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^\s()]+?):(\d+):(\d+)/g)) {
    const relative = path.relative(root, match[1]);
    if (relative.startsWith('content' + path.sep) || relative.startsWith('content/')) return `${relative}:${match[2]}:${match[3]}`;
  }
  return null;
}

/** What a Ctrl-C now interrupts: the render in progress (or just interrupted), else null. */
let renderInterruption: string | null = null;
export function interruptionMessage(): string | null {
  return renderInterruption;
}

/**
 * Calls a module's render() under the time limit. The call runs through node:vm only for
 * its watchdog: `timeout` stops a render that never returns, and `breakOnSigint` lets
 * Ctrl-C stop it at once (the process's own SIGINT handlers cannot run while a
 * synchronous render holds the thread).
 */
export function callRender<T>(what: string, module: string, render: () => T, timeLimitMs = RENDER_TIME_LIMIT_MS, root = REPO_ROOT): T {
  const context = vm.createContext({ render });
  const interruption = `interrupted while rendering ${what} (${module}); nothing was written for it`;
  renderInterruption = interruption;
  try {
    const result = vm.runInContext('render()', context, { timeout: timeLimitMs, breakOnSigint: true }) as T;
    renderInterruption = null;
    return result;
  } catch (error) {
    const code = (error as { code?: string })?.code;
    // Kept for a Ctrl-C that arrives twice (directly and forwarded): whichever handler
    // prints, it names the figure (interruptionMessage).
    if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new RenderInterruptedError(interruption);
    renderInterruption = null;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new RenderError(`${module}: ${what} did not finish rendering within ${timeLimitMs / 1000} s (an endless loop?); fix its render() and run the command again`);
    }
    const where = authorFrame(error, root);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RenderError(`${module}: ${what} failed to render: ${message}${where ? ` (at ${where})` : ''}`, { cause: error });
  }
}

export interface ManifestEntry {
  file: string;
  caption: string;
  provenance: string;
  runs: { id: string; hash: string }[];
  numbers: Record<string, string>;
  /** Repo-relative module that drew the figure (content/<slug>/figures/<id>.ts). */
  source: string;
  /** Repo-relative files defining the experiments whose runs it reads, sorted (empty for pure geometry). */
  experimentFiles: string[];
  /** Hash of the figure's code, run hashes, caption and package versions; equal inputs mean the SVG is current. */
  inputsHash: string;
  /** sha256 of the SVG file as written. */
  svgSha256: string;
  /** The SVG rasterised (<id>.png), for readers who need a bitmap. */
  png: string;
  pngSha256: string;
  /** The data the figure's marks plot (<id>.csv), from pipeline/render/render.ts. */
  csv: string;
  csvSha256: string;
  /** Explorable figures only: their controls, data file and draw module. */
  explore?: ExploreEntry;
  /** sha256 over every other field: a hand edit to the entry is caught by the pipeline and the site. */
  entryChecksum: string;
}

/** What the page needs to let a reader move an explorable figure's controls. */
export interface ExploreEntry {
  controls: Control[];
  /** <id>.data.json beside the SVG: the draw module's input for every control value. */
  data: string;
  dataSha256: string;
  /** Repo-relative draw module (content/<slug>/figures/<id>.draw.ts), bundled for the browser. */
  draw: string;
}

export interface Manifest {
  figures: Record<string, ManifestEntry>;
}

export const MANIFEST_FILE = 'manifest.json';
/**
 * Written beside the manifest by the dev loop (pipeline/dev) when it kept figures whose
 * runs are not trained yet; a full render removes it, and `astro build` refuses to
 * build while it exists.
 */
export const STALE_FILE = 'stale.json';

/** The checksum a manifest entry (figure or table) must carry over its other fields. */
export function entryChecksum(entry: object): string {
  const { entryChecksum: _ignored, ...rest } = entry as { entryChecksum?: string };
  return sha256(canonicalJson(rest));
}

export function readManifest(figuresDir: string): Manifest | null {
  const file = path.join(figuresDir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return manifest && typeof manifest.figures === 'object' && manifest.figures !== null ? manifest : null;
  } catch {
    return null; // unreadable: everything is re-rendered
  }
}

/** The files a figure writes (SVG, PNG, CSV), each with the sha256 its manifest entry records. */
export function figureFiles(entry: ManifestEntry): { file: string; sha256: string }[] {
  return [
    { file: entry.file, sha256: entry.svgSha256 },
    { file: entry.png, sha256: entry.pngSha256 },
    { file: entry.csv, sha256: entry.csvSha256 },
    ...(entry.explore ? [{ file: entry.explore.data, sha256: entry.explore.dataSha256 }] : []),
  ];
}

/** True when `entry` is intact and its files (SVG, PNG, CSV, explorable data) hash to what it records. */
export function entryIsIntact(entry: ManifestEntry | undefined, dir: string): entry is ManifestEntry {
  if (!entry || typeof entry.file !== 'string' || entry.entryChecksum !== entryChecksum(entry)) return false;
  return figureFiles(entry).every(({ file, sha256: expected }) => {
    if (typeof file !== 'string') return false;
    const full = path.join(dir, file);
    return existsSync(full) && sha256(readFileSync(full)) === expected;
  });
}

/**
 * Pixels per SVG user unit in the PNG download: twice the figure's natural size, sharp
 * on high-density screens and in slides. sharp (libvips with librsvg) draws it, with the
 * system's fonts, as the SVG names them.
 */
export const PNG_SCALE = 2;

async function rasterise(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE }).png({ compressionLevel: 9 }).toBuffer();
}

export interface RenderOptions {
  /** figures/<slug>: where this post's SVGs and manifest go. */
  figuresDir: string;
  /** Repo-relative module of a figure, hashed into its key. */
  sourceOf(figure: Figure): string;
  /** Repo-relative file defining an experiment, recorded for the provenance links. */
  experimentFileOf(experimentId: string): string;
  /** Experiment id → run hash, for every run the figures need. */
  runHashes: ReadonlyMap<string, string>;
  loadRun(experimentId: string): LoadedRun;
  line(text: string): void;
  force?: boolean;
  root?: string;
  /** Time limit of one render() (tests shorten it). */
  timeLimitMs?: number;
  /**
   * Dev loop only: figures not rendered this time (their runs are missing); their
   * previous entry and SVG are kept as they are, when intact, and no run is read.
   */
  keep?: ReadonlySet<string>;
}

/** `packages`: the installed figure packages (installedPackages), computed once per render of a post's figures. */
export function figureInputsHash(figure: Figure, source: string, runs: { id: string; hash: string }[], root = REPO_ROOT, packages = installedPackages(FIGURE_PACKAGES, root)): string {
  return sha256(canonicalJson({ code: sourceHash([source], root), runs, caption: figure.caption, packages }));
}

/** What is wrong with a render()'s return value, or null: an object with a safe SVG, a provenance line and string numbers. */
function figureOutputProblem(output: unknown): string | null {
  if (typeof output !== 'object' || output === null) return `render() returned ${output === null ? 'null' : typeof output}, not { svg, provenance, numbers }`;
  if (typeof (output as { then?: unknown }).then === 'function') return `render() returned a Promise; render() must return { svg, provenance, numbers } synchronously (no async render)`;
  const { svg, provenance, numbers } = output as Record<string, unknown>;
  const svgIssue = svgProblem(svg);
  if (svgIssue) return svgIssue;
  if (typeof provenance !== 'string') return `its "provenance" is ${provenance === undefined ? 'missing' : `a ${typeof provenance}`}, not a string`;
  if (typeof numbers !== 'object' || numbers === null || Array.isArray(numbers)) return 'its "numbers" is not an object of formatted strings';
  const notText = Object.entries(numbers).find(([, value]) => typeof value !== 'string');
  if (notText) return `its number "${notText[0]}" is a ${typeof notText[1]}, not a formatted string`;
  return null;
}

/** The draw module of an explorable figure: <id>.draw.ts beside its module. */
export function drawModuleOf(sourceFile: string): string {
  return sourceFile.replace(/\.ts$/, '.draw.ts');
}

/**
 * Checks an explorable figure before its data is published: its controls are well
 * declared, its draw function is its draw module's default export (the code the page
 * ships), and that function draws a safe SVG for every combination of control values
 * from the data as the browser will read it. Any failure is one line for the author.
 */
async function checkExplorable(figure: ExplorableFigure, output: ExploreOutput, sourceFile: string, options: RenderOptions): Promise<ExploreEntry> {
  const what = `figure "${figure.id}"`;
  const problem = controlsProblem(figure.controls);
  if (problem) throw new RenderError(`${sourceFile}: ${what} ${problem}`);
  const drawFile = drawModuleOf(sourceFile);
  const drawPath = path.join(options.root ?? REPO_ROOT, drawFile);
  if (!existsSync(drawPath)) throw new RenderError(`${sourceFile}: ${what} declares controls but ${drawFile} is missing; fix: put its draw(data, values) there as the default export, and pass it as "draw"`);
  // Loaded by path at build time (the pipeline), never bundled: hence no static import.
  const drawModule = (await import(/* @vite-ignore */ pathToFileURL(drawPath).href)) as { default?: unknown };
  if (drawModule.default !== figure.draw) throw new RenderError(`${sourceFile}: ${what}'s "draw" is not the default export of ${drawFile}; fix: import draw from './${path.basename(drawFile)}' and pass it as "draw" (the page runs that module)`);
  if (typeof output.dataJson !== 'string') throw new RenderError(`${sourceFile}: ${what} declares controls but render() returned no data; fix: build it with explorableFigure() (pipeline/post/explorable.ts)`);
  const bytes = Buffer.byteLength(output.dataJson);
  if (bytes > MAX_DATA_BYTES) throw new RenderError(`${sourceFile}: ${what}'s data is ${bytes} bytes, over the ${MAX_DATA_BYTES}-byte limit; fix: subsample in data() (and say so on the figure)`);
  const data = JSON.parse(output.dataJson) as unknown;
  for (const values of allValueCombinations(figure.controls)) {
    const svg = callRender(`${what} at ${JSON.stringify(values)}`, drawFile, () => figure.draw(data, values), options.timeLimitMs, options.root);
    const unsafe = svgProblem(svg);
    if (unsafe) throw new RenderError(`${drawFile}: ${what} at ${JSON.stringify(values)} drew unusable output: ${unsafe}; fix its draw()`);
  }
  return { controls: figure.controls.map((control) => ({ ...control, values: [...control.values], ...(control.valueLabels ? { valueLabels: [...control.valueLabels] } : {}) })), data: `${figure.id}.data.json`, dataSha256: sha256(output.dataJson), draw: drawFile };
}

export async function renderFigures(figures: readonly Figure[], options: RenderOptions): Promise<Manifest> {
  const { figuresDir, runHashes } = options;
  const previous = readManifest(figuresDir);
  const manifest: Manifest = { figures: {} };
  const loaded = new Map<string, LoadedRun>();
  const load = (id: string) => {
    let run = loaded.get(id);
    if (!run) {
      run = options.loadRun(id);
      loaded.set(id, run);
    }
    return run;
  };
  let upToDate = 0;
  const packages = figures.length > 0 ? installedPackages(FIGURE_PACKAGES, options.root) : {};
  // Written together after the last figure is drawn, then the manifest: a reader (the dev
  // server) never waits through a render to find the files and manifest agreeing again.
  const rendered: [string, string | Uint8Array][] = [];
  for (const figure of figures) {
    const sourceFile = options.sourceOf(figure);
    const old = previous?.figures[figure.id];
    if (options.keep?.has(figure.id)) {
      if (entryIsIntact(old, figuresDir)) manifest.figures[figure.id] = old;
      continue;
    }
    const files = { source: sourceFile, experimentFiles: [...new Set(figure.needs.map((id) => options.experimentFileOf(id)))].sort() };
    const runs = figure.needs.map((id) => {
      const hash = runHashes.get(id);
      if (!hash) throw new Error(`figure "${figure.id}" (${sourceFile}) needs experiment "${id}", which has no run`);
      return { id, hash };
    });
    const inputsHash = figureInputsHash(figure, sourceFile, runs, options.root, packages);
    if (!options.force && entryIsIntact(old, figuresDir) && old.inputsHash === inputsHash && old.file === `${figure.id}.svg`) {
      // Same SVG; the files it names may have moved (or an older manifest lacks them).
      const downloads = { png: old.png, pngSha256: old.pngSha256, csv: old.csv, csvSha256: old.csvSha256 };
      const explore = old.explore ? { explore: { ...old.explore, draw: drawModuleOf(sourceFile) } } : {};
      const entry = { file: old.file, caption: old.caption, provenance: old.provenance, runs: old.runs, numbers: old.numbers, ...files, inputsHash, svgSha256: old.svgSha256, ...downloads, ...explore };
      manifest.figures[figure.id] = { ...entry, entryChecksum: entryChecksum(entry) };
      upToDate += 1;
      continue;
    }
    const started = Date.now();
    const runSet = new Map(figure.needs.map((id) => [id, load(id)]));
    const what = `figure "${figure.id}"`;
    const output = callRender(what, sourceFile, () => figure.render(runSet), options.timeLimitMs, options.root);
    const problem = figureOutputProblem(output);
    if (problem) throw new RenderError(`${sourceFile}: ${what} returned unusable output: ${problem}; fix its render()`);
    for (const key of Object.keys(output.numbers)) {
      if (!key.startsWith(`${figure.id}.`)) throw new RenderError(`figure "${figure.id}" (${sourceFile}) exports number "${key}"; number keys must start with "${figure.id}."`);
    }
    const csv = plottedDataCsv(output.svg);
    if (csv === undefined) {
      throw new Error(`figure "${figure.id}" (${sourceFile}) returned an SVG that renderPlot/renderGrid (pipeline/render/render.ts) did not make; its CSV download is the data they plot, so return their SVG unchanged`);
    }
    let explore: { explore?: ExploreEntry } = {};
    if (isExplorable(figure)) {
      const exploreOutput = output as ExploreOutput;
      explore = { explore: await checkExplorable(figure, exploreOutput, sourceFile, options) };
      rendered.push([path.join(figuresDir, `${figure.id}.data.json`), exploreOutput.dataJson]);
    }
    const png = await rasterise(output.svg);
    const file = `${figure.id}.svg`;
    const downloads = { png: `${figure.id}.png`, pngSha256: sha256(png), csv: `${figure.id}.csv`, csvSha256: sha256(csv) };
    rendered.push([path.join(figuresDir, downloads.png), png], [path.join(figuresDir, downloads.csv), csv], [path.join(figuresDir, file), output.svg]);
    const entry = { file, caption: figure.caption, provenance: output.provenance, runs, numbers: output.numbers, ...files, inputsHash, svgSha256: sha256(output.svg), ...downloads, ...explore };
    manifest.figures[figure.id] = { ...entry, entryChecksum: entryChecksum(entry) };
    options.line(`figure ${figure.id}  rendered in ${Date.now() - started} ms`);
  }
  if (upToDate > 0) options.line(`figures: ${upToDate} of ${figures.length} up to date`);
  for (const [file, content] of rendered) writeFileAtomic(file, content);
  // Remove the files of figures that no longer exist, so nothing stale can be inlined or served.
  if (existsSync(figuresDir)) {
    for (const name of readdirSync(figuresDir)) {
      const figureFile = /^(.*)\.(svg|png|csv|data\.json)$/.exec(name);
      if (!figureFile) continue;
      const owner = manifest.figures[figureFile[1]];
      // A figure that is no longer explorable leaves no data file behind either.
      if (!owner || (figureFile[2] === 'data.json' && !owner.explore)) rmSync(path.join(figuresDir, name));
    }
  }
  writeFileAtomic(path.join(figuresDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  // A full render leaves nothing stale; the dev loop writes its note after this call.
  rmSync(path.join(figuresDir, STALE_FILE), { force: true });
  return manifest;
}
