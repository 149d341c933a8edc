/** "When training misses the circle": what the post computes. The prose is post.md. */
import { definePost } from '../../pipeline/post/post.ts';
import { claimsLedgerTable, evaluateClaims } from '../../pipeline/post/claims-ledger.ts';
import { runSummaryTable } from '../../pipeline/post/run-summary.ts';
import type { Table } from '../../pipeline/post/table.ts';
import { experimentGroups } from './experiments/index.ts';
import { figures } from './figures/index.ts';
import { claims } from './claims/index.ts';
import { outcomeThresholds } from './tables/outcome-thresholds.ts';

/**
 * The claims ledger, plus each claim's verdict as a number the prose can quote
 * (`:num[claims-ledger.verdict.<claim id>]`), so a sentence that reports a claim's result
 * reads it from the ledger instead of typing it.
 */
function ledgerWithVerdicts(): Table {
  const ledger = claimsLedgerTable(claims);
  return {
    ...ledger,
    render(runs) {
      const output = ledger.render(runs);
      const verdicts = Object.fromEntries(evaluateClaims(claims, runs).map((row) => [`claims-ledger.verdict.${row.claim.id}`, row.holds ? 'holds' : 'fails']));
      return { ...output, numbers: { ...output.numbers, ...verdicts } };
    },
  };
}

export default definePost({
  groups: experimentGroups,
  figures,
  claims,
  tables: [ledgerWithVerdicts(), outcomeThresholds, runSummaryTable({ figures, claims, groups: experimentGroups })],
});
