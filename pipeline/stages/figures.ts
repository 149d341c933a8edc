/**
 * Renders figures from loaded runs into figures/<id>.svg plus figures/manifest.json.
 * A figure is re-rendered only when its inputs change: the code in its module's
 * import closure, or the hash of any run it reads. The manifest records those inputs,
 * the caption, the provenance line and the numbers the prose may quote.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Figure } from '../figures/types.ts';
import type { LoadedRun } from '../store/types.ts';
import { canonicalJson, sha256, sourceHash } from '../store/provenance.ts';
import { writeFileAtomic } from '../store/runStore.ts';

export interface ManifestEntry {
  file: string;
  caption: string;
  provenance: string;
  runs: { id: string; hash: string }[];
  numbers: Record<string, string>;
  /** Hash of the figure's code and run hashes; equal inputs mean the SVG is current. */
  inputsHash: string;
}

export interface Manifest {
  figures: Record<string, ManifestEntry>;
  /** Every figure's numbers, merged, for the article's :num[…] directives. */
  numbers: Record<string, string>;
}

export const MANIFEST_FILE = 'manifest.json';

export function figureSourceFile(figure: Figure): string {
  return `pipeline/figures/${figure.id}.ts`;
}

export function readManifest(figuresDir: string): Manifest | null {
  const file = path.join(figuresDir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return null; // unreadable: everything is re-rendered
  }
}

export interface RenderOptions {
  figuresDir: string;
  /** Experiment id → run hash, for every run the figures need. */
  runHashes: ReadonlyMap<string, string>;
  loadRun(experimentId: string): LoadedRun;
  line(text: string): void;
  force?: boolean;
}

export function renderFigures(figures: readonly Figure[], options: RenderOptions): Manifest {
  const { figuresDir, runHashes } = options;
  const previous = readManifest(figuresDir);
  const manifest: Manifest = { figures: {}, numbers: {} };
  const loaded = new Map<string, LoadedRun>();
  const load = (id: string) => {
    let run = loaded.get(id);
    if (!run) {
      run = options.loadRun(id);
      loaded.set(id, run);
    }
    return run;
  };
  for (const figure of figures) {
    const sourceFile = figureSourceFile(figure);
    const runs = figure.needs.map((id) => {
      const hash = runHashes.get(id);
      if (!hash) throw new Error(`figure "${figure.id}" (${sourceFile}) needs experiment "${id}", which has no run`);
      return { id, hash };
    });
    const inputsHash = sha256(canonicalJson({ code: sourceHash([sourceFile]), runs, caption: figure.caption }));
    const file = `${figure.id}.svg`;
    const old = previous?.figures[figure.id];
    if (!options.force && old && old.inputsHash === inputsHash && existsSync(path.join(figuresDir, file))) {
      manifest.figures[figure.id] = old;
      options.line(`figure ${figure.id}  up to date`);
    } else {
      const started = Date.now();
      const output = figure.render(new Map(figure.needs.map((id) => [id, load(id)])));
      for (const key of Object.keys(output.numbers)) {
        if (!key.startsWith(`${figure.id}.`)) throw new Error(`figure "${figure.id}" (${sourceFile}) exports number "${key}"; number keys must start with "${figure.id}."`);
      }
      writeFileAtomic(path.join(figuresDir, file), output.svg);
      manifest.figures[figure.id] = { file, caption: figure.caption, provenance: output.provenance, runs, numbers: output.numbers, inputsHash };
      options.line(`figure ${figure.id}  rendered in ${Date.now() - started} ms`);
    }
    Object.assign(manifest.numbers, manifest.figures[figure.id].numbers);
  }
  // Remove SVGs of figures that no longer exist, so nothing stale can be inlined.
  if (existsSync(figuresDir)) {
    for (const name of readdirSync(figuresDir)) {
      if (name.endsWith('.svg') && !manifest.figures[name.slice(0, -4)]) rmSync(path.join(figuresDir, name));
    }
  }
  writeFileAtomic(path.join(figuresDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
