import { describe, expect, it } from 'vitest';
import { bounds, camera, HIDDEN_DASH, project, projectScene, sceneMarks, scenePanel, type Item, type Primitive } from '../../pipeline/render/camera3d.ts';
import { renderPlot } from '../../pipeline/render/render.ts';

const close = (a: number, b: number): void => expect(a).toBeCloseTo(b, 12);

describe('camera', () => {
  it('looking along +x from the front (azimuth 0, elevation 0): y is right, z is up, x is depth', () => {
    const cam = camera(0, 0);
    const ex = project(cam, [1, 0, 0]);
    const ey = project(cam, [0, 1, 0]);
    const ez = project(cam, [0, 0, 1]);
    close(ex.x, 0), close(ex.y, 0), close(ex.depth, 1);
    close(ey.x, 1), close(ey.y, 0), close(ey.depth, 0);
    close(ez.x, 0), close(ez.y, 1), close(ez.depth, 0);
  });

  it('from straight above (elevation 90°, azimuth 0): y is right, x points down the screen, z is depth', () => {
    const cam = camera(0, 90);
    const ex = project(cam, [1, 0, 0]);
    const ez = project(cam, [0, 0, 1]);
    close(ex.x, 0), close(ex.y, -1);
    close(ez.depth, 1), close(ez.x, 0), close(ez.y, 0);
  });

  it('at azimuth 45°, x goes left and y right by the same amount, and both recede equally', () => {
    const cam = camera(45, 30);
    const ex = project(cam, [1, 0, 0]);
    const ey = project(cam, [0, 1, 0]);
    close(ex.x, -Math.SQRT1_2);
    close(ey.x, Math.SQRT1_2);
    close(ex.y, ey.y);
    expect(ex.y).toBeLessThan(0);
    close(ex.depth, Math.cos(Math.PI / 6) * Math.SQRT1_2);
  });

  it('keeps lengths of vectors in the screen plane (orthographic, orthonormal frame)', () => {
    const cam = camera(-37, 18);
    for (const [a, b] of [[cam.view, cam.right], [cam.view, cam.up], [cam.right, cam.up]] as const) {
      close(a[0] * b[0] + a[1] * b[1] + a[2] * b[2], 0);
    }
    for (const v of [cam.view, cam.right, cam.up]) close(Math.hypot(...v), 1);
  });
});

describe('projectScene', () => {
  const cam = camera(0, 0); // depth = world x, screen = (y, z)
  /** A unit square facing the viewer, at depth x = 0. */
  const wall: Primitive = { kind: 'face', points: [[0, -1, -1], [0, 1, -1], [0, 1, 1], [0, -1, 1]] };

  it('sorts items far to near, labels last', () => {
    const items = projectScene(cam, [
      { kind: 'text', at: [5, 0, 0], text: 'label' },
      { kind: 'point', at: [2, 0, 0] },
      { kind: 'point', at: [-3, 0, 0] },
      { kind: 'point', at: [0.5, 0, 0] },
    ]);
    expect(items.map((i) => i.depth)).toEqual([-3, 0.5, 2, Infinity]);
    expect(items[3].kind).toBe('text');
  });

  it('dashes exactly the part of a segment that passes behind a face', () => {
    // From in front of the wall (x = 1) through it to behind (x = −1), crossing at the middle.
    const items = projectScene(cam, [wall, { kind: 'segment', from: [1, 0, 0], to: [-1, 0, 0.5] }]);
    const pieces = items.filter((i): i is Extract<Item, { kind: 'segment' }> => i.kind === 'segment');
    expect(pieces).toHaveLength(2);
    const hidden = pieces.find((p) => p.hidden)!;
    const visible = pieces.find((p) => !p.hidden)!;
    // Depth crosses 0 at t = 1/2, i.e. screen height z = 0.25.
    close(hidden.y1, 0.25), close(hidden.y2, 0.5);
    close(visible.y1, 0), close(visible.y2, 0.25);
  });

  it('does not hide what passes beside a face, or lies on it, or in front of it', () => {
    const items = projectScene(cam, [
      wall,
      { kind: 'segment', from: [-1, 2, 0], to: [-1, 3, 0] }, // behind but off to the side
      { kind: 'segment', from: [0, -0.5, 0], to: [0, 0.5, 0] }, // on the face
      { kind: 'segment', from: [1, -0.5, 0], to: [1, 0.5, 0] }, // in front
      { kind: 'point', at: [-1, 0, 0] }, // behind: hidden
      { kind: 'point', at: [1, 0, 0] }, // in front: visible
    ]);
    const segments = items.filter((i) => i.kind === 'segment');
    expect(segments.map((s) => (s as { hidden: boolean }).hidden)).toEqual([false, false, false]);
    const points = items.filter((i): i is Extract<Item, { kind: 'point' }> => i.kind === 'point');
    expect(points.map((p) => [p.depth, p.hidden])).toEqual([[-1, true], [1, false]]);
  });

  it('keeps an arrow head only on the piece that ends at the tip', () => {
    const items = projectScene(cam, [wall, { kind: 'segment', from: [-1, 0, 0], to: [1, 0, 0.5], arrow: true }]);
    const pieces = items.filter((i): i is Extract<Item, { kind: 'segment' }> => i.kind === 'segment');
    expect(pieces.map((p) => [p.hidden, p.arrow])).toEqual([[true, false], [false, true]]);
  });
});

describe('sceneMarks and scenePanel', () => {
  it('draws hidden pieces dashed and keeps one world unit equal across and up', () => {
    const cam = camera(0, 0);
    const items = projectScene(cam, [
      { kind: 'face', points: [[0, -1, -1], [0, 1, -1], [0, 1, 1], [0, -1, 1]], fill: '#ccc' },
      { kind: 'segment', from: [1, -2, 0], to: [-1, 2, 0], stroke: '#000' },
    ]);
    const b = bounds(items);
    expect(b.x).toEqual([-2, 2]);
    const panel = scenePanel(items, 204, 0, 2);
    const xScale = (panel.width - 4) / (panel.x.domain[1] - panel.x.domain[0]);
    const yScale = (panel.height - 4) / (panel.y.domain[1] - panel.y.domain[0]);
    close(xScale, yScale);
    const svg = renderPlot({ ...panel, marks: sceneMarks(items) }, { id: 'camera-test', title: 'test scene', desc: 'a wall and a segment through it' });
    expect(svg).toContain(`stroke-dasharray="${HIDDEN_DASH}"`);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(1);
  });
});
