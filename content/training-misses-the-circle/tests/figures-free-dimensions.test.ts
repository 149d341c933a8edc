/**
 * The section 5–8 figures (trained-n3, two-m-bound, wtw-n5, loss-vs-angle) and their
 * geometry, on synthetic runs whose every number is known in advance.
 */
import { describe, expect, it } from 'vitest';
import { figures } from '../figures/index.ts';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { identityLoss, regularPolygon } from '../../../pipeline/analysis/geometry.ts';
import { allowedArc, angleBetween, gram, smallestPairwiseAngle, TWO_FEATURE_INFLECTION, twoFeatureLoss } from '../../../pipeline/analysis/free-dimensions.ts';
import { boundRuns, boundWeights, n3Runs, n3SparseBiasRuns, polar } from './fixtures/free-dimensions-runs.ts';
import { n5Runs, weightsFromVectors } from './fixtures/runs.ts';
import { FLOOR } from '../figures/two-m-bound.ts';
import { boundCells, boundVerdict } from '../measurements/free-dimensions.ts';
import { parseSvg } from '../../../tests/fixtures/svg.ts';

const DEG = Math.PI / 180;
const MINE = ['trained-n3', 'two-m-bound', 'wtw-n5', 'loss-vs-angle'];

function figure(id: string): Figure {
  const found = figures.find((f) => f.id === id);
  if (!found) throw new Error(`no figure ${id}`);
  return found;
}

const runs: RunSet = new Map([...n3Runs(), ...n3SparseBiasRuns(), ...boundRuns(), ...n5Runs()]);

function render(id: string, from: RunSet = runs): FigureOutput {
  const f = figure(id);
  return f.render(new Map(f.needs.map((need) => [need, from.get(need)!])));
}

describe('free-dimension geometry', () => {
  it('twoFeatureLoss equals the article loss of two unit columns at angle θ on identity(2)', () => {
    for (const degrees of [0, 10, 30, 45, 60, 72, 89, 90, 91, 120, 179]) {
      const W = Float64Array.from(weightsFromVectors([polar(1, 0), polar(1, degrees)]));
      expect(twoFeatureLoss(degrees * DEG)).toBeCloseTo(identityLoss(W, [0, 0], 2, 2), 6);
    }
    expect(twoFeatureLoss(TWO_FEATURE_INFLECTION)).toBeCloseTo(0.5, 12);
  });

  it('twoFeatureLoss is concave below 45° and convex above (second differences)', () => {
    const h = 0.5 * DEG;
    const second = (theta: number) => twoFeatureLoss(theta - h) - 2 * twoFeatureLoss(theta) + twoFeatureLoss(theta + h);
    for (const d of [5, 20, 40, 44]) expect(second(d * DEG)).toBeLessThan(0);
    for (const d of [46, 60, 80, 89, 90, 91, 150]) expect(second(d * DEG)).toBeGreaterThanOrEqual(0);
  });

  it('allowedArc holds exactly the directions that keep every pair at ≥ 90°', () => {
    for (const degrees of [[90, 210, 330], [0, 100, 200], [0, 95, 225], [10, 120, 250]]) {
      const vectors = degrees.map((d) => polar(1, d));
      for (let i = 0; i < 3; i++) {
        const arc = allowedArc(vectors, i)!;
        const ok = (phi: number) => {
          const moved = vectors.map((v, k) => (k === i ? polar(1, phi / DEG) : v));
          return smallestPairwiseAngle(moved) >= Math.PI / 2 - 1e-9;
        };
        for (const t of [0.01, 0.5, 0.99]) expect(ok(arc.start + t * arc.width)).toBe(true);
        expect(ok(arc.start - 1 * DEG)).toBe(false);
        expect(ok(arc.start + arc.width + 1 * DEG)).toBe(false);
      }
    }
    // Regular triangle: each feature sits in the middle of a 60° arc.
    const arc = allowedArc(regularPolygon(3, 1, 0), 0)!;
    expect(arc.width / DEG).toBeCloseTo(60, 9);
    expect(Math.cos(arc.centre)).toBeCloseTo(1, 9);
    // Two antipodal others leave no arc.
    expect(allowedArc([polar(1, 0), polar(1, 90), polar(1, 180)], 1)).toBeNull();
  });

  it('gram is WᵀW', () => {
    const W = [1, 2, 3, 4, 5, 6]; // 2 × 3
    expect(gram(W, 2, 3)).toEqual([
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ]);
    expect(angleBetween([1, 0], [0, -2])).toBeCloseTo(Math.PI / 2, 12);
  });
});

describe.each(MINE)('%s', (id) => {
  it('is registered and renders well-formed SVG with title, desc and prefixed ids', () => {
    const { svg, provenance } = render(id);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const root = parseSvg(svg);
    expect(root.children[0].tagName).toBe('title');
    expect(root.children[1].tagName).toBe('desc');
    expect(root.children[1].textContent!.length).toBeGreaterThan(60);
    const ids = Array.from(root.querySelectorAll('[id]'), (el) => el.getAttribute('id') ?? '');
    expect(new Set(ids).size).toBe(ids.length);
    for (const x of ids) expect(x.startsWith(`${id}-`)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    expect(provenance.length).toBeGreaterThan(20);
    expect((figure(id).caption.match(/\$/g) ?? []).length % 2).toBe(0);
  });

  it('exports only numbers keyed by its own id', () => {
    const keys = Object.keys(render(id).numbers);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(`${id}.`)).toBe(true);
  });
});

describe('figure order', () => {
  it('places trained-n3 before trained-n4, two-m-bound before trained-n5, then wtw-n5 and loss-vs-angle', () => {
    const at = (id: string) => figures.findIndex((f) => f.id === id);
    expect(at('trained-n3')).toBeLessThan(at('trained-n4'));
    expect(at('trained-n4')).toBeLessThan(at('two-m-bound'));
    expect(at('two-m-bound')).toBeLessThan(at('trained-n5'));
    expect(at('trained-n5')).toBeLessThan(at('wtw-n5'));
    expect(at('wtw-n5')).toBeLessThan(at('loss-vs-angle'));
  });
});

describe('trained-n3 numbers', () => {
  const out = render('trained-n3');

  it('reports the no-bias seeds: exact count, angles, best seed', () => {
    expect(out.numbers['trained-n3.seeds']).toBe('5');
    expect(out.numbers['trained-n3.seedsExact']).toBe('4'); // seed 4 leaks through its 80° pair
    expect(out.numbers['trained-n3.smallestAngle']).toBe('80.0°');
    expect(out.numbers['trained-n3.largestGap']).toBe('180.0°');
    expect(out.numbers['trained-n3.evenCount']).toBe('1'); // only seed 2 is the regular triangle
    expect(out.numbers['trained-n3.bestSeed']).toBe('3');
    expect(out.numbers['trained-n3.bestAngles']).toBe('95.0°, 120.0°, 145.0°');
  });

  it('draws the least regular with-bias seed and reports all five', () => {
    expect(out.numbers['trained-n3.biasDrawnSeed']).toBe('2');
    expect(out.numbers['trained-n3.biasAngles']).toBe('100.0°, 130.0°, 130.0°');
    expect(out.numbers['trained-n3.biasGapRatioRange']).toBe('1.000–1.083');
    expect(out.numbers['trained-n3.biasEvenCount']).toBe('5');
    expect(out.numbers['trained-n3.biasLength']).toBe('0.82');
    expect(out.numbers['trained-n3.biasRange']).toBe('0.34–0.34');
    expect(out.provenance).toContain('n3-sparse-bias-seed2');
  });

  it('draws one allowed arc per feature except where the other two are antipodal', () => {
    const root = parseSvg(out.svg);
    // Arcs are the only lines with stroke-width 9; 5 seeds × 3 features, minus seed 1's middle feature.
    const arcs = Array.from(root.querySelectorAll('[stroke-width="9"]')).reduce((sum, g) => sum + g.querySelectorAll('path').length, 0);
    expect(arcs).toBe(14);
  });
});

describe('two-m-bound numbers and verdict', () => {
  it('reports exact zeros up to 2m and the dead-feature loss at 2m + 1', () => {
    const { numbers, svg } = render('two-m-bound');
    expect(numbers['two-m-bound.m1MaxExact']).toBe('0');
    expect(numbers['two-m-bound.m1Beyond']).toBe('0.333');
    expect(numbers['two-m-bound.m2Beyond']).toBe('0.200');
    expect(numbers['two-m-bound.m3Beyond']).toBe('0.143');
    expect(numbers['two-m-bound.m2SeedsExactAt2m']).toBe('1');
    expect(numbers['two-m-bound.holdingCount']).toBe('3');
    expect(numbers['two-m-bound.runCount']).toBe('90');
    expect(svg).toContain('n = 2m = 4');
  });

  it('fails the verdict for an m whose n = 2m runs are all inexact', () => {
    const spoiled = boundRuns((m, n) => m === 2 && n === 4);
    const verdict = boundVerdict(boundCells(spoiled), 2);
    expect(verdict.holds).toBe(false);
    expect(verdict.maxExact).toBeGreaterThan(1e-3);
    expect(boundVerdict(boundCells(spoiled), 3).holds).toBe(true);
    expect(render('two-m-bound', spoiled).numbers['two-m-bound.holdingCount']).toBe('2');
  });

  it('builds the ± basis construction with the loss the proof predicts', () => {
    expect(identityLoss(boundWeights(3, 6, 1), new Float32Array(6), 3, 6)).toBe(0);
    expect(identityLoss(boundWeights(3, 8, 1), new Float32Array(8), 3, 8)).toBeCloseTo(2 / 8, 12);
    expect(FLOOR).toBeLessThan(1e-12);
  });
});

describe('wtw-n5 numbers', () => {
  it('reads the optimal pentagon off the matrix: diagonal s, neighbours s cos 72°, ten positive entries', () => {
    const { numbers } = render('wtw-n5');
    const s = 1 / (1 + 2 * Math.cos(72 * DEG) ** 2);
    expect(numbers['wtw-n5.bestSeed']).toBe('3');
    expect(numbers['wtw-n5.diagonal']).toBe(s.toFixed(2));
    expect(numbers['wtw-n5.neighbour']).toBe((s * Math.cos(72 * DEG)).toFixed(2));
    expect(numbers['wtw-n5.negative']).toBe(`−${(-s * Math.cos(144 * DEG)).toFixed(2)}`);
    expect(numbers['wtw-n5.positiveCount']).toBe('10');
    expect(numbers['wtw-n5.offDiagonalCount']).toBe('20');
    expect(numbers['wtw-n5.optimalDiagonal']).toBe(s.toFixed(3));
  });
});

describe('loss-vs-angle numbers', () => {
  it('reports the inflection and the pentagon-neighbour loss', () => {
    const { numbers } = render('loss-vs-angle');
    expect(numbers['loss-vs-angle.inflection']).toBe('45°');
    expect(numbers['loss-vs-angle.inflectionLoss']).toBe('0.50');
    expect(numbers['loss-vs-angle.at72']).toBe((Math.cos(72 * DEG) ** 2).toPrecision(3));
    expect(numbers['loss-vs-angle.unitPentagonLoss']).toBe((2 * Math.cos(72 * DEG) ** 2).toPrecision(3));
  });
});
