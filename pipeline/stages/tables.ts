/**
 * Renders the generated tables (pipeline/tables/) into figures/tables/<id>.html, plus any
 * files a table writes next to itself (runs.csv), and figures/tables/manifest.json, which
 * the site reads for `::table[id]` and for the tables' numbers. Like figures, a table is
 * re-rendered only when its inputs change: the code in its module's import closure (for
 * the ledger that includes every claim module), the files it reads, and the hash of every
 * run it reads.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Table } from '../tables/types.ts';
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
}

export interface TablesManifest {
  tables: Record<string, TableEntry>;
  numbers: Record<string, string>;
}

export function tableSourceFile(table: Table): string {
  return `pipeline/tables/${table.id}.ts`;
}

export function readTablesManifest(tablesDir: string): TablesManifest | null {
  const file = path.join(tablesDir, TABLES_MANIFEST);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TablesManifest;
  } catch {
    return null;
  }
}

export interface RenderTablesOptions {
  /** The tables directory (figures/tables). */
  tablesDir: string;
  runHashes: ReadonlyMap<string, string>;
  loadRun(experimentId: string): LoadedRun;
  line(text: string): void;
  force?: boolean;
  /** Root that table `inputs` and source files are relative to (tests point it at a copy). */
  root?: string;
}

/** The cache key of a table: its code, the files it reads and its runs. */
export function tableInputsHash(table: Table, runs: { id: string; hash: string }[], root = REPO_ROOT): string {
  const inputs = (table.inputs ?? []).map((file) => ({ file, hash: sha256(readFileSync(path.join(root, file))) }));
  return sha256(canonicalJson({ code: sourceHash([tableSourceFile(table)], root), inputs, runs }));
}

export function renderTables(tables: readonly Table[], options: RenderTablesOptions): TablesManifest {
  const { tablesDir, runHashes } = options;
  const previous = readTablesManifest(tablesDir);
  const manifest: TablesManifest = { tables: {}, numbers: {} };
  for (const table of tables) {
    const runs = table.needs.map((id) => {
      const hash = runHashes.get(id);
      if (!hash) throw new Error(`table "${table.id}" (${tableSourceFile(table)}) needs experiment "${id}", which has no run`);
      return { id, hash };
    });
    const inputsHash = tableInputsHash(table, runs, options.root);
    const file = `${table.id}.html`;
    const old = previous?.tables[table.id];
    const current = old && [old.file, ...old.files].every((name) => existsSync(path.join(tablesDir, name)));
    if (!options.force && old && old.inputsHash === inputsHash && current) {
      manifest.tables[table.id] = old;
      options.line(`table ${table.id}  up to date`);
    } else {
      const started = Date.now();
      const output = table.render(new Map(table.needs.map((id) => [id, options.loadRun(id)])));
      for (const key of Object.keys(output.numbers)) {
        if (!key.startsWith(`${table.id}.`)) throw new Error(`table "${table.id}" exports number "${key}"; number keys must start with "${table.id}."`);
      }
      const extra = Object.entries(output.files ?? {});
      for (const [name] of extra) {
        if (name !== path.basename(name) || name === TABLES_MANIFEST || name.endsWith('.html')) {
          throw new Error(`table "${table.id}" writes file "${name}"; extra files must be plain names other than ${TABLES_MANIFEST} and *.html`);
        }
      }
      writeFileAtomic(path.join(tablesDir, file), `${output.html}\n`);
      for (const [name, content] of extra) writeFileAtomic(path.join(tablesDir, name), content);
      manifest.tables[table.id] = {
        file,
        files: extra.map(([name]) => name),
        runCount: runs.length,
        runsHash: sha256(canonicalJson(runs)),
        numbers: output.numbers,
        inputsHash,
      };
      options.line(`table ${table.id}  rendered in ${Date.now() - started} ms`);
    }
    Object.assign(manifest.numbers, manifest.tables[table.id].numbers);
  }
  // Nothing stale may be served: remove files no current table owns.
  const owned = new Set([TABLES_MANIFEST, ...Object.values(manifest.tables).flatMap((entry) => [entry.file, ...entry.files])]);
  if (existsSync(tablesDir)) {
    for (const name of readdirSync(tablesDir)) if (!owned.has(name) && !name.includes('.tmp-')) rmSync(path.join(tablesDir, name), { recursive: true });
  }
  writeFileAtomic(path.join(tablesDir, TABLES_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
