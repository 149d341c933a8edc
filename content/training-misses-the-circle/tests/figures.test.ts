import { describe, expect, it } from 'vitest';
import { figures } from '../figures/index.ts';
import {
  formatDegrees,
  formatInteger,
  formatLoss,
  formatLossRange,
  formatRatio,
  hash8,
  provenanceLine,
  runProvenance,
} from '../../../pipeline/post/format.ts';
import { identityLoss, regularPolygon } from '../../../pipeline/analysis/geometry.ts';
import { allRuns, n4Runs, n5Runs, PENTAGON_RADIUS } from './fixtures/runs.ts';
import { expectStandaloneFigureSvg, parseSvg } from '../../../tests/fixtures/svg.ts';
import { figureById, figureRenderer } from './fixtures/render.ts';

const runs = allRuns();

/** Render once per figure, handing it exactly the runs it declares. */
const render = figureRenderer(runs);
const figure = figureById;

describe('figure index', () => {
  it('lists the figures in article order, with unique ids', () => {
    const ids = figures.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Other sections add figures in between; these must keep their relative order.
    const inOrder = (expected: string[]) => expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
    inOrder(['memorization-panels', 'relu', 'trained-n4', 'trained-n5']);
    inOrder(['trained-n5', 'tgon-construction', 'memorized-tgons', 'wtw-circulant', 'latent-zones']);
  });

  it('declares the experiments the lead defines', () => {
    expect(figure('relu').needs).toEqual([]);
    expect(figure('trained-n4').needs).toEqual(['n4-seed0', 'n4-seed1', 'n4-seed2', 'n4-seed3', 'n4-seed4']);
    expect(figure('trained-n5').needs).toEqual(['n5-seed0', 'n5-seed1', 'n5-seed2', 'n5-seed3', 'n5-seed4']);
    expect(figure('memorization-panels').needs).toEqual(
      ['memo-T3', 'memo-T5', 'memo-T6', 'memo-T8', 'memo-T10', 'memo-T15', 'memo-T30'],
    );
  });

  it('has captions with balanced inline math', () => {
    for (const f of figures) {
      expect(f.caption.length).toBeGreaterThan(40);
      expect((f.caption.match(/\$/g) ?? []).length % 2).toBe(0);
    }
  });

  it('fails loudly when a needed run is missing', () => {
    expect(() => figure('trained-n4').render(new Map())).toThrow(/missing runs: n4-seed0/);
  });
});

describe.each(['memorization-panels', 'relu', 'trained-n4', 'trained-n5'])('%s SVG', (id) => {
  it('is well-formed standalone SVG with title, desc and ids prefixed by the figure id', () => {
    expectStandaloneFigureSvg(render(id).svg, id, 40);
  });

  it('renders the same text twice (no hidden state)', () => {
    const f = figure(id);
    const again = f.render(new Map(f.needs.map((need) => [need, runs.get(need)!])));
    expect(again).toEqual(render(id));
  });
});

describe('relu', () => {
  it('has an exact provenance and no numbers', () => {
    const out = render('relu');
    expect(out.provenance).toMatch(/^Exact/);
    expect(out.numbers).toEqual({});
  });
});

describe('trained-n4', () => {
  const out = render('trained-n4');

  it('draws the lowest-loss seed (the exact square) and reports its numbers', () => {
    const best = n4Runs().get('n4-seed2')!;
    expect(out.numbers).toEqual({
      'trained-n4.bestLoss': formatLoss(best.meta.finalLoss),
      'trained-n4.bestSeed': '2',
      'trained-n4.seeds': '5',
      'trained-n4.seedsExact': '2',
      'trained-n4.steps': '10,000',
      'trained-n4.angles': '90.0°, 90.0°, 90.0°, 90.0°',
    });
    expect(best.meta.finalLoss).toBeLessThan(1e-12);
  });

  it('names every run in the provenance, and which one is drawn', () => {
    for (const run of n4Runs().values()) {
      expect(out.provenance).toContain(`${run.experiment.id} #${hash8(run.hash)} · seed ${run.meta.config.seed} · 10,000 steps`);
    }
    expect(out.provenance).toMatch(/drawn: n4-seed2 #[0-9a-f]{8} \(lowest final loss of 5 seeds\)/);
  });

  it('describes the square and the 4-cube collapsing onto nine points', () => {
    const desc = parseSvg(out.svg).children[1].textContent ?? '';
    expect(desc).toContain('16 vertices');
    expect(desc).toContain('32 edges');
    expect(desc).toContain('9 distinct points');
    expect(desc).toContain('90.0°, 90.0°, 90.0°, 90.0°');
  });
});

describe('trained-n5', () => {
  const out = render('trained-n5');

  it('draws the optimal pentagon and reports its loss, angles and the spread over seeds', () => {
    const pentagon = regularPolygon(5, PENTAGON_RADIUS);
    const W = Float64Array.from([...pentagon.map((v) => v[0]), ...pentagon.map((v) => v[1])]);
    const optimum = identityLoss(W, new Float64Array(5), 2, 5);
    expect(optimum).toBeCloseTo(0.1604, 3);
    const losses = [...n5Runs().values()].map((run) => run.meta.finalLoss);
    expect(out.numbers).toEqual({
      'trained-n5.bestLoss': '0.160',
      'trained-n5.bestSeed': '3',
      'trained-n5.seeds': '5',
      'trained-n5.steps': '10,000',
      'trained-n5.angles': '72.0°, 72.0°, 72.0°, 72.0°, 72.0°',
      'trained-n5.lossRange': `0.160–${formatLoss(Math.max(...losses))}`,
    });
  });

  it('describes the 5-cube', () => {
    const desc = parseSvg(out.svg).children[1].textContent ?? '';
    expect(desc).toContain('32 vertices');
    expect(desc).toContain('80 edges');
  });
});

describe('memorization-panels', () => {
  const out = render('memorization-panels');

  it('scores the hidden vectors: six even T-gons, the two-radius T = 8 is the worst', () => {
    expect(out.numbers).toEqual({
      'memorization-panels.steps': '50,000',
      'memorization-panels.evenCount': '6',
      'memorization-panels.panelCount': '7',
      'memorization-panels.worstT': '8',
      // Settings quoted in the prose, read from the runs' configs.
      'memorization-panels.n': '400',
      'memorization-panels.density': '0.01',
      'memorization-panels.peakLr': '0.001',
      'memorization-panels.warmupSteps': '2,500',
      'memorization-panels.weightDecay': '0.01',
      'memorization-panels.testExamples': '10,000',
    });
  });

  it('is a 2 × 7 grid of nested panels with a heading per column and a verdict per panel', () => {
    const root = parseSvg(out.svg);
    const panels = Array.from(root.children).filter((el) => el.tagName === 'svg');
    expect(panels).toHaveLength(14);
    const texts = Array.from(root.children)
      .filter((el) => el.tagName === 'text')
      .map((el) => el.textContent);
    expect(texts).toEqual(expect.arrayContaining(['T = 3', 'T = 8', 'T = 30', 'features Wᵢ', 'hidden vectors hₜ']));
    expect(texts.filter((t) => t === 'even')).toHaveLength(6);
    expect(texts.filter((t) => t === 'uneven')).toHaveLength(1);
    expect(texts).toContain('0.60 · 1.00');
  });

  it('puts each run’s hash and regularity into the provenance', () => {
    for (const T of [3, 5, 6, 8, 10, 15, 30]) {
      const run = runs.get(`memo-T${T}`)!;
      expect(out.provenance).toContain(`memo-T${T} #${hash8(run.hash)} · seed 0 · 50,000 steps`);
    }
    expect(out.provenance).toMatch(/memo-T8 #[0-9a-f]{8} [^;]*hidden-vector regularity \(0\.60, 1\.00\) uneven/);
    expect(out.provenance).toMatch(/memo-T30 #[0-9a-f]{8} [^;]*regularity \(1\.00, 1\.0\d\) even/);
  });
});

describe('number formats shared by provenance and numbers', () => {
  it('formats losses compactly', () => {
    expect(formatLoss(3.1e-5)).toBe('3.1 × 10⁻⁵');
    expect(formatLoss(9.96e-5)).toBe('1.0 × 10⁻⁴');
    expect(formatLoss(2.3e-15)).toBe('2.3 × 10⁻¹⁵');
    expect(formatLoss(0)).toBe('0');
    expect(formatLoss(0.16043)).toBe('0.160');
    expect(formatLoss(1.0183)).toBe('1.02');
    expect(formatLoss(0.001)).toBe('0.00100');
    expect(formatLoss(12345)).toBe('1.2 × 10⁴');
    expect(formatLoss(3.14159e-5, 4)).toBe('3.142 × 10⁻⁵');
  });
  it('gives a loss range just enough digits to tell its ends apart', () => {
    expect(formatLossRange(0.16, 0.24)).toBe('0.160–0.240');
    expect(formatLossRange(0.16035745725, 0.1603578849)).toBe('0.160357–0.160358');
    expect(formatLossRange(0.16035741, 0.16035742)).toBe('0.1603574');
    expect(formatLossRange(1e-12, 2e-6)).toBe('1.0 × 10⁻¹²–2.0 × 10⁻⁶');
  });
  it('formats angles, ratios and counts', () => {
    expect(formatDegrees(89.94)).toBe('89.9°');
    expect(formatDegrees(-0.04)).toBe('0.0°');
    expect(formatDegrees(-12.5)).toBe('−12.5°');
    expect(formatRatio(0.97349)).toBe('0.97');
    expect(formatInteger(50000)).toBe('50,000');
    expect(formatInteger(999)).toBe('999');
    expect(formatInteger(1234567)).toBe('1,234,567');
  });
  it('builds one provenance entry per run', () => {
    const run = n4Runs().get('n4-seed1')!;
    expect(runProvenance(run)).toBe(`n4-seed1 #${hash8(run.hash)} · seed 1 · 10,000 steps · final loss 0.0151`);
    expect(runProvenance(run, 'extra')).toMatch(/ · extra$/);
    const two = [n4Runs().get('n4-seed0')!, run];
    expect(provenanceLine(two, { note: 'note' }).split('; ')).toHaveLength(3);
  });
});
