/**
 * `lr-chaos` (section 10): end state of n = 7 runs over a grid of 40 learning rates
 * (two decades) × 42 starting points (three initialisation seeds, each with 14 starting
 * biases of feature 1), one coloured cell per run. A cell whose outcome changed during the
 * last quarter of its run is marked unsettled (a white dot): its colour is a transient, not
 * an end state. A dark outline marks a settled cell whose configuration (which features end
 * dead or on the smallest radius) differs from its left neighbour's.
 * The grid and its statistics come from measurements/failure.ts; this module only draws.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOMES } from '../../../pipeline/analysis/outcomes.ts';
import { CHAOS_BIASES, CHAOS_BIAS_STEP, CHAOS_LRS, CHAOS_LR_RANGE, CHAOS_SEEDS, CHAOS_STEPS, chaosBias, chaosIds, chaosLr } from '../experiments/failure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, maxWidth } from '../../../pipeline/render/theme.ts';
import { chaosGrid, chaosSummary, formatRate } from '../measurements/failure.ts';
import { outcomeColors, outcomeLabels, outcomeLegend, sweepProvenance } from './failure-common.ts';

/** Rows of one seed's block, plus this many empty rows between blocks. */
const BLOCK_GAP = 1;

const figure: Figure = {
  id: 'lr-chaos',
  needs: chaosIds,
  caption:
    'How the end state depends on the learning rate and on a tiny change of the starting point. $n = 7$, weight decay ' +
    '$10^{-2}$, 60,000 steps at a constant learning rate (horizontal, 40 log-spaced values from $5 \\cdot 10^{-3}$ to ' +
    '$0.5$). Vertically, three blocks, one per initialisation seed; within a block, feature 1 starts at bias $\\delta$ ' +
    'instead of 0 (14 values from 0 to 0.00975). Each cell is one run, coloured by its end state. A white dot marks a run ' +
    'whose outcome was still changing in the last quarter of its training: an unsettled transient, not an end state. A dark ' +
    'outline marks a settled cell whose configuration (which features end dead or on the smallest radius) differs from the ' +
    'cell to its left.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, chaosIds);
    const cells = chaosGrid(runs);
    const summary = chaosSummary(cells);
    const logLr = (i: number) => Math.log10(chaosLr(i));
    const half = (logLr(1) - logLr(0)) / 2;
    const rowOf = (seed: number, j: number) => CHAOS_SEEDS.indexOf(seed) * (CHAOS_BIASES + BLOCK_GAP) + j;
    const at = new Map(cells.map((c) => [`${c.i}/${c.seed}/${c.j}`, c]));
    const rects = cells.map((c) => {
      const left = at.get(`${c.i - 1}/${c.seed}/${c.j}`);
      return {
        x1: 10 ** (logLr(c.i) - half),
        x2: 10 ** (logLr(c.i) + half),
        x: chaosLr(c.i),
        y1: rowOf(c.seed, c.j) - 0.5,
        y2: rowOf(c.seed, c.j) + 0.5,
        y: rowOf(c.seed, c.j),
        fill: outcomeColors[c.outcome],
        settled: c.settled,
        edge: c.settled && left !== undefined && left.settled && left.config !== c.config,
      };
    });
    const rows = CHAOS_SEEDS.length * (CHAOS_BIASES + BLOCK_GAP) - BLOCK_GAP;
    const ticks = CHAOS_SEEDS.flatMap((seed) => [0, CHAOS_BIASES - 1].map((j) => ({ y: rowOf(seed, j), label: `seed ${seed}, δ = ${formatRatio(chaosBias(j), j === 0 ? 0 : 5)}` })));
    const width = maxWidth;
    const plot: PlotOptions = {
      width,
      height: 12 * rows + 60,
      marginTop: 8,
      marginRight: 14,
      marginBottom: 42,
      marginLeft: 150,
      x: {
        type: 'log',
        domain: [rects[0].x1, 10 ** (logLr(CHAOS_LRS - 1) + half)],
        label: 'learning rate',
        labelAnchor: 'center',
        labelOffset: 34,
        ticks: [5e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 5e-1],
        tickFormat: (d: number) => formatRate(d),
      },
      y: { domain: [rows - 0.5, -0.5], ticks: ticks.map((t) => t.y), tickFormat: (y: number) => ticks.find((t) => t.y === y)?.label ?? '', label: null },
      marks: [
        Plot.rect(rects, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'fill', stroke: 'fill', strokeWidth: 0.4 }),
        Plot.rect(rects.filter((r) => r.edge), { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'none', stroke: colors.ink, strokeWidth: 1, inset: 1 }),
        Plot.dot(rects.filter((r) => !r.settled), { x: 'x', y: 'y', r: 2, fill: 'white', stroke: colors.ink, strokeWidth: 0.4 }),
      ],
    };
    const present = OUTCOMES.filter((o) => summary.counts[o] > 0);
    const svg = renderGrid(
      { rows: [[{ plot: outcomeLegend(width, present, 4) }], [{ plot }]], gap: { x: 0, y: 6 } },
      {
        id: 'lr-chaos',
        title: `End state of n = 7 runs over ${CHAOS_LRS} learning rates × ${CHAOS_SEEDS.length * CHAOS_BIASES} starting points`,
        desc:
          `${summary.cells} runs. End states: ${present.map((o) => `${outcomeLabels[o]} ${summary.counts[o]}`).join(', ')}; ${summary.unsettled} unsettled. ` +
          `Among settled cells the outcome changes between learning-rate neighbours in ${summary.lrChanges} of ${summary.lrPairs} pairs and between starting-bias neighbours in ${summary.biasChanges} of ${summary.biasPairs}; ` +
          `the configuration changes in ${summary.configLrChanges} and ${summary.configBiasChanges} of those pairs; ${summary.distinctConfigs} distinct configurations.`,
      },
    );
    const frac = (k: number, n: number) => formatRatio(n === 0 ? 0 : k / n);
    const numbers: Record<string, string> = {
      'lr-chaos.runs': formatInteger(summary.cells),
      'lr-chaos.lrs': String(CHAOS_LRS),
      'lr-chaos.startingPoints': String(CHAOS_SEEDS.length * CHAOS_BIASES),
      'lr-chaos.seeds': String(CHAOS_SEEDS.length),
      'lr-chaos.biases': String(CHAOS_BIASES),
      'lr-chaos.biasStep': formatRate(CHAOS_BIAS_STEP),
      'lr-chaos.lowLr': formatRate(CHAOS_LR_RANGE[0]),
      'lr-chaos.highLr': formatRate(CHAOS_LR_RANGE[1]),
      'lr-chaos.steps': formatInteger(CHAOS_STEPS),
      'lr-chaos.unsettled': String(summary.unsettled),
      'lr-chaos.classChangeLr': frac(summary.lrChanges, summary.lrPairs),
      'lr-chaos.classChangeBias': frac(summary.biasChanges, summary.biasPairs),
      'lr-chaos.configChangeLr': frac(summary.configLrChanges, summary.lrPairs),
      'lr-chaos.configChangeBias': frac(summary.configBiasChanges, summary.biasPairs),
      'lr-chaos.distinctConfigs': String(summary.distinctConfigs),
      'lr-chaos.mixedColumns': String(summary.mixedColumns),
    };
    for (const o of OUTCOMES) numbers[`lr-chaos.count.${o.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase())}`] = String(summary.counts[o]);
    return { svg, provenance: sweepProvenance(`lr × starting-point grid, n = 7`, used), numbers };
  },
};

export default figure;
