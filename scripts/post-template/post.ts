/** content/__SLUG__: what the post computes (its experiments, figures, claims and tables). The prose is post.md. */
import { definePost } from '../../pipeline/post/post.ts';
import { claimsLedgerTable } from '../../pipeline/post/claims-ledger.ts';
import { runSummaryTable } from '../../pipeline/post/run-summary.ts';
import { mainExperiments } from './experiments/main.ts';
import features from './figures/features.ts';
import { claims } from './claims/index.ts';

// Each group names the file it is defined in: errors and the run summary point there.
const groups = [{ file: 'content/__SLUG__/experiments/main.ts', experiments: mainExperiments }];
const figures = [features];

export default definePost({
  groups,
  figures,
  claims,
  tables: [claimsLedgerTable(claims, new URL('./claims/index.ts', import.meta.url)), runSummaryTable({ figures, claims, groups })],
});
