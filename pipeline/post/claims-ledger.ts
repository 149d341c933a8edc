/**
 * `claims-ledger`: every claim a post lists evaluated against
 * its runs at build time, one row each: the claim, the runs that test it, the criterion,
 * the measured value and the computed verdict. A claim that fails is shown as failing;
 * a claim whose evaluation throws is shown as failing with the error, never dropped.
 */
import type { Claim } from './claim.ts';
import type { RunSet } from './figure.ts';
import { combinedRunHash, hash8 } from './format.ts';
import type { LoadedRun } from '../store/types.ts';
import { moduleFile, type Table, type TableOutput } from './table.ts';
import { escapeHtml, htmlTable } from './html.ts';

export interface LedgerRow {
  claim: Claim;
  runs: LoadedRun[];
  measured: string;
  holds: boolean;
  /** Set when evaluate() threw; the row then counts as failing. */
  error?: string;
}

export function evaluateClaims(list: readonly Claim[], runs: RunSet): LedgerRow[] {
  return list.map((claim) => {
    const used = claim.needs.map((id) => runs.get(id)).filter((run): run is LoadedRun => run !== undefined);
    const missing = claim.needs.filter((id) => !runs.has(id));
    if (missing.length > 0) {
      return { claim, runs: used, measured: `missing runs: ${missing.join(', ')}`, holds: false, error: 'missing runs' };
    }
    try {
      const result = claim.evaluate(new Map(claim.needs.map((id) => [id, runs.get(id) as LoadedRun])));
      return { claim, runs: used, measured: result.measured, holds: result.holds === true };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      return { claim, runs: used, measured: `evaluation failed: ${message}`, holds: false, error: message };
    }
  });
}

/** Claims reading more runs than this name them by count and combined hash only. */
export const LISTED_RUNS = 40;

/**
 * The runs cell: each run for a few; up to LISTED_RUNS, the count and combined hash with
 * the list folded away; beyond, the count and combined hash with a pointer to runs.csv.
 */
export function runsCell(runs: readonly LoadedRun[]): string {
  if (runs.length === 0) return 'exact geometry (no runs)';
  const item = (run: LoadedRun) => `<code>${escapeHtml(run.experiment.id)} #${hash8(run.hash)}</code>`;
  if (runs.length <= 4) return runs.map(item).join('<br>');
  const combined = hash8(combinedRunHash(runs.map((run) => run.hash)));
  // Past a few dozen, a list of hashes helps nobody on the page; runs.csv (section 13) has them all.
  if (runs.length > LISTED_RUNS) return `${runs.length} runs, combined #${combined}; each listed in <a href="runs.csv">runs.csv</a>`;
  return `<details><summary>${runs.length} runs, combined #${combined}</summary>${runs.map(item).join(' ')}</details>`;
}

export function ledgerTable(list: readonly Claim[], runs: RunSet): TableOutput {
  const rows = evaluateClaims(list, runs);
  const holding = rows.filter((r) => r.holds).length;
  const html = htmlTable({
    className: 'ledger',
    caption: `Claims ledger: ${rows.length} claims, ${holding} hold, ${rows.length - holding} fail (evaluated from the runs when the article was built).`,
    head: ['Claim', 'Runs', 'Criterion', 'Measured', 'Verdict'],
    rows: rows.map((r) => [
      { html: `${escapeHtml(r.claim.statement)} <a href="#${escapeHtml(r.claim.section)}">§</a>` },
      { html: runsCell(r.runs), className: 'runs' },
      r.claim.criterion,
      r.measured,
      { html: r.holds ? 'holds' : 'fails', className: r.holds ? 'verdict holds' : 'verdict fails' },
    ]),
    rowClass: (i) => (rows[i].holds ? 'holds' : 'fails'),
  });
  return {
    html,
    // Each verdict is quotable too (`:num[claims-ledger.verdict.<claim id>]`), so a sentence
    // that reports a claim's result reads it from the ledger instead of typing it.
    numbers: {
      'claims-ledger.count': String(rows.length),
      'claims-ledger.holding': String(holding),
      'claims-ledger.failing': String(rows.length - holding),
      ...Object.fromEntries(rows.map((r) => [`claims-ledger.verdict.${r.claim.id}`, r.holds ? 'holds' : 'fails'])),
    },
  };
}

/**
 * A post's claims ledger table (`::table[claims-ledger]`). `claimsModule` is the module
 * that lists the claims (`new URL('./claims/index.ts', import.meta.url)` in post.ts): the
 * table is then keyed on the claims' code and the measurements they call, not on the
 * post's whole closure, so a figure edit does not re-evaluate every claim.
 */
export function claimsLedgerTable(claims: readonly Claim[], claimsModule?: string | URL): Table {
  return {
    id: 'claims-ledger',
    needs: [...new Set(claims.flatMap((claim) => claim.needs))],
    ...(claimsModule === undefined ? {} : { code: [moduleFile(import.meta.url), moduleFile(claimsModule)] }),
    // The claims' order and ids shape the ledger as much as their code does.
    data: claims.map((claim) => claim.id),
    render: (runs) => ledgerTable(claims, runs),
  };
}
