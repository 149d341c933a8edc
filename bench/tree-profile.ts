/**
 * npx tsx bench/tree-profile.ts -- [--n 10000] [--T 10000] [--steps 6] [--trained dd-T10000-data0] [--rounds 3] [--threads 1]
 *
 * Times the tree engine's evaluation against the fused engine's dense kernel on the same
 * parameters (alternating, so load on a shared machine hits both alike): the bench's
 * configuration after `--steps` AdamW steps, or a committed run of post 2 (`--trained id`).
 * With TREE_PROFILE=1 the tree model prints where its time went. Speed only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchConfig } from '../pipeline/cli/benchConfigs.ts';
import { trainingExamples } from '../pipeline/data/datasets.ts';
import { canonicalJson, REPO_ROOT } from '../pipeline/store/provenance.ts';
import { loadRun } from '../pipeline/store/runStore.ts';
import { createFusedModel, fusedEngine } from '../pipeline/train/fused.ts';
import type { Parameters } from '../pipeline/train/init.ts';
import { train } from '../pipeline/train/loop.ts';
import { createTreeModel } from '../pipeline/train/tree.ts';
import { sweepExperiments } from '../content/double-descent/experiments/sweep.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    T: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '6' },
    trained: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    dense: { type: 'boolean', default: true },
    kernel: { type: 'string', default: 'wasm' },
  },
});
const threads = Number(values.threads);
let examples;
let params: Parameters;
let label: string;
if (values.trained) {
  const experiment = sweepExperiments.find((e) => e.id === values.trained)!;
  const { id: _id, ...wanted } = experiment;
  const root = path.join(REPO_ROOT, 'runs');
  const hash = readdirSync(path.join(root, 'sparse')).find((h) => canonicalJson(JSON.parse(readFileSync(path.join(root, 'sparse', h, 'meta.json'), 'utf8')).config) === canonicalJson(wanted))!;
  const run = loadRun(root, experiment, hash);
  examples = trainingExamples(experiment);
  params = { m: 2, n: experiment.data.n, W: run.W.slice(), b: run.b.slice() };
  label = values.trained;
} else {
  const config = benchConfig(Number(values.n), Number(values.T));
  let done = 0;
  fusedEngine.threads = 1;
  const { state } = await train(config, fusedEngine, null, { shouldStop: () => done++ >= Number(values.steps) });
  examples = trainingExamples(config);
  params = state.params;
  label = `bench n=${values.n} T=${values.T} after ${state.step} steps`;
}
const tree = createTreeModel(examples, { threads, kernel: values.kernel as 'wasm' | 'js' });
if (values.kernel === 'wasm') {
  const js = createTreeModel(examples, { kernel: 'js' });
  const a = { W: new Float64Array(2 * params.n), b: new Float64Array(params.n) };
  const b = { W: new Float64Array(2 * params.n), b: new Float64Array(params.n) };
  const la = tree.lossAndGradient(params, a), lb = js.lossAndGradient(params, b);
  console.log('wasm vs js bitwise:', la === lb && Buffer.from(a.W.buffer).equals(Buffer.from(b.W.buffer)) && Buffer.from(a.b.buffer).equals(Buffer.from(b.b.buffer)), la, lb);
}
const dense = createFusedModel(examples, 2, { kernel: 'dense', threads: 1 });
// The fused engine as training runs it (its active-output kernel where that is faster).
const fused = createFusedModel(examples, 2, { threads: 1 });
const grads = () => ({ W: new Float64Array(2 * params.n), b: new Float64Array(params.n) });
const g = grads();
for (let i = 0; i < 3; i++) tree.lossAndGradient(params, g); // warm-up
let treeMs = 0, denseMs = 0, fusedMs = 0;
fused.lossAndGradient(params, g);
const rounds = Number(values.rounds);
// CPU time of this process (on one thread, what a loaded machine disturbs least), else wall time.
const clock = () => (threads === 1 ? (process.cpuUsage().user + process.cpuUsage().system) / 1000 : performance.now());
for (let r = 0; r < rounds; r++) {
  let start = clock();
  tree.lossAndGradient(params, g);
  treeMs += clock() - start;
  if (values.dense) {
    start = clock();
    dense.lossAndGradient(params, g);
    denseMs += clock() - start;
    start = clock();
    fused.lossAndGradient(params, g);
    fusedMs += clock() - start;
  }
}
console.log(`${label}: tree ${(treeMs / rounds).toFixed(1)} ms/eval (${threads} threads), dense 1-thread ${(denseMs / rounds).toFixed(1)} ms/eval, ratio ${(denseMs / treeMs).toFixed(2)}×; fused as trained (1 thread, ${fused.backend}) ${(fusedMs / rounds).toFixed(1)} ms/eval, ratio ${(fusedMs / treeMs).toFixed(2)}×`);
tree.dispose();
dense.dispose();
fused.dispose();
