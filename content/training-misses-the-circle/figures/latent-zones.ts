/**
 * `latent-zones`: the latent plane of a trained model cut into zones by which outputs are
 * active, W_iᵀh + b_i > 0, with the training hidden vectors h_t = W e_t on top. Each
 * output i is active on one side of the line W_iᵀh + b_i = 0, so the zones are the cells
 * of an arrangement of n lines; they are computed exactly (convex polygons split line
 * by line), not sampled on a grid.
 *
 * Left: the evenly spaced hexagon (the T = 6 run `shownRun` picks). Right: a symmetric
 * failure from the same sweep: of the runs the classifier calls 'symmetric-failure', the
 * one with the smallest T, then the lowest seed.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { featureVectors, norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatLoss, formatRatio, runProvenance, sweepProvenance } from '../../../pipeline/post/format.ts';
import { colors, fontSize, maxWidth } from '../../../pipeline/render/theme.ts';
import { SHOWN_RUN_RULE, TGON_IDS, shownRun, tgonRunsByT, type TgonRun } from '../measurements/tgons.ts';
import { OUTCOME_STYLE } from './tgon-style.ts';

type Polygon = Vec2[];

/** Splits a convex polygon by the line a·h + c = 0 into its part where a·h + c > 0 and its part where it is ≤ 0. */
export function splitPolygon(polygon: Polygon, a: Vec2, c: number): { positive: Polygon; negative: Polygon } {
  const value = (p: Vec2) => a[0] * p[0] + a[1] * p[1] + c;
  const positive: Polygon = [];
  const negative: Polygon = [];
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    const vp = value(p);
    const vq = value(q);
    (vp > 0 ? positive : negative).push(p);
    if ((vp > 0 && vq <= 0) || (vp <= 0 && vq > 0)) {
      const t = vp / (vp - vq);
      const cut: Vec2 = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      positive.push(cut);
      negative.push(cut);
    }
  });
  return { positive: positive.length >= 3 ? positive : [], negative: negative.length >= 3 ? negative : [] };
}

export interface Zone {
  polygon: Polygon;
  /** Outputs active in this zone (0-based feature indices, ascending). */
  active: number[];
}

/** The zones of the square [−extent, extent]² cut by the lines W_iᵀh + b_i = 0. */
export function activeZones(features: readonly Vec2[], b: ArrayLike<number>, extent: number): Zone[] {
  let zones: Zone[] = [{ polygon: [[-extent, -extent], [extent, -extent], [extent, extent], [-extent, extent]], active: [] }];
  features.forEach((w, i) => {
    const next: Zone[] = [];
    for (const zone of zones) {
      const { positive, negative } = splitPolygon(zone.polygon, w, b[i]);
      if (positive.length > 0) next.push({ polygon: positive, active: [...zone.active, i] });
      if (negative.length > 0) next.push({ polygon: negative, active: zone.active });
    }
    zones = next;
  });
  return zones.filter((zone) => Math.abs(area(zone.polygon)) > 1e-12 * extent * extent);
}

function area(polygon: Polygon): number {
  let sum = 0;
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    sum += p[0] * q[1] - q[0] * p[1];
  });
  return sum / 2;
}

function centroid(polygon: Polygon): Vec2 {
  const a = area(polygon);
  let x = 0;
  let y = 0;
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length];
    const cross = p[0] * q[1] - q[0] * p[1];
    x += (p[0] + q[0]) * cross;
    y += (p[1] + q[1]) * cross;
  });
  return [x / (6 * a), y / (6 * a)];
}

/** Zone fill by how many outputs are active. */
const ZONE_FILL = ['#ffffff', '#fddbc7', '#d1e5f0', '#bababa'];
const fillFor = (count: number) => ZONE_FILL[Math.min(count, ZONE_FILL.length - 1)];
const ZONE_KEY = ['none active', 'one active', 'two active', 'three or more'];

const GAP = 12;
const PANEL = Math.floor((maxWidth - 8 - GAP) / 2);

function zonePanel(shown: TgonRun): { plot: PlotOptions; zones: Zone[] } {
  const n = shown.T;
  const features = featureVectors(shown.run.W, 2, n);
  const extent = 1.45 * Math.max(...features.map(norm));
  const zones = activeZones(features, shown.run.b, extent);
  const labelled = zones.filter((z) => Math.abs(area(z.polygon)) > 0.012 * (2 * extent) ** 2);
  const outlines = zones.flatMap((z, k) => [...z.polygon, z.polygon[0]].map(([x, y]) => ({ x, y, k })));
  return {
    zones,
    plot: {
      width: PANEL,
      aspectRatio: 1,
      margin: 4,
      axis: null,
      x: { domain: [-extent, extent] },
      y: { domain: [-extent, extent] },
      marks: [
        ...zones.map((z) => Plot.line([...z.polygon, z.polygon[0]].map(([x, y]) => ({ x, y })), { x: 'x', y: 'y', fill: fillFor(z.active.length), stroke: 'none' })),
        Plot.line(outlines, { x: 'x', y: 'y', z: 'k', stroke: 'white', strokeWidth: 1 }),
        Plot.frame({ stroke: colors.muted }),
        Plot.text(
          labelled.map((z) => {
            const [x, y] = centroid(z.polygon);
            return { x, y, text: z.active.length === 0 ? '∅' : z.active.map((i) => i + 1).join(',') };
          }),
          { x: 'x', y: 'y', text: 'text', fontSize: fontSize.tick - 1, fill: colors.ink },
        ),
        Plot.dot(features.map(([x, y], i) => ({ x, y, i })), { x: 'x', y: 'y', r: 3.5, fill: colors.ink, stroke: 'white' }),
        Plot.text(features.map(([x, y], i) => ({ x, y, label: `h${subscript(i + 1)}` })), {
          x: 'x',
          y: 'y',
          text: 'label',
          dy: -9,
          fontSize: fontSize.label,
          fontWeight: 'bold',
          fill: colors.ink,
          stroke: 'white',
          strokeWidth: 3,
          paintOrder: 'stroke',
        }),
        // Key: zone fills, in the lower-left corner.
        ...ZONE_KEY.flatMap((label, k) => [
          Plot.dot([k], { frameAnchor: 'bottom-left', dx: 12, dy: -12 - 15 * (ZONE_KEY.length - 1 - k), symbol: 'square', r: 5, fill: ZONE_FILL[k], stroke: colors.muted }),
          Plot.text([label], { frameAnchor: 'bottom-left', dx: 22, dy: -12 - 15 * (ZONE_KEY.length - 1 - k), textAnchor: 'start', fontSize: fontSize.tick, fill: colors.ink, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' }),
        ]),
      ],
    },
  };
}

function subscript(k: number): string {
  return String(k).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
}

/** The failure shown on the right: smallest T, then lowest seed, among runs classified 'symmetric-failure'. */
export function failureRun(all: readonly TgonRun[]): TgonRun | undefined {
  return [...all].filter((r) => r.classification.outcome === 'symmetric-failure').sort((a, b) => a.T - b.T || a.seed - b.seed)[0];
}

const figure: Figure = {
  id: 'latent-zones',
  needs: TGON_IDS,
  caption:
    'The latent plane cut into zones by which outputs are active ($W_i^\\top h + b_i > 0$), with the training hidden ' +
    'vectors $h_t = W e_t$ as black dots; each zone is labelled with its active outputs. Left: the evenly spaced ' +
    `hexagon, the $T = 6$ run chosen by the rule used throughout section 9: ${SHOWN_RUN_RULE}. Every $h_t$ lies in a zone where its own output is ` +
    'active and sits on the boundary lines of its two neighbours, which the bias has placed exactly through it. Right: ' +
    'a symmetric failure from the same sweep (of the runs classified so, the one with the smallest $T$, then the lowest ' +
    'seed): the dead feature has $W_i \\approx 0$ and a positive bias, so its output is active everywhere and appears ' +
    'in every label.',
  render(runs: RunSet): FigureOutput {
    const byT = tgonRunsByT(runs);
    const hexagon = shownRun(byT.get(6) ?? []);
    const failure = failureRun([...byT.values()].flat());
    const left = zonePanel(hexagon);
    const right = failure ? zonePanel(failure) : undefined;
    const heading = (r: TgonRun) => [
      { text: `T = ${r.T}, seed ${r.seed}: ${OUTCOME_STYLE[r.classification.outcome].label}`, weight: 'bold' as const },
    ];
    const footer = (r: TgonRun) => [{ text: `final loss ${formatLoss(r.run.meta.finalLoss)}`, size: fontSize.tick }];
    const describeZones = (zones: Zone[]) =>
      zones.map((z) => (z.active.length === 0 ? 'none' : z.active.map((i) => i + 1).join('+'))).join('; ');
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: heading(hexagon), plot: left.plot, footer: footer(hexagon) },
            ...(right && failure ? [{ heading: heading(failure), plot: right.plot, footer: footer(failure) }] : []),
          ],
        ],
        gap: { x: GAP, y: 0 },
        margin: { top: 2, right: 4, bottom: 4, left: 4 },
      },
      {
        id: 'latent-zones',
        title: 'Zones of active outputs in the latent plane',
        desc:
          `Left: the latent plane of tgon-T6-seed${hexagon.seed}, cut into ${left.zones.length} zones whose active outputs are: ${describeZones(left.zones)}. ` +
          (failure && right
            ? `Right: tgon-T${failure.T}-seed${failure.seed}, a symmetric failure with dead feature(s) ${failure.classification.deadFeatures.map((i) => i + 1).join(', ')}, ${right.zones.length} zones: ${describeZones(right.zones)}.`
            : 'No run of the sweep is a symmetric failure, so the right panel is absent.'),
      },
    );
    const deadBias = failure ? failure.classification.deadFeatures.map((i) => formatRatio(failure.run.b[i], 3)).join(', ') : '';
    return {
      svg,
      provenance:
        `shown: ${[hexagon, ...(failure ? [failure] : [])].map((r) => runProvenance(r.run, OUTCOME_STYLE[r.classification.outcome].label)).join('; ')}; ` +
        `chosen from the ${sweepProvenance('tgon sweep', [...byT.values()].flat().map((r) => r.run))}`,
      numbers: {
        'latent-zones.hexagonSeed': String(hexagon.seed),
        'latent-zones.failureT': failure ? String(failure.T) : 'none',
        'latent-zones.failureSeed': failure ? String(failure.seed) : 'none',
        'latent-zones.failureDeadBias': failure ? deadBias : 'none',
        'latent-zones.failureMeanTarget': failure ? formatRatio(1 / failure.T, 3) : 'none',
        'latent-zones.failureLoss': failure ? formatLoss(failure.run.meta.finalLoss) : 'none',
      },
    };
  },
};

export default figure;
