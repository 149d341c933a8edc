/** Every generated table, in the order they appear in the article. */
import type { Table } from './types.ts';
import claimsLedger from './claims-ledger.ts';
import runSummary from './run-summary.ts';

export const tables: Table[] = [claimsLedger, runSummary];
