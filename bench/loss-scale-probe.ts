/**
 * npx tsx bench/loss-scale-probe.ts -- [--T 500] [--threads 2] [--scales 1,1e-4]
 *
 * A probe, not a run: nothing is written to the run store and no post reads it.
 *
 * Post 2's test loss at T ≥ 500 is far above the paper's (features seen once in training
 * grow long with a large negative bias, and fire on fresh examples). One candidate cause is
 * the loss's normalisation. Ours sums the squared error over the n outputs and averages over
 * the examples; averaging over the outputs too divides every gradient by n. AdamW ignores a
 * gradient's scale except through ε (10⁻⁸), so the two differ only where gradients are
 * small, which is exactly the rarely seen features. This trains the paper's setting (data
 * seed 0) with the gradient multiplied by each scale before the AdamW step and prints the
 * final training and test loss, both in our normalisation (the all-zero model scores 1).
 */
import { parseArgs } from 'node:util';
import { paperSettingConfig } from '../pipeline/cli/benchConfigs.ts';
import { testExamples, trainingExamples } from '../pipeline/data/datasets.ts';
import { adamwUpdate, newAdamState } from '../pipeline/train/adamw.ts';
import { createFusedModel } from '../pipeline/train/fused.ts';
import { initialParameters } from '../pipeline/train/init.ts';
import { learningRate } from '../pipeline/train/schedule.ts';

const { values } = parseArgs({
  options: {
    T: { type: 'string', default: '500' },
    threads: { type: 'string', default: '2' },
    scales: { type: 'string', default: '1,1e-4' },
  },
});
const threads = Number(values.threads);

for (const T of values.T!.split(',').map(Number)) {
  const config = paperSettingConfig(T);
  for (const scale of values.scales!.split(',').map(Number)) {
    const started = performance.now();
    const model = createFusedModel(trainingExamples(config), 2, { kernel: 'wasm', threads });
    const params = initialParameters(config);
    const adamW = newAdamState(params.W.length);
    const adamB = newAdamState(params.b.length);
    const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
    let trainLoss = NaN;
    for (let step = 0; step < config.steps; step++) {
      trainLoss = model.lossAndGradient(params, grads);
      for (let i = 0; i < grads.W.length; i++) grads.W[i] *= scale;
      for (let i = 0; i < grads.b.length; i++) grads.b[i] *= scale;
      const lr = learningRate(config.schedule, step, config.steps);
      adamwUpdate(params.W, grads.W, adamW, step + 1, lr, config.weightDecay);
      adamwUpdate(params.b, grads.b, adamB, step + 1, lr, config.weightDecay);
    }
    trainLoss = model.loss(params);
    model.dispose();
    const tester = createFusedModel(testExamples(config)!, 2, { kernel: 'wasm', threads });
    const testLoss = tester.loss(params);
    tester.dispose();
    let normW = 0;
    for (const w of params.W) normW += w * w;
    console.log(`T = ${T}, gradient × ${scale}: training loss ${trainLoss.toPrecision(4)}, test loss ${testLoss.toPrecision(4)}, ‖W‖ ${Math.sqrt(normW).toPrecision(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
