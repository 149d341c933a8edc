/**
 * `lr-chaos` (section 10): final outcome of one seed (n = 7) over a 40 × 40 grid of
 * learning rate × starting bias of feature 1, one coloured cell per run. A second
 * measure looks below the outcome class at the arrangement itself: which features end
 * dead or on the smallest radius ("configuration"); the figure outlines cells whose
 * configuration differs from the cell to their left.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOMES, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { CHAOS_BIAS_STEP, CHAOS_N, CHAOS_SEED, CHAOS_SIZE, CHAOS_STEPS, chaosBias, chaosId, chaosIds, chaosLr } from '../experiments/failure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { configuration, finalClassification, neighbourChanges } from '../measurements/failure.ts';
import { outcomeColors, outcomeLabels, outcomeLegend, sweepProvenance } from './failure-common.ts';

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

const figure: Figure = {
  id: 'lr-chaos',
  needs: chaosIds,
  caption:
    'How the outcome depends on the learning rate and on a tiny change of the starting point. One initialisation seed, ' +
    '$n = 7$, weight decay $10^{-2}$, 20,000 steps at a constant learning rate (horizontal, 40 log-spaced values from ' +
    '$3 \\cdot 10^{-4}$ to $3 \\cdot 10^{-3}$) with feature 1 starting at bias $\\delta$ instead of 0 (vertical, 40 values ' +
    'from 0 to 0.00975). Each cell is one run, coloured by its final outcome. A dark outline marks a cell whose ' +
    'configuration (which features end dead or on the smallest radius) differs from the cell to its left.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, chaosIds);
    const cells = range(CHAOS_SIZE).map((i) =>
      range(CHAOS_SIZE).map((j) => {
        const run = runs.get(chaosId(i, j))!;
        const c = finalClassification(run);
        return { i, j, outcome: c.outcome as Outcome, config: configuration(run.W, CHAOS_N, c) };
      }),
    );
    const outcomeGrid = cells.map((col) => col.map((d) => d.outcome as string));
    const configGrid = cells.map((col) => col.map((d) => d.config));
    const classChanges = neighbourChanges(outcomeGrid);
    const configChanges = neighbourChanges(configGrid);
    const flat = cells.flat();
    const logLr = (i: number) => Math.log10(chaosLr(i));
    const halfLog = (logLr(1) - logLr(0)) / 2;
    const rects = flat.map((d) => ({
      x1: 10 ** (logLr(d.i) - halfLog),
      x2: 10 ** (logLr(d.i) + halfLog),
      y1: chaosBias(d.j) - CHAOS_BIAS_STEP / 2,
      y2: chaosBias(d.j) + CHAOS_BIAS_STEP / 2,
      fill: outcomeColors[d.outcome],
      edge: d.i > 0 && cells[d.i - 1][d.j].config !== d.config,
    }));
    const width = 720;
    const plot: PlotOptions = {
      width,
      height: 560,
      marginTop: 10,
      marginRight: 14,
      marginBottom: 40,
      marginLeft: 76,
      x: { type: 'log', domain: [rects[0].x1, rects[rects.length - 1].x2], label: 'learning rate', labelAnchor: 'center', labelOffset: 34, ticks: [3e-4, 5e-4, 1e-3, 2e-3, 3e-3], tickFormat: (d: number) => d.toExponential(0).replace('e-', 'e−') },
      y: { domain: [-CHAOS_BIAS_STEP / 2, chaosBias(CHAOS_SIZE - 1) + CHAOS_BIAS_STEP / 2], label: 'starting bias δ of feature 1', labelAnchor: 'center', labelOffset: 66 },
      marks: [
        Plot.rect(rects, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'fill', stroke: 'fill', strokeWidth: 0.5 }),
        Plot.rect(rects.filter((r) => r.edge), { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'none', stroke: colors.ink, strokeWidth: 1, inset: 1 }),
      ],
    };
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, flat.filter((d) => d.outcome === o).length])) as Record<Outcome, number>;
    const distinctConfigs = new Set(flat.map((d) => d.config)).size;
    const svg = renderGrid(
      { rows: [[{ plot: outcomeLegend(width, OUTCOMES, 4) }], [{ plot }]], gap: { x: 0, y: 6 } },
      {
        id: 'lr-chaos',
        title: `Final outcome of one n = 7 seed over a ${CHAOS_SIZE} × ${CHAOS_SIZE} grid of learning rate and starting bias`,
        desc:
          `${flat.length} runs. Outcomes: ${OUTCOMES.map((o) => `${outcomeLabels[o]} ${counts[o]}`).join(', ')}. ` +
          `Outcome class changes between learning-rate neighbours in ${classChanges.lrChanges} of ${classChanges.lrPairs} pairs and between bias neighbours in ${classChanges.biasChanges} of ${classChanges.biasPairs}; ` +
          `configuration changes in ${configChanges.lrChanges} and ${configChanges.biasChanges} of those pairs; ${distinctConfigs} distinct configurations.`,
      },
    );
    const frac = (k: number, n: number) => formatRatio(k / n);
    const numbers: Record<string, string> = {
      'lr-chaos.runs': formatInteger(flat.length),
      'lr-chaos.size': String(CHAOS_SIZE),
      'lr-chaos.seed': String(CHAOS_SEED),
      'lr-chaos.steps': formatInteger(CHAOS_STEPS),
      'lr-chaos.classChangeLr': frac(classChanges.lrChanges, classChanges.lrPairs),
      'lr-chaos.classChangeBias': frac(classChanges.biasChanges, classChanges.biasPairs),
      'lr-chaos.configChangeLr': frac(configChanges.lrChanges, configChanges.lrPairs),
      'lr-chaos.configChangeBias': frac(configChanges.biasChanges, configChanges.biasPairs),
      'lr-chaos.distinctConfigs': String(distinctConfigs),
    };
    for (const o of OUTCOMES) numbers[`lr-chaos.count.${o.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase())}`] = String(counts[o]);
    return { svg, provenance: sweepProvenance(`lr × starting-bias grid, n = 7`, used), numbers };
  },
};

export default figure;
