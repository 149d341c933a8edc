/**
 * Renders one post's figures into figures/<slug>/<id>.svg plus figures/<slug>/manifest.json.
 * A figure is re-rendered only when its inputs change: the code in its module's import
 * closure, the hash of any run it reads, its caption, and the locked versions of the
 * packages that draw it. A cached figure is used only when it is provably the one those
 * inputs produced: its manifest entry carries the SVG's sha256 and a checksum over the
 * entry itself, so a truncated SVG, a hand-edited number or an SVG left by other code
 * is re-rendered, never trusted for being present.
 *
 * Each entry also names the module that drew the figure and the files that define its
 * experiments, so the site can link them (provenance links). They are not inputs of
 * the SVG: a cached entry whose files moved is rewritten without re-rendering.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Figure } from '../post/figure.ts';
import type { LoadedRun } from '../store/types.ts';
import { canonicalJson, REPO_ROOT, sha256, sourceHash } from '../store/provenance.ts';
import { writeFileAtomic } from '../store/runStore.ts';
import { FIGURE_PACKAGES, lockedVersions } from './dependencies.ts';

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
  /** sha256 over every other field: a hand edit to the entry is caught by the pipeline and the site. */
  entryChecksum: string;
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

/** True when `entry` is intact and its files hash to what it records. */
export function entryIsIntact(entry: ManifestEntry | undefined, dir: string): entry is ManifestEntry {
  if (!entry || typeof entry.file !== 'string' || entry.entryChecksum !== entryChecksum(entry)) return false;
  const file = path.join(dir, entry.file);
  return existsSync(file) && sha256(readFileSync(file)) === entry.svgSha256;
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
  /**
   * Dev loop only: figures not rendered this time (their runs are missing); their
   * previous entry and SVG are kept as they are, when intact, and no run is read.
   */
  keep?: ReadonlySet<string>;
}

export function figureInputsHash(figure: Figure, source: string, runs: { id: string; hash: string }[], root = REPO_ROOT): string {
  return sha256(canonicalJson({ code: sourceHash([source], root), runs, caption: figure.caption, packages: lockedVersions(FIGURE_PACKAGES, root) }));
}

export function renderFigures(figures: readonly Figure[], options: RenderOptions): Manifest {
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
  // Written together after the last figure is drawn, then the manifest: a reader (the dev
  // server) never waits through a render to find the SVGs and manifest agreeing again.
  const rendered: [string, string][] = [];
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
    const inputsHash = figureInputsHash(figure, sourceFile, runs, options.root);
    if (!options.force && entryIsIntact(old, figuresDir) && old.inputsHash === inputsHash && old.file === `${figure.id}.svg`) {
      // Same SVG; the files it names may have moved (or an older manifest lacks them).
      const entry = { file: old.file, caption: old.caption, provenance: old.provenance, runs: old.runs, numbers: old.numbers, ...files, inputsHash, svgSha256: old.svgSha256 };
      manifest.figures[figure.id] = { ...entry, entryChecksum: entryChecksum(entry) };
      upToDate += 1;
      continue;
    }
    const started = Date.now();
    const output = figure.render(new Map(figure.needs.map((id) => [id, load(id)])));
    for (const key of Object.keys(output.numbers)) {
      if (!key.startsWith(`${figure.id}.`)) throw new Error(`figure "${figure.id}" (${sourceFile}) exports number "${key}"; number keys must start with "${figure.id}."`);
    }
    const file = `${figure.id}.svg`;
    rendered.push([path.join(figuresDir, file), output.svg]);
    const entry = { file, caption: figure.caption, provenance: output.provenance, runs, numbers: output.numbers, ...files, inputsHash, svgSha256: sha256(output.svg) };
    manifest.figures[figure.id] = { ...entry, entryChecksum: entryChecksum(entry) };
    options.line(`figure ${figure.id}  rendered in ${Date.now() - started} ms`);
  }
  if (upToDate > 0) options.line(`figures: ${upToDate} of ${figures.length} up to date`);
  for (const [file, svg] of rendered) writeFileAtomic(file, svg);
  // Remove SVGs of figures that no longer exist, so nothing stale can be inlined.
  if (existsSync(figuresDir)) {
    for (const name of readdirSync(figuresDir)) {
      if (name.endsWith('.svg') && !manifest.figures[name.slice(0, -4)]) rmSync(path.join(figuresDir, name));
    }
  }
  writeFileAtomic(path.join(figuresDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  // A full render leaves nothing stale; the dev loop writes its note after this call.
  rmSync(path.join(figuresDir, STALE_FILE), { force: true });
  return manifest;
}
