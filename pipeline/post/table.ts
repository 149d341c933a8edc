import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../store/provenance.ts';
import type { RunSet } from './figure.ts';

/**
 * A generated table: like a figure (pipeline/figures/types.ts) but its output is an HTML
 * fragment the article places with `::table[id]`. One module per table under
 * pipeline/tables/, listed in pipeline/tables/index.ts.
 */
export interface TableOutput {
  /** An HTML fragment (one <table>, optionally with a lead paragraph); all text escaped. */
  html: string;
  /** Numbers the prose may quote, keyed "<table-id>.<name>". */
  numbers: Record<string, string>;
  /** Extra files written next to the table (name → content), e.g. a CSV of every row. */
  files?: Record<string, string>;
}

export interface Table {
  id: string;
  /** Experiment ids whose runs the table reads. */
  needs: string[];
  /** Repo-relative files the table reads verbatim; hashed into its cache key. */
  inputs?: string[];
  /**
   * Repo-relative modules whose import closure is all the code the table runs: its own
   * module and the modules of whatever it calls (the claims it evaluates, the
   * measurements it reads). Keyed on these alone, a table is not re-rendered when an
   * unrelated figure of its post changes. Without it, the table is keyed on its post's
   * whole post.ts closure (always right, often too much).
   */
  code?: string[];
  /**
   * What else the table reads that is neither code, a file nor a run (e.g. which group
   * each experiment belongs to, the README's commands): hashed, as JSON, into its key.
   */
  data?: unknown;
  render(runs: RunSet): TableOutput;
}

/** Repo-relative path of a module, from its URL: `moduleFile(import.meta.url)` in a table's module. */
export function moduleFile(url: string | URL): string {
  return path.relative(REPO_ROOT, fileURLToPath(url)).split(path.sep).join('/');
}
