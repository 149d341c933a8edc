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
  /** Repo-relative files the table reads verbatim (e.g. README.md); hashed into its cache key. */
  inputs?: string[];
  render(runs: RunSet): TableOutput;
}
