/**
 * The computed-geometry figures of sections 4–6 and relu-regions-3d (on synthetic n = 3
 * runs with known geometry): well-formed SVG, and every number they export checked
 * against an independent calculation.
 */
import { describe, expect, it } from 'vitest';
import { figures } from '../figures/index.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { experimentById } from '../experiments/index.ts';
import { identityLoss, regularPolygon, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { formatLoss, hash8 } from '../../../pipeline/post/format.ts';
import { fakeRun, weightsFromVectors } from './fixtures/runs.ts';
import { alignedGroups, biasShift, xIntercept } from '../figures/bias-shift.ts';
import { clampPoints, countFates, fate } from '../figures/relu-clamp.ts';
import { planeBasis, pointCloud, PLANE_NORMAL } from '../figures/projection-3d.ts';
import { positiveSet, singlePositiveShare } from '../figures/relu-regions-3d.ts';
import { COLUMNS, X, tipToTail } from '../figures/change-of-basis.ts';
import { unitCubeEdges } from '../figures/axial-3d.ts';
import { expectStandaloneFigureSvg } from '../../../tests/fixtures/svg.ts';
import { figureById, figureRenderer } from './fixtures/render.ts';

const GEOMETRY_IDS = ['projection-3d', 'bias-shift', 'axial-3d', 'relu-clamp', 'relu-line-2d', 'relu-regions-3d', 'change-of-basis'];

const polar = (r: number, degrees: number): Vec2 => [r * Math.cos((degrees * Math.PI) / 180), r * Math.sin((degrees * Math.PI) / 180)];

/** Five n = 3 "seeds": seed 2 is the exact unit triangle (loss 0, the best), the others are worse. */
function n3Runs(): Map<string, ReturnType<typeof fakeRun>> {
  const layouts: Vec2[][] = [
    regularPolygon(3, 0.9, 0.1),
    [polar(1, 0), polar(1, 80), polar(1, 200)],
    regularPolygon(3, 1, Math.PI / 2),
    [polar(1, 0), polar(1, 90), [0, 0]],
    regularPolygon(3, 1.1, 0.4),
  ];
  return new Map(
    layouts.map((vectors, seed) => {
      const id = `n3-seed${seed}`;
      const W = weightsFromVectors(vectors);
      const b = new Float32Array(3);
      return [id, fakeRun(experimentById(id), W, b, identityLoss(W, b, 2, 3))];
    }),
  );
}

const runs: RunSet = n3Runs();
const render = figureRenderer(runs);
const figure = figureById;

describe('geometry figures in the index', () => {
  it('appear in article order: projection before relu, bias after it, section 5 before trained-n3, change of basis after trained-n4', () => {
    const ids = figures.map((f) => f.id);
    const at = (id: string): number => ids.indexOf(id);
    for (const id of GEOMETRY_IDS) expect(ids).toContain(id);
    expect(at('projection-3d')).toBeLessThan(at('relu'));
    expect(at('relu')).toBeLessThan(at('bias-shift'));
    const section5 = ['axial-3d', 'relu-clamp', 'relu-line-2d', 'relu-regions-3d'].map(at);
    expect(section5).toEqual([...section5].sort((a, b) => a - b));
    expect(at('bias-shift')).toBeLessThan(section5[0]);
    expect(section5[3]).toBeLessThan(at('trained-n3'));
    expect(at('change-of-basis')).toBeGreaterThan(at('trained-n4'));
  });

  it('need no runs, except relu-regions-3d which reads the five n = 3 seeds', () => {
    for (const id of GEOMETRY_IDS.filter((i) => i !== 'relu-regions-3d')) expect(figure(id).needs).toEqual([]);
    expect(figure('relu-regions-3d').needs).toEqual(['n3-seed0', 'n3-seed1', 'n3-seed2', 'n3-seed3', 'n3-seed4']);
  });
});

describe.each(GEOMETRY_IDS)('%s', (id) => {
  it('is standalone SVG with title, desc, prefixed ids, the theme font, at most 900 px wide', () => {
    expectStandaloneFigureSvg(render(id).svg, id, 60);
  });

  it('has a caption with balanced math, a provenance line, and number keys prefixed by its id', () => {
    const f = figure(id);
    expect(f.caption.length).toBeGreaterThan(80);
    expect((f.caption.match(/\$/g) ?? []).length % 2).toBe(0);
    const out = render(id);
    if (f.needs.length === 0) expect(out.provenance).toMatch(/^Exact/);
    for (const key of Object.keys(out.numbers)) expect(key.startsWith(`${id}.`)).toBe(true);
  });

  it('renders the same text twice', () => {
    const f = figure(id);
    expect(f.render(new Map(f.needs.map((need) => [need, runs.get(need)!])))).toEqual(render(id));
  });
});

describe('projection-3d', () => {
  it('keeps the squared length of the feet, 1 − Σ(p·n)² / Σ‖p‖² of the cloud', () => {
    const cloud = pointCloud();
    const { u, v, n } = planeBasis(PLANE_NORMAL);
    const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i], 0);
    for (const [a, b] of [[u, v], [u, n], [v, n]]) expect(dot(a, b)).toBeCloseTo(0, 12);
    const lost = cloud.reduce((s, p) => s + dot(p, n) ** 2, 0) / cloud.reduce((s, p) => s + dot(p, p), 0);
    expect(render('projection-3d').numbers).toEqual({
      'projection-3d.points': String(cloud.length),
      'projection-3d.keptShare': `${Math.round(100 * (1 - lost))} %`,
    });
  });
});

describe('bias-shift', () => {
  it('shifts by the star-heptagon distance cos(π/7)/cos(3π/7) and lines up Tue/Wed and Sat/Sun', () => {
    const { offset, shifted } = biasShift();
    expect(-offset[0]).toBeCloseTo(Math.cos(Math.PI / 7) / Math.cos((3 * Math.PI) / 7), 12);
    expect(alignedGroups(shifted, 0.5)).toEqual([[0], [1, 2], [3], [4], [5, 6]]);
    expect(render('bias-shift').numbers).toMatchObject({
      'bias-shift.offset': '4.05',
      'bias-shift.distinctRays': '5',
      'bias-shift.pairs': 'Tue & Wed and Sat & Sun',
    });
  });

  it('finds no coincident directions before the shift, and x-intercepts exactly', () => {
    expect(alignedGroups(regularPolygon(7), 0.5)).toHaveLength(7);
    expect(xIntercept([0, 1], [1, 0])).toBe(1);
    expect(xIntercept([2, 2], [3, 1])).toBe(4);
  });
});

describe('axial-3d', () => {
  it('draws the twelve cube edges, each joining corners that differ in one coordinate', () => {
    const edges = unitCubeEdges();
    expect(edges).toHaveLength(12);
    for (const [p, q] of edges) expect(p.filter((c, i) => c !== q[i])).toHaveLength(1);
  });
});

describe('relu-clamp', () => {
  it('classifies points by their positive coordinates', () => {
    expect(fate([-1])).toBe('origin');
    expect(fate([0.5])).toBe('unchanged');
    expect(fate([1, -2])).toBe('axis');
    expect(fate([1, 2, -3])).toBe('face');
    expect(fate([0, 0, 2])).toBe('axis');
  });

  it('reports counts that add up, recomputed from the same seeded points', () => {
    const pts = clampPoints();
    const c2 = countFates(pts.d2);
    const c3 = countFates(pts.d3);
    expect(c2.face).toBe(0);
    expect(c3.origin + c3.axis + c3.face + c3.unchanged).toBe(pts.d3.length);
    const numbers = render('relu-clamp').numbers;
    expect(numbers['relu-clamp.onAxis2d']).toBe(String(pts.d2.filter((p) => p.filter((c) => c > 0).length === 1).length));
    expect(numbers['relu-clamp.onFace3d']).toBe(String(pts.d3.filter((p) => p.filter((c) => c > 0).length === 2).length));
    expect(numbers['relu-clamp.atZero1d']).toBe(String(pts.d1.filter(([c]) => c <= 0).length));
  });
});

describe('relu-line-2d', () => {
  it('reconstructs identity(2) exactly with W = [1, −1]', () => {
    expect(render('relu-line-2d').numbers).toEqual({ 'relu-line-2d.loss': '0' });
  });
});

describe('relu-regions-3d', () => {
  it('draws the lowest-loss seed; for the regular triangle half the directions snap to one axis, a sixth per feature', () => {
    const out = render('relu-regions-3d');
    const best = runs.get('n3-seed2')!;
    expect(best.meta.finalLoss).toBeLessThan(1e-12);
    expect(out.numbers).toEqual({
      'relu-regions-3d.seed': '2',
      'relu-regions-3d.loss': formatLoss(best.meta.finalLoss),
      'relu-regions-3d.singleShare': '50 %',
      'relu-regions-3d.singleShares': '17 %, 17 %, 17 %',
    });
    expect(out.provenance).toMatch(new RegExp(`drawn: n3-seed2 #${hash8(runs.get('n3-seed2')!.hash)} \\(lowest final loss of 5 seeds\\)`));
  });

  it('measures wedges: 90°, 90°, 180° gaps leave single-positive wedges of 90°, 0° (measure zero) and 90°', () => {
    const lopsided = [polar(1, 0), polar(1, 90), polar(1, 180)];
    const share = singlePositiveShare(lopsided, 3600);
    expect(share.perFeature.map((s) => Math.round(s * 360))).toEqual([90, 0, 90]);
    expect(positiveSet(lopsided, [1, -1])).toEqual([0]);
    expect(positiveSet(lopsided, [1, 1])).toEqual([0, 1]);
  });
});

describe('change-of-basis', () => {
  it('walks the same coefficients along the columns and ends at h = Wx', () => {
    const path = tipToTail(X, COLUMNS);
    const h = [0, 1].map((r) => X.reduce((s, c, i) => s + c * COLUMNS[i][r], 0));
    expect(path[3][0]).toBeCloseTo(h[0], 12);
    expect(path[3][1]).toBeCloseTo(h[1], 12);
    expect(render('change-of-basis').numbers).toEqual({ 'change-of-basis.h': `(${h[0].toFixed(2)}, ${h[1].toFixed(2).replace('-', '−')})` });
  });
});
