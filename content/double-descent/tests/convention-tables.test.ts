// The tables that set the paper's loss convention beside ours (failure-conventions,
// geometry-conventions), on constructed runs whose answer is known: even T-gons and
// T-gons with two examples on one direction.
import { describe, expect, it } from 'vitest';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { regularPolygon } from '../../../pipeline/analysis/geometry.ts';
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { sweepExperiments, sweepId } from '../experiments/sweep.ts';
import { paperConventionExperiments, paperConventionId } from '../experiments/paper-convention.ts';
import { renderFailureConventions } from '../tables/failure-conventions.ts';
import { renderGeometryConventions } from '../tables/geometry-conventions.ts';
import { sweepRun, tgonRun, weightsPlacing } from './fixtures.ts';

const experiment = (id: string): Experiment => [...sweepExperiments, ...paperConventionExperiments].find((e) => e.id === id)!;
const T = 5;
const seeds = [0, 1, 2];
const sumIds = seeds.map((s) => sweepId(T, s));
const meanIds = seeds.map((s) => paperConventionId(T, s));

/** A T-gon with example 1 moved onto example 0's direction: one circle, not evenly spaced. */
function collapsed(id: string) {
  const e = experiment(id);
  const corners = regularPolygon(T, 2, 0.3);
  corners[1] = corners[0];
  return sweepRun(e, weightsPlacing(e, corners), new Float32Array(e.data.n), { train: 0, test: 1 });
}

const runs = (meanRun: (id: string) => ReturnType<typeof tgonRun>): RunSet =>
  new Map([...sumIds.map((id) => [id, tgonRun(experiment(id))] as const), ...meanIds.map((id) => [id, meanRun(id)] as const)]);

describe('convention tables', () => {
  it('failure-conventions counts even polygons per convention and names the other end states', () => {
    const same = renderFailureConventions(runs((id) => tgonRun(experiment(id))), sumIds, meanIds);
    expect(same.numbers['failure-conventions.meanEvenT5']).toBe('3/3 (0.44–1.00)');
    expect(same.numbers['failure-conventions.meanEvenRuns']).toBe('3');
    const missed = renderFailureConventions(runs(collapsed), sumIds, meanIds);
    expect(missed.numbers['failure-conventions.meanEvenT5']).toBe('0/3 (0.00–0.56)');
    expect(missed.html).toContain('3/3 (0.44–1.00)');
    expect(missed.html).toMatch(/other: 3|several radii: 3|unrepresented example: 3/);
    // A T computed under ours only is shown as such, not dropped.
    const onlySum = renderFailureConventions(runs((id) => tgonRun(experiment(id))), sumIds, []);
    expect(onlySum.html).toContain('not computed yet');
  });

  it('geometry-conventions gives 2/T exactly for T-gons under both conventions, with the seed error', () => {
    const out = renderGeometryConventions(runs((id) => tgonRun(experiment(id))), sumIds, meanIds);
    // Every seed an exact T-gon: the ratio is 1 in every seed (no spread to quote).
    expect(out.numbers['geometry-conventions.sumExampleRatioT5']).toMatch(/^1\.00 \(every seed\)$/);
    expect(out.numbers['geometry-conventions.meanExampleRatioT5']).toMatch(/^1\.00 \(every seed\)$/);
    expect(out.numbers['geometry-conventions.meanRingT5']).toBe('100 % (every seed)');
    const moved = renderGeometryConventions(runs(collapsed), sumIds, meanIds);
    expect(moved.numbers['geometry-conventions.meanExampleRatioT5']).not.toMatch(/^1\.00/);
    // No T under the paper's convention: no rows, no numbers.
    expect(renderGeometryConventions(runs(collapsed), sumIds, []).numbers).toEqual({});
  });
});
