/**
 * npx tsx bench/same-science.ts [--ids dd-T2000-data0,dd-T2000-data1] [--out bench/same-science.json]
 *
 * Does the tree engine reach the same science as the fused engine post 2 was trained on
 * (issue 24)? Retrains the named sweep runs with `engine: 'tree'` (everything else as
 * committed; the trees run from T = 2,000), then measures the test loss of each with
 * post 2's estimator (fresh examples until the standard error is 1 % of the mean) beside
 * the committed fused runs of every data seed at the same T. The two engines agree to
 * rounding per step, not bitwise, and a long run amplifies rounding, so the claim to check
 * is agreement within the spread over data seeds, not equality: the difference between the
 * two engines on the same data seed against the standard deviation of the fused runs over
 * data seeds. Slow: one 50,000-step run per id (≈ 12 minutes each on a shared core at
 * T = 2,000).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Experiment } from '../pipeline/experiments/types.ts';
import { runHash } from '../pipeline/stages/runs.ts';
import { REPO_ROOT } from '../pipeline/store/provenance.ts';
import { loadRun } from '../pipeline/store/runStore.ts';
import type { LoadedRun } from '../pipeline/store/types.ts';
import { train } from '../pipeline/train/loop.ts';
import { fusedEngine } from '../pipeline/train/fused.ts';
import { treeEngine } from '../pipeline/train/tree.ts';
import { sweepExperiments } from '../content/double-descent/experiments/sweep.ts';
import { testLossEstimate } from '../content/double-descent/measurements/test-loss.ts';

const { values } = parseArgs({
  options: {
    ids: { type: 'string', default: 'dd-T2000-data0,dd-T2000-data1' },
    out: { type: 'string', default: 'bench/same-science.json' },
  },
});
const ids = values.ids!.split(',');
// One thread (the tree engine takes the fused engine's setting); results do not depend on it.
fusedEngine.threads = 1;
/** The committed run of an experiment (the run store verifies it against its hash). */
const committed = (e: Experiment) => loadRun(path.join(REPO_ROOT, 'runs'), e, runHash(e));
const report = [];
for (const id of ids) {
  const experiment = sweepExperiments.find((e) => e.id === id);
  if (!experiment) throw new Error(`same-science: no sweep experiment "${id}"`);
  const T = experiment.data.family === 'sparse' ? experiment.data.T : null;
  const peers = sweepExperiments.filter((e) => e.data.family === 'sparse' && e.data.T === T && e.lossReduction === experiment.lossReduction && e.adamEps === experiment.adamEps);
  const fused = peers.map((e) => ({ id: e.id, ...testLossEstimate(committed(e)) }));
  const start = performance.now();
  const result = await train({ ...experiment, engine: 'tree' }, treeEngine, null);
  const seconds = (performance.now() - start) / 1000;
  const own = committed(experiment);
  const retrained: LoadedRun = {
    ...own,
    hash: `${own.hash}-tree`,
    W: result.state.params.W,
    b: result.state.params.b,
  };
  const tree = testLossEstimate(retrained);
  const losses = fused.map((f) => f.mean);
  const seedMean = losses.reduce((a, b) => a + b, 0) / losses.length;
  const seedSd = Math.sqrt(losses.reduce((a, b) => a + (b - seedMean) ** 2, 0) / (losses.length - 1));
  const sameSeed = fused.find((f) => f.id === id)!;
  const row = {
    id,
    treeSeconds: Math.round(seconds),
    treeFinalTrainLoss: result.finished ? result.finalLoss : null,
    fusedFinalTrainLoss: own.loss[own.loss.length - 1],
    tree: { mean: tree.mean, standardError: tree.standardError },
    fusedSameSeed: { mean: sameSeed.mean, standardError: sameSeed.standardError },
    fusedSeeds: fused.map((f) => ({ id: f.id, mean: f.mean, standardError: f.standardError })),
    fusedSeedSd: seedSd,
    withinSeedSpread: Math.abs(tree.mean - sameSeed.mean) <= seedSd,
  };
  report.push(row);
  console.log(
    `${id}: tree test loss ${tree.mean.toPrecision(4)} ± ${tree.standardError.toPrecision(2)} (trained in ${row.treeSeconds} s), ` +
      `fused ${sameSeed.mean.toPrecision(4)} ± ${sameSeed.standardError.toPrecision(2)}; fused over ${losses.length} data seeds ` +
      `${seedMean.toPrecision(4)} (sd ${seedSd.toPrecision(2)}): the engines differ by ${(tree.mean - sameSeed.mean).toPrecision(2)}, ` +
      `${row.withinSeedSpread ? 'within' : 'OUTSIDE'} the spread over data seeds`,
  );
}
writeFileSync(values.out!, JSON.stringify(report, null, 2) + '\n');
