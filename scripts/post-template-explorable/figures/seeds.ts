/** `seeds`, explorable: the trained feature vectors of each seed, chosen with a slider. */
import { explorableFigure } from '../../../pipeline/post/explorable.ts';
import { formatLoss, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { SEEDS, seedExperiments } from '../experiments/seeds.ts';
import draw, { type SeedsData } from './seeds.draw.ts';

const ids = seedExperiments.map((e) => e.id);

export default explorableFigure<SeedsData>({
  id: 'seeds',
  needs: ids,
  caption: 'The same model trained from other seeds: move the slider to see where each one puts its four features.',
  controls: [{ id: 'seed', label: 'Seed', kind: 'slider', values: SEEDS, default: SEEDS[0] }],
  draw,
  data(runs) {
    const used = selectRuns(runs, ids);
    const bySeed = Object.fromEntries(
      used.map((run) => {
        const n = run.meta.config.data.n;
        const W = Array.from(run.W, (w) => Number(w.toPrecision(6)));
        return [String(run.meta.config.seed), { x: W.slice(0, n), y: W.slice(n, 2 * n), loss: formatLoss(run.meta.finalLoss) }];
      }),
    );
    return { data: { bySeed }, provenance: provenanceLine(used), numbers: { 'seeds.count': String(used.length) } };
  },
});
