import type { RunSet } from './figure.ts';

/**
 * One claim the article makes, tested against runs. The claims ledger (section 12) is
 * generated from these: a claim whose criterion fails is shown as failed, never removed.
 */
export interface Claim {
  /** Stable id, e.g. "two-m-bound". */
  id: string;
  /** The claim in one sentence, as the article states it. */
  statement: string;
  /** Experiment ids whose runs the evaluation reads. */
  needs: string[];
  /** How the runs test it, in words (the criterion, with its thresholds). */
  criterion: string;
  /** Where the article makes the claim (section heading id, e.g. "two-m-bound"). */
  section: string;
  evaluate(runs: RunSet): ClaimResult;
}

export interface ClaimResult {
  /** The measured value(s), formatted for the table. */
  measured: string;
  /** Whether the criterion holds. */
  holds: boolean;
}
