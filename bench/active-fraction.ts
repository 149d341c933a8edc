/**
 * npx tsx bench/active-fraction.ts -- [--T 100,1000,10000] [--steps 3000] [--every 500] [--threads 2] [--dense] [--trained]
 *
 * Trains post 2's configuration (sparse(10000, S = 0.999), m = 2, bias, full batch, AdamW,
 * warmup-cosine to 1e-3 over a 50,000-step schedule) with the fused engine's active-output
 * kernel for the first `--steps` steps and prints, every `--every` steps, the fraction of
 * outputs that are active (z > 0), the fraction pass 1 visits (per example, the union of the
 * active outputs and targets of its group of four) and the engine's mean time per gradient
 * evaluation since the last line (it runs densely while most outputs fire). With --dense, it
 * also times the active path and the dense kernel on the same parameters (three evaluations
 * each) and checks that they give bitwise-equal loss and gradients there. Speed only:
 * nothing here is written to the run store.
 */
import { parseArgs } from 'node:util';
import { trainingExamples } from '../pipeline/data/datasets.ts';
import path from 'node:path';
import { paperSettingConfig } from '../pipeline/cli/benchConfigs.ts';
import { runHash } from '../pipeline/stages/runs.ts';
import { REPO_ROOT } from '../pipeline/store/provenance.ts';
import { checkpointStatus, loadRun, readEntry } from '../pipeline/store/runStore.ts';
import type { RunConfig } from '../pipeline/experiments/types.ts';
import { adamwUpdate, newAdamState } from '../pipeline/train/adamw.ts';
import { createFusedModel } from '../pipeline/train/fused.ts';
import type { WasmModel } from '../pipeline/train/fusedWasm.ts';
import { initialParameters, type Parameters } from '../pipeline/train/init.ts';
import { learningRate } from '../pipeline/train/schedule.ts';

const { values } = parseArgs({
  options: {
    T: { type: 'string', default: '100,1000,10000' },
    steps: { type: 'string', default: '3000' },
    every: { type: 'string', default: '500' },
    threads: { type: 'string', default: '2' },
    dense: { type: 'boolean', default: false },
    trained: { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const every = Number(values.every);
const threads = Number(values.threads);

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function timeDense(config: RunConfig, params: Parameters, reference: { loss: number; W: Float64Array; b: Float64Array }): { ms: number; identical: boolean } {
  const dense = createFusedModel(trainingExamples(config), 2, { kernel: 'dense', threads });
  const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
  let loss = dense.lossAndGradient(params, grads); // warm-up, and the comparison
  const identical = loss === reference.loss && bytes(grads.W).equals(bytes(reference.W)) && bytes(grads.b).equals(bytes(reference.b));
  const start = performance.now();
  for (let k = 0; k < 3; k++) loss = dense.lossAndGradient(params, grads);
  const ms = (performance.now() - start) / 3;
  dense.dispose();
  return { ms, identical };
}

/**
 * The parameters of post 2's data seed 0 run at T, as far as it has trained: the finished run
 * from runs/, else the checkpoint of a run still training (written every minute), else null.
 */
function trainedParameters(config: RunConfig, T: number): { params: Parameters; step: number } | null {
  const experiment = { id: `paper-T${T}`, ...config };
  const store = path.join(REPO_ROOT, 'runs');
  const hash = runHash(experiment);
  if (readEntry(store, config.data.family, hash).kind === 'ok') {
    const run = loadRun(store, experiment, hash);
    return { params: { m: 2, n: config.data.n, W: run.W, b: run.b }, step: run.meta.steps };
  }
  const checkpoint = checkpointStatus(store, hash, config);
  return checkpoint.kind === 'ok' ? { params: checkpoint.state.params, step: checkpoint.state.step } : null;
}

/**
 * --trained: the end of training (or as far as a run still training has got) instead of its
 * start. For each T, the paper's setting (post 2's data seed 0) is read from runs/, and the
 * active fraction of its parameters is printed with the active-path and dense times there
 * (bitwise checked).
 */
if (values.trained) {
  console.log('     T   step  active  visited  active-path ms  dense ms  ratio  bitwise');
  for (const T of values.T!.split(',').map(Number)) {
    const config = paperSettingConfig(T);
    const trained = trainedParameters(config, T);
    if (!trained) {
      console.log(`${String(T).padStart(6)}  neither in the run store nor checkpointed (npm run train -- dd-T${T}-data0)`);
      continue;
    }
    const { params, step } = trained;
    const probe = createFusedModel(trainingExamples(config), 2, { kernel: 'wasm', threads, denseAbove: Infinity }) as WasmModel;
    const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
    const loss = probe.lossAndGradient(params, grads);
    const activity = probe.activity()!;
    const begin = performance.now();
    for (let k = 0; k < 3; k++) probe.lossAndGradient(params, grads);
    const activeMs = (performance.now() - begin) / 3;
    const dense = timeDense(config, params, { loss, W: grads.W.slice(), b: grads.b.slice() });
    probe.dispose();
    console.log(`${String(T).padStart(6)}  ${String(step).padStart(5)}  ${activity.activeFraction.toFixed(4)}  ${activity.visitedFraction.toFixed(4)}  ${activeMs.toFixed(2).padStart(14)}  ${dense.ms.toFixed(2).padStart(8)}  ${(dense.ms / activeMs).toFixed(1).padStart(5)}  ${dense.identical ? 'yes' : 'NO'}`);
  }
  process.exit(0);
}

for (const T of values.T!.split(',').map(Number)) {
  const config = paperSettingConfig(T);
  const examples = trainingExamples(config);
  // The engine as training uses it (dense while most outputs fire), and a probe that always
  // takes the active path, evaluated at the reported steps for the fractions.
  const model = createFusedModel(examples, 2, { kernel: 'wasm', threads });
  const probe = createFusedModel(examples, 2, { kernel: 'wasm', threads, denseAbove: Infinity }) as WasmModel;
  const params = initialParameters(config);
  const adamW = newAdamState(params.W.length);
  const adamB = newAdamState(params.b.length);
  const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
  console.log(`T = ${T} (n = 10000, ${threads} thread${threads === 1 ? '' : 's'})`);
  console.log('   step  active  visited  engine ms/step' + (values.dense ? '  active-path ms  dense ms  ratio  bitwise' : ''));
  let intervalSteps = 0;
  let evalMs = 0;
  for (let step = 0; step <= steps; step++) {
    const start = performance.now();
    const loss = model.lossAndGradient(params, grads);
    evalMs += performance.now() - start;
    intervalSteps++;
    if (step % every === 0 || step === steps) {
      probe.loss(params);
      const activity = probe.activity()!;
      let line = `  ${String(step).padStart(5)}  ${activity.activeFraction.toFixed(4)}  ${activity.visitedFraction.toFixed(4)}  ${(evalMs / intervalSteps).toFixed(2).padStart(14)}`;
      if (values.dense) {
        const reference = { loss, W: grads.W.slice(), b: grads.b.slice() };
        const probeGrads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
        const begin = performance.now();
        for (let k = 0; k < 3; k++) probe.lossAndGradient(params, probeGrads);
        const activeMs = (performance.now() - begin) / 3;
        const dense = timeDense(config, params, reference);
        line += `  ${activeMs.toFixed(2).padStart(14)}  ${dense.ms.toFixed(2).padStart(8)}  ${(dense.ms / activeMs).toFixed(1).padStart(5)}  ${dense.identical ? 'yes' : 'NO'}`;
      }
      console.log(line);
      intervalSteps = 0;
      evalMs = 0;
    }
    const lr = learningRate(config.schedule, step, config.steps);
    adamwUpdate(params.W, grads.W, adamW, step + 1, lr, config.weightDecay);
    adamwUpdate(params.b, grads.b, adamB, step + 1, lr, config.weightDecay);
  }
  model.dispose();
  probe.dispose();
}
