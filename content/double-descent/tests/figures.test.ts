// The post's figures, claims and prose on constructed runs: each figure renders from the
// runs it declares (the computed list today, and the full sweep it will grow into), names
// them in its provenance, and every number and figure the prose places exists.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Figure, RunSet } from '../../../pipeline/post/figure.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { combinedRunHash, hash8 } from '../../../pipeline/post/format.ts';
import { parseSvg } from '../../../tests/fixtures/svg.ts';
import { REPO_ROOT } from '../../../pipeline/store/provenance.ts';
import post from '../post.ts';
import { figures } from '../figures/index.ts';
import { doubleDescentFigure } from '../figures/double-descent.ts';
import { dimensionalityFigure } from '../figures/dimensionality.ts';
import { normsFigure } from '../figures/norms.ts';
import { regimePanelsFigure, REGIME_T } from '../figures/regime-panels.ts';
import { sparseFailureRateFigure } from '../figures/sparse-failure-rate.ts';
import { sweepClaims } from '../claims/index.ts';
import { COMPUTED_IDS, EPSILON_IDS, FULL_SWEEP, idsOf, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { PAPER_LARGE_T_LOSS, PAPER_TEST_LOSS } from '../measurements/paper.ts';
import { sweepExperiments } from '../experiments/sweep.ts';
import { experimentGroups } from '../experiments/index.ts';

const postExperiments = experimentGroups.flatMap((group) => group.experiments);
import { initRun, tgonRun } from './fixtures.ts';

/**
 * A made-up double-descent curve through the paper's read-off values (log-linear between
 * them, its large-T value beyond): what the post would show if we matched the paper.
 */
function paperLike(T: number | 'inf'): number {
  if (T === 'inf') return PAPER_LARGE_T_LOSS;
  const points = PAPER_TEST_LOSS;
  if (T <= points[0].T) return points[0].loss;
  for (let k = 1; k < points.length; k++) {
    if (T <= points[k].T) {
      const f = Math.log(T / points[k - 1].T) / Math.log(points[k].T / points[k - 1].T);
      return points[k - 1].loss + f * (points[k].loss - points[k - 1].loss);
    }
  }
  return PAPER_LARGE_T_LOSS;
}

/** A constructed run per id: a T-gon memorizer for T ≤ 30, initial parameters beyond, test loss on the paper-like curve (± a little per seed). */
function constructedRuns(ids: readonly string[]): Map<string, LoadedRun> {
  return new Map(
    ids.map((id): [string, LoadedRun] => {
      const e = postExperiments.find((x) => x.id === id)!;
      const T = e.data.family === 'sparse' ? e.data.T : 'inf';
      const seed = e.dataSeed ?? e.seed;
      const test = paperLike(T) + 0.0002 * (seed % 4) - 0.0003;
      return [id, T !== 'inf' && T <= 30 ? tgonRun(e, 2, { train: 0, test }) : initRun(e, { train: 0.5, test })];
    }),
  );
}

const computedRuns = constructedRuns([...COMPUTED_IDS, ...PAPER_CONVENTION_IDS, ...EPSILON_IDS]);
const fullIds = idsOf(FULL_SWEEP);
const fullRuns = constructedRuns(fullIds);
const given = (figure: Figure, runs: Map<string, LoadedRun>): RunSet => new Map(figure.needs.map((id) => [id, runs.get(id)!]));

/** Every run by its hash, or past 100 runs their combined hash (tests/unit/figure-snapshots.test.ts holds figures to this). */
function expectRunsNamed(figure: Figure, out: { provenance: string }, runs: Map<string, LoadedRun>): void {
  if (figure.needs.length >= 100) {
    expect(out.provenance).toContain(`#${hash8(combinedRunHash(figure.needs.map((id) => runs.get(id)!.hash)))}`);
    expect(out.provenance).toMatch(/each run listed in runs\.csv/);
  } else {
    for (const id of figure.needs) expect(out.provenance).toContain(hash8(runs.get(id)!.hash));
  }
}

describe('figures on the computed runs', () => {
  const outputs = figures.map((figure) => [figure.id, figure, figure.render(given(figure, computedRuns))] as const);

  it.each(outputs)('%s: a well-formed SVG with title and description, its runs named in the provenance, numbers keyed by its id', (id, figure, out) => {
    const root = parseSvg(out.svg);
    expect(root.children[0].tagName).toBe('title');
    expect(root.children[1].tagName).toBe('desc');
    expect(figure.needs.length).toBeGreaterThan(0);
    expectRunsNamed(figure, out, computedRuns);
    for (const key of Object.keys(out.numbers)) expect(key.startsWith(`${id}.`)).toBe(true);
  });

  it('places every figure and table once, and every number the prose quotes exists', () => {
    const prose = readFileSync(path.join(REPO_ROOT, 'content/double-descent/post.md'), 'utf8');
    const placed = [...prose.matchAll(/^::figure\[([^\]]+)\]$/gm)].map((m) => m[1]);
    expect(placed.sort()).toEqual(figures.map((f) => f.id).sort());
    const tables = [...prose.matchAll(/^::table\[([^\]]+)\]$/gm)].map((m) => m[1]);
    expect(tables.sort()).toEqual(post.tables.map((t) => t.id).sort());
    const numbers: Record<string, string> = Object.assign({}, ...outputs.map(([, , out]) => out.numbers));
    for (const table of post.tables) Object.assign(numbers, table.render(new Map(table.needs.map((id) => [id, computedRuns.get(id)!]))).numbers);
    const quoted = [...prose.matchAll(/:num\[([^\]]+)\]/g)].map((m) => m[1]);
    expect(quoted.length).toBeGreaterThan(20);
    expect(quoted.filter((key) => numbers[key] === undefined)).toEqual([]);
    // No number is left empty for the prose.
    expect(quoted.filter((key) => numbers[key] === '')).toEqual([]);
  });

  it('the near-1 panel marks each T whose mean test loss is off its top with an arrow and the mean, and no other', () => {
    const ids = idsOf(FULL_SWEEP.filter(({ T }) => T === 100 || T === 500)).filter((id) => id.endsWith('data0') || id.endsWith('data1'));
    const runs = new Map(
      ids.map((id): [string, LoadedRun] => {
        const e = postExperiments.find((x) => x.id === id)!;
        return [id, initRun(e, { train: 0.5, test: e.data.family === 'sparse' && e.data.T === 500 ? 4 : 1.002 })];
      }),
    );
    const figure = doubleDescentFigure(ids);
    const texts = [...figure.render(given(figure, runs)).svg.matchAll(/>(↑ [^<]*)</g)].map((m) => m[1]);
    expect(texts).toEqual(['↑ 4.00']);
  });

  it('says plainly what is not computed yet', () => {
    // Only the memorizing sizes, as when the sweep was first committed.
    const smallIds = idsOf(FULL_SWEEP.filter(({ T }) => T !== 'inf' && T <= 30));
    const figure = doubleDescentFigure(smallIds);
    const out = figure.render(given(figure, constructedRuns(smallIds)));
    expect(out.numbers['double-descent.transitionPeak']).toMatch(/none yet/);
    expect(out.numbers['double-descent.infinity']).toBe('not computed yet');
    expect(out.numbers['double-descent.runs']).toBe(String(smallIds.length));
  });
});

describe('figures and claims on the full sweep (constructed runs)', () => {
  it('render every figure over all 176 runs, ∞ included, with a combined hash instead of a list past 100 runs', () => {
    for (const make of [doubleDescentFigure, dimensionalityFigure, normsFigure, regimePanelsFigure, sparseFailureRateFigure]) {
      const figure = make(fullIds);
      const out = figure.render(given(figure, fullRuns));
      parseSvg(out.svg);
      expectRunsNamed(figure, out, fullRuns);
    }
    const regime = regimePanelsFigure(fullIds);
    expect(regime.needs).toHaveLength(REGIME_T.length);
    expect(regime.render(given(regime, fullRuns)).numbers['regime-panels.columns']).toBe('5, 30, 200, 2,000, 10,000');
    const dd = doubleDescentFigure(fullIds).render(given(doubleDescentFigure(fullIds), fullRuns));
    expect(dd.numbers['double-descent.infinity']).toMatch(/^test loss 0\.998\d \(mean of 4 data seeds\)$/);
    expect(dd.numbers['double-descent.transitionPeak']).toMatch(/at T = 2,000$/);
    expect(dd.numbers['double-descent.runs']).toBe('176');
  });

  it('hold on a curve through the paper\u2019s values, and the peak claim locates its peak', () => {
    // No paper-convention runs here: that claim cannot be decided and must say so.
    const results = sweepClaims(fullIds, [], []).map((claim) => [claim.id, claim.evaluate(new Map(claim.needs.map((id) => [id, fullRuns.get(id)!])))] as const);
    const byId = Object.fromEntries(results);
    expect(byId['dd-test-loss-peak'].holds).toBe(true);
    expect(byId['dd-test-loss-peak'].measured).toMatch(/^peak at T = 2,000/);
    expect(byId['dd-paper-agreement'].holds).toBe(true);
    expect(byId['dd-paper-convention-agreement']).toEqual({ measured: expect.stringMatching(/^not computed yet: T = 5, 6, 8, 15, 30, 100, 500, 2,000, 10,000$/), holds: false });
    expect(byId['dd-paper-convention-mechanism']).toEqual({ measured: expect.stringMatching(/^no T of 500, 1,000, 2,000, 5,000 computed under both/), holds: false });
    expect(byId['dd-epsilon-sets-the-peak']).toEqual({ measured: 'T = 1,000: not computed yet (sum at 10⁻⁸, paper’s convention); T = 2,000: not computed yet (sum at 10⁻⁸, paper’s convention)', holds: false });
    expect(byId['dd-memorizing-dimensionality'].holds).toBe(true);
    // Every constructed T ≤ 30 run is an even T-gon: the failure claim does not hold.
    expect(byId['dd-paper-setting-fails'].holds).toBe(false);
  });
});
