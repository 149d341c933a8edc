/**
 * `axial-3d`: the three standard basis vectors e₁, e₂, e₃ of R³, drawn with the
 * project's orthographic camera; the nine edges of the unit cube that do not lie along
 * the basis vectors are drawn thin as a guide. Exact geometry, no runs.
 */
import type { Figure } from '../../../pipeline/post/figure.ts';
import { camera, projectScene, sceneMarks, scenePanel, type Primitive, type Vec3 } from '../../../pipeline/render/camera3d.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

export const AXIAL_VIEW = { azimuth: 30, elevation: 22 };

/** The 12 edges of the unit cube [0, 1]³, as pairs of corners that differ in one coordinate. */
export function unitCubeEdges(): [Vec3, Vec3][] {
  const corners: Vec3[] = [];
  for (let k = 0; k < 8; k++) corners.push([k & 1, (k >> 1) & 1, (k >> 2) & 1]);
  const edges: [Vec3, Vec3][] = [];
  for (let a = 0; a < 8; a++) for (const bit of [1, 2, 4]) if (!(a & bit)) edges.push([corners[a], corners[a | bit]]);
  return edges;
}

const BASIS: { at: Vec3; label: string }[] = [
  { at: [1, 0, 0], label: 'e₁' },
  { at: [0, 1, 0], label: 'e₂' },
  { at: [0, 0, 1], label: 'e₃' },
];

const figure: Figure = {
  id: 'axial-3d',
  needs: [],
  caption:
    'The three standard basis vectors $e_1, e_2, e_3$ of $\\mathbb{R}^3$, each of unit length and at right angles to the ' +
    'other two. The grey unit cube they span is only a guide to the eye. ' +
    'One-hot data consists of exactly these vectors: each training example points along one axis.',
  render() {
    const cube = unitCubeEdges();
    const primitives: Primitive[] = [
      ...cube
        .filter(([p, q]) => !(BASIS.some((b) => b.at === q) && p.every((c) => c === 0)))
        .map(([from, to]): Primitive => ({ kind: 'segment', from, to, stroke: colors.muted })),
      ...BASIS.map((b): Primitive => ({ kind: 'segment', from: [0, 0, 0], to: b.at, arrow: true, stroke: colors.feature, strokeWidth: 2.5 })),
      ...BASIS.map((b): Primitive => ({
        kind: 'text', at: b.at.map((c) => c * 1.13) as unknown as Vec3, text: b.label, fontSize: fontSize.label + 3, fontWeight: 'bold', fill: colors.feature,
      })),
      { kind: 'point', at: [0, 0, 0], r: 3, fill: colors.ink },
      { kind: 'text', at: [0, 0, 0], text: '0', dx: -8, dy: 10, fontSize: fontSize.label },
    ];
    const items = projectScene(camera(AXIAL_VIEW.azimuth, AXIAL_VIEW.elevation), primitives);
    const svg = renderPlot(
      { ...scenePanel(items, 300, 0.2), marks: sceneMarks(items) },
      {
        id: 'axial-3d',
        title: 'The standard basis of R³',
        desc:
          'Three arrows from the origin, e₁, e₂ and e₃, along the three coordinate axes, each of length one, with the unit cube ' +
          'they span drawn in thin grey lines.',
      },
    );
    return {
      svg,
      provenance: `Exact geometry: e₁, e₂, e₃ and the unit cube, orthographic view from azimuth ${AXIAL_VIEW.azimuth}°, elevation ${AXIAL_VIEW.elevation}°; no training runs.`,
      numbers: {},
    };
  },
};

export default figure;
