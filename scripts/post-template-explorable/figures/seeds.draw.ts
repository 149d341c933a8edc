/**
 * Draws `seeds` for one seed. This module runs at build time and in the reader's browser:
 * it imports only Plot and browser-safe helpers (compose.ts, not render.ts) and reads only
 * the data the pipeline exported (seeds.ts).
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from '../../../pipeline/render/compose.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import type { ControlValues } from '../../../pipeline/post/explorable.ts';

export interface SeedsData {
  /** Per seed: the feature vectors' tips and the final loss, formatted by the pipeline. */
  bySeed: Record<string, { x: number[]; y: number[]; loss: string }>;
}

const unitCircle = Array.from({ length: 121 }, (_, k) => ({ x: Math.cos((k * Math.PI) / 60), y: Math.sin((k * Math.PI) / 60) }));

export default function draw(data: SeedsData, values: ControlValues): string {
  const run = data.bySeed[String(values.seed)];
  const tips = run.x.map((x, i) => ({ x, y: run.y[i] }));
  return renderPlot(
    {
      width: 320,
      height: 320,
      x: { domain: [-1.6, 1.6], label: null },
      y: { domain: [-1.6, 1.6], label: null },
      marks: [
        Plot.line(unitCircle, { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
        Plot.arrow(tips, { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.feature, strokeWidth: 2 }),
      ],
    },
    { id: 'seeds', title: `Feature vectors, seed ${String(values.seed)}`, desc: `The trained feature vectors of seed ${String(values.seed)}; final loss ${run.loss}.` },
  );
}
