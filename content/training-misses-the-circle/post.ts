/** "When training misses the circle": what the post computes. The prose is post.md. */
import { definePost } from '../../pipeline/post/post.ts';
import { claimsLedgerTable } from '../../pipeline/post/claims-ledger.ts';
import { runSummaryTable } from '../../pipeline/post/run-summary.ts';
import { experimentGroups } from './experiments/index.ts';
import { figures } from './figures/index.ts';
import { claims } from './claims/index.ts';
import { outcomeThresholds } from './tables/outcome-thresholds.ts';
import { memorizationConventionsTable } from './tables/memorization-conventions.ts';

export default definePost({
  groups: experimentGroups,
  figures,
  claims,
  tables: [claimsLedgerTable(claims, new URL('./claims/index.ts', import.meta.url)), outcomeThresholds, memorizationConventionsTable, runSummaryTable({ figures, claims, groups: experimentGroups })],
});
