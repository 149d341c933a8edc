/** "Double descent at full scale": what the post computes. The prose is post.md. */
import { definePost } from '../../pipeline/post/post.ts';
import { claimsLedgerTable } from '../../pipeline/post/claims-ledger.ts';
import { runSummaryTable } from '../../pipeline/post/run-summary.ts';
import { experimentGroups } from './experiments/index.ts';
import { figures } from './figures/index.ts';
import { claims } from './claims/index.ts';
import { lossSourcesTable } from './tables/loss-sources.ts';
import { sweepCostTable } from './tables/sweep-cost.ts';
import { testLossTable } from './tables/test-loss.ts';
import { failureConventionsTable } from './tables/failure-conventions.ts';
import { geometryConventionsTable } from './tables/geometry-conventions.ts';

export default definePost({
  groups: experimentGroups,
  figures,
  claims,
  tables: [claimsLedgerTable(claims, new URL('./claims/index.ts', import.meta.url)), lossSourcesTable, failureConventionsTable, testLossTable, geometryConventionsTable, sweepCostTable, runSummaryTable({ figures, claims, groups: experimentGroups })],
});
