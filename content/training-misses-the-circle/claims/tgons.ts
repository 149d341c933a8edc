/**
 * Claims of section 9 (the T-gon construction) and the section 1 memorization grid,
 * each evaluated from runs (or, for the construction, from exact geometry) with an
 * explicit criterion. Run classification and selection come from ../measurements/,
 * which the figures read too, so a ledger row and the figure showing the same runs cannot disagree.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import type { Claim, ClaimResult } from '../../../pipeline/post/claim.ts';
import { identityLoss, isEvenlySpaced, regularity, rowVectors } from '../../../pipeline/analysis/geometry.ts';
import { CONSTRUCTION_TOLERANCE, tgonParameters } from '../../../pipeline/analysis/tgon.ts';
import { hiddenVectors, trainingExamples } from '../../../pipeline/data/datasets.ts';
import { formatLoss, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { MEMO_IDS } from '../measurements/memorization.ts';
import { TGON_IDS, TGON_T, tgonRunsByT } from '../measurements/tgons.ts';

/** "Exact up to float rounding" for the construction evaluated in float64. */
export const CONSTRUCTION_EXACT_LOSS = 1e-12;

const constructionExact: Claim = {
  id: 'tgon-construction-exact',
  statement:
    'With a bias, T orthonormal examples are memorized exactly by a regular T-gon of radius r, r² = 1/(1 − cos(2π/T)), with b = −r² cos(2π/T).',
  needs: [],
  criterion: `The construction's loss on identity(T), computed in float64, is below ${formatLoss(CONSTRUCTION_EXACT_LOSS)} for every T = ${TGON_T[0]} … ${TGON_T[TGON_T.length - 1]} (exact geometry, no training).`,
  section: 'role-of-b',
  evaluate(): ClaimResult {
    const losses = TGON_T.map((T) => {
      const { W, b } = tgonParameters(T);
      return identityLoss(W, b, 2, T);
    });
    const worst = Math.max(...losses);
    return { measured: `largest loss over T = ${TGON_T[0]} … ${TGON_T[TGON_T.length - 1]}: ${formatLoss(worst)}`, holds: worst < CONSTRUCTION_EXACT_LOSS };
  },
};

const trainedMatchesConstruction: Claim = {
  id: 'tgon-trained-matches-construction',
  statement: 'When training ends on an evenly spaced T-gon (with weight decay), it is the construction: its r² and b agree with the formula.',
  needs: TGON_IDS,
  criterion:
    `Every run of the tgon sweep (T = ${TGON_T[0]} … ${TGON_T[TGON_T.length - 1]}, 20 seeds) classified even has mean ‖Wᵢ‖² within ` +
    `±${100 * CONSTRUCTION_TOLERANCE}% of r² and mean bᵢ within ±${100 * CONSTRUCTION_TOLERANCE}% of r² of b; at least one run per T ≤ 7 is even.`,
  section: 'role-of-b',
  evaluate(runs: RunSet): ClaimResult {
    const byT = tgonRunsByT(runs);
    const all = [...byT.values()].flat();
    const even = all.filter((r) => r.classification.outcome === 'even');
    const agreeing = even.filter((r) => r.agrees).length;
    const worst = Math.max(0, ...even.map((r) => Math.max(Math.abs(r.comparison.r2Deviation), Math.abs(r.comparison.bDeviation))));
    const smallTCovered = TGON_T.filter((T) => T <= 7).every((T) => (byT.get(T) ?? []).some((r) => r.classification.outcome === 'even'));
    return {
      measured: `${agreeing} of ${even.length} even runs agree; largest deviation ${formatRatio(100 * worst, 2)}%`,
      holds: even.length > 0 && agreeing === even.length && smallTCovered,
    };
  },
};

const trainingAlwaysFindsTgon: Claim = {
  id: 'tgon-training-finds-it',
  statement: 'Training need not find the symmetric T-gon: other outcomes exist, and for larger T most seeds end in one of them.',
  needs: TGON_IDS,
  criterion: 'In the tgon sweep (20 seeds per T), some T has fewer than half of its seeds classified even.',
  section: 'role-of-b',
  evaluate(runs: RunSet): ClaimResult {
    const byT = tgonRunsByT(runs);
    const fractions = TGON_T.map((T) => {
      const list = byT.get(T) ?? [];
      return { T, even: list.filter((r) => r.classification.outcome === 'even').length, total: list.length };
    });
    const minority = fractions.filter((f) => 2 * f.even < f.total);
    return {
      measured: `even seeds per T: ${fractions.map((f) => `${f.T}: ${f.even}/${f.total}`).join(', ')}`,
      holds: minority.length > 0,
    };
  },
};

const memorizationNotAlwaysEven: Claim = {
  id: 'memorization-panels-uneven',
  statement:
    'Trained with the paper\u2019s settings, the hidden vectors do not always form an evenly spaced T-gon (the paper\u2019s own T = 8 panel is not one).',
  needs: MEMO_IDS,
  criterion: 'At least one of the seven memorization runs (T = 3, 5, 6, 8, 10, 15, 30; seed 0) has hidden vectors that fail the evenly-spaced test (norm ratio ≥ 0.9, gap ratio ≤ 1.15, none dead).',
  section: 'introduction',
  evaluate(runs: RunSet): ClaimResult {
    const used = selectRuns(runs, MEMO_IDS);
    const verdicts = used.map((run) => {
      const config = run.meta.config;
      const T = config.data.family === 'sparse' ? config.data.T : config.data.n;
      const score = regularity(rowVectors(hiddenVectors(run.W, config.m, trainingExamples(config))));
      return { T, even: isEvenlySpaced(score) };
    });
    const uneven = verdicts.filter((v) => !v.even).map((v) => v.T);
    return {
      measured: `${verdicts.length - uneven.length} of ${verdicts.length} panels even; uneven at T = ${uneven.length > 0 ? uneven.join(', ') : 'none'}`,
      holds: uneven.length > 0,
    };
  },
};

export const tgonClaims: Claim[] = [constructionExact, trainedMatchesConstruction, trainingAlwaysFindsTgon];
export const memorizationClaims: Claim[] = [memorizationNotAlwaysEven];
