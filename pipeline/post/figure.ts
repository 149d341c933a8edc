import type { LoadedRun } from '../store/types.ts';

/** Runs handed to a figure, keyed by experiment id (only the ids in `needs`). */
export type RunSet = ReadonlyMap<string, LoadedRun>;

export interface FigureOutput {
  /** Standalone SVG (xmlns set, ids unique to this figure, <title> and <desc> inside). */
  svg: string;
  /** Generated provenance line: run hashes, seeds, steps, final loss, plus figure-specific scores. */
  provenance: string;
  /** Numbers the prose may quote, already formatted, keyed "<figure-id>.<name>". */
  numbers: Record<string, string>;
}

/** One module per figure under pipeline/figures/, default-exporting this. */
export interface Figure {
  id: string;
  /** Experiment ids whose runs the figure reads (empty for pure-geometry figures). */
  needs: string[];
  /** The author's caption (plain text, may contain $inline math$). */
  caption: string;
  render(runs: RunSet): FigureOutput;
}
