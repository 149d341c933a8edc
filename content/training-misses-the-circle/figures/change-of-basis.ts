/**
 * `change-of-basis`: a vector x ∈ R³ written in the standard basis, x = x₁e₁ + x₂e₂ + x₃e₃
 * (left, 3-D), and its image h = Wx = x₁W₁ + x₂W₂ + x₃W₃ (right, the plane) under a 2 × 3
 * matrix W whose columns are drawn. The same coefficients walk along different vectors:
 * W replaces each eᵢ by its column Wᵢ. Exact geometry from the stated W and x, no runs.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { regularPolygon, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { camera, projectScene, sceneMarks, scenePanel, type Primitive, type Vec3 } from '../../../pipeline/render/camera3d.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatRatio } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

/** The input vector, in the standard basis. */
export const X: Vec3 = [0.8, 0.5, 1];
/** W's columns: unit vectors at angles 2πk/3 (the arrangement that stores three one-hot features exactly). */
export const COLUMNS: Vec2[] = regularPolygon(3, 1, 0);
const VIEW = { azimuth: 35, elevation: 20 };
const STEP_COLORS = [colors.feature, colors.hidden, '#1b7837'];

/** Partial sums of Σ cᵢ vᵢ, starting at the origin (k + 1 points for k terms). */
export function tipToTail<V extends readonly number[]>(coefficients: readonly number[], vectors: readonly V[]): number[][] {
  const path: number[][] = [vectors[0].map(() => 0)];
  coefficients.forEach((c, i) => path.push(path[i].map((s, j) => s + c * vectors[i][j])));
  return path;
}

const figure: Figure = {
  id: 'change-of-basis',
  needs: [],
  caption:
    'Multiplying by $W$ re-reads the coordinates of $x$ in a new set of vectors. Left: $x = (0.8, 0.5, 1)$ in $\\mathbb{R}^3$, ' +
    'reached by walking $x_1$ along $e_1$, then $x_2$ along $e_2$, then $x_3$ along $e_3$. Right: the same three steps taken ' +
    'along the columns $W_1, W_2, W_3$ of a $2 \\times 3$ matrix (here unit vectors $120°$ apart) end at $h = Wx$ in the plane. ' +
    'The columns are the feature vectors; each row of $W$ is one vector in $\\mathbb{R}^3$, and the two rows span the plane ' +
    'that $x$ is projected onto.',
  render() {
    const E: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const pathX = tipToTail(X, E) as unknown as Vec3[];
    const pathH = tipToTail(X, COLUMNS);
    const h = pathH[pathH.length - 1];

    const basis: Primitive[] = E.flatMap((e, i): Primitive[] => [
      { kind: 'segment', from: [0, 0, 0], to: e, arrow: true, stroke: colors.muted, strokeWidth: 1.5 },
      { kind: 'text', at: e.map((c) => c * 1.14) as unknown as Vec3, text: `e${'₁₂₃'[i]}`, fontSize: fontSize.label + 1, fill: colors.ink },
    ]);
    const steps: Primitive[] = X.map((c, i): Primitive => ({ kind: 'segment', from: pathX[i], to: pathX[i + 1], stroke: STEP_COLORS[i], strokeWidth: 2.5 }));
    const scene: Primitive[] = [
      ...basis,
      ...steps,
      { kind: 'segment', from: [0, 0, 0], to: pathX[3], arrow: true, stroke: colors.ink, strokeWidth: 2 },
      { kind: 'text', at: pathX[3], text: 'x', dx: 10, dy: -6, fontSize: fontSize.label + 2, fontWeight: 'bold' },
    ];
    const items = projectScene(camera(VIEW.azimuth, VIEW.elevation), scene);
    const left: PlotOptions = { ...scenePanel(items, 280, 0.15), marks: sceneMarks(items) };

    const extent = 1.35;
    const segs = X.map((c, i) => ({ x1: pathH[i][0], y1: pathH[i][1], x2: pathH[i + 1][0], y2: pathH[i + 1][1], i }));
    const right: PlotOptions = {
      width: 300,
      height: 300,
      marginTop: 6, marginRight: 6, marginBottom: 24, marginLeft: 30,
      x: { domain: [-extent, extent], ticks: [-1, 0, 1], tickFormat: signed, label: null },
      y: { domain: [-extent, extent], ticks: [-1, 0, 1], tickFormat: signed, label: null },
      marks: [
        Plot.ruleX([0], { stroke: colors.grid }),
        Plot.ruleY([0], { stroke: colors.grid }),
        Plot.arrow(COLUMNS.map((w) => ({ x: w[0], y: w[1] })), { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.muted, strokeWidth: 1.5, headLength: 8 }),
        Plot.text(COLUMNS.map((w, i) => ({ x: w[0] * 1.15, y: w[1] * 1.15, t: `W${'₁₂₃'[i]}` })), { x: 'x', y: 'y', text: 't', fontSize: fontSize.label + 1 }),
        Plot.link(segs, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: (d: { i: number }) => STEP_COLORS[d.i], strokeWidth: 2.5 }),
        Plot.arrow([{ x: h[0], y: h[1] }], { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.ink, strokeWidth: 2, headLength: 9 }),
        Plot.text([{ x: h[0], y: h[1] }], { x: 'x', y: 'y', text: () => 'h = Wx', dx: -8, dy: 4, textAnchor: 'end', fontSize: fontSize.label + 1, fontWeight: 'bold' }),
      ],
    };
    const coeffs = X.map((c) => formatRatio(c, 1));
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: [{ text: 'x = x₁e₁ + x₂e₂ + x₃e₃ in R³', weight: 'bold' }], plot: left },
            { heading: [{ text: 'h = x₁W₁ + x₂W₂ + x₃W₃ in the plane', weight: 'bold' }], plot: right },
          ],
        ],
        gap: { x: 40, y: 0 },
      },
      {
        id: 'change-of-basis',
        title: 'A vector in the standard basis and its image under W',
        desc:
          `Left: the vector x = (${coeffs.join(', ')}) in three dimensions, drawn as three coloured steps along e₁, e₂ and e₃ and ` +
          `as an arrow from the origin. Right: the same coefficients applied to the columns W₁, W₂, W₃ of W, unit vectors at 0°, ` +
          `120° and 240°, give three steps in the plane that end at h = Wx = (${formatRatio(h[0])}, ${formatRatio(h[1])}).`,
      },
    );
    return {
      svg,
      provenance: `Exact geometry: x = (${coeffs.join(', ')}); W with unit columns at angles 2πk/3, k = 0, 1, 2; no training runs.`,
      numbers: { 'change-of-basis.h': `(${formatRatio(h[0])}, ${formatRatio(h[1])})` },
    };
  },
};

function signed(t: number): string {
  return t < 0 ? `−${-t}` : String(t);
}

export default figure;
