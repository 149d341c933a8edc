/**
 * npm run gpu:check [-- --allow-software] [--seconds 5] [--cases 10000x1000,10000x10000]
 *
 * On a machine with a GPU: which adapter Dawn gives us, whether the webgpu engine's
 * gradient is right on it (against the fused CPU engine in float64, at float32
 * tolerance, and bitwise repeatable), and how fast it trains n = 10000 at T = 1000 and
 * 10000 against the fused engine, with the projected time for 50,000 steps.
 * Exits 1 when a check fails. A software adapter is refused unless --allow-software (or
 * WEBGPU_ALLOW_SOFTWARE=1); its speed says nothing about a GPU.
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { trainingExamples } from '../pipeline/data/datasets.ts';
import type { RunConfig } from '../pipeline/experiments/types.ts';
import type { Engine } from '../pipeline/train/engine.ts';
import { createFusedModel, fusedEngine } from '../pipeline/train/fused.ts';
import { initialParameters } from '../pipeline/train/init.ts';
import { train } from '../pipeline/train/loop.ts';
import { chooseAdapter, NoAdapterError, softwareAllowed } from '../pipeline/train/webgpu/device.ts';
import { createWebgpuModel, webgpuEngine } from '../pipeline/train/webgpu/engine.ts';
import { maxRelativeError, newGrads } from '../pipeline/train/compare.ts';

const { values } = parseArgs({
  options: {
    'allow-software': { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    cases: { type: 'string', default: '10000x1000,10000x10000' },
  },
});
const seconds = Number(values.seconds);
// The engine itself asks device.ts, which reads this variable.
if (values['allow-software']) process.env.WEBGPU_ALLOW_SOFTWARE = '1';
const STEPS_GOAL = 50_000;

let adapter;
try {
  adapter = await chooseAdapter({ allowSoftware: softwareAllowed() });
} catch (error) {
  if (!(error instanceof NoAdapterError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const limits = adapter.adapter.limits;
const version = (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
process.stdout.write(
  `adapter: ${adapter.name}\n` +
    `  ${adapter.software ? 'SOFTWARE adapter: correctness only; its speed says nothing about a GPU' : 'hardware adapter'}; Dawn backend ${adapter.backend === 'default' ? 'default (Vulkan on Linux)' : 'OpenGL ES'}; webgpu package ${version}\n` +
    `  limits: ${limits.maxComputeWorkgroupsPerDimension} workgroups per dimension, ${limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup, ${(limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB per storage binding\n\n`,
);

function config(n: number, S: number, T: number, m = 2): RunConfig {
  return { data: { family: 'sparse', n, S, T }, m, bias: true, steps: 1_000_000_000, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 1e-2, seed: 7, engine: 'webgpu', snapshots: 0, lossPoints: 0 };
}

const bits = (a: Float64Array) => Buffer.from(a.buffer).toString('base64');

// Gradient: float32 on the GPU against the fused engine's float64, at points where some
// outputs are active and some are not.
let failed = false;
process.stdout.write('gradient against the fused engine (float64); tolerances: loss 1e-5, gradients 1e-4 of their largest entry\n');
for (const [n, S, T, m] of [[40, 0.8, 25, 2], [601, 0.95, 777, 2], [300, 0.9, 200, 3], [10000, 0.999, 1000, 2], [10000, 0.999, 10000, 2]] as const) {
  const c = config(n, S, T, m);
  const params = initialParameters(c);
  for (let i = 0; i < params.W.length; i++) params.W[i] *= 3;
  for (let j = 0; j < n; j++) params.b[j] = 0.05 * Math.sin(3 * j);
  const examples = trainingExamples(c);
  const reference = newGrads(params);
  const referenceLoss = createFusedModel(examples, m, { kernel: m === 2 ? 'js' : 'generic' }).lossAndGradient(params, reference);
  const model = await createWebgpuModel(examples, m, adapter);
  const first = newGrads(params);
  const second = newGrads(params);
  const loss = await model.lossAndGradient(params, first);
  const again = await model.lossAndGradient(params, second);
  model.dispose();
  const errors = { loss: Math.abs(loss - referenceLoss) / referenceLoss, W: maxRelativeError(first.W, reference.W), b: maxRelativeError(first.b, reference.b) };
  const repeatable = loss === again && bits(first.W) === bits(second.W) && bits(first.b) === bits(second.b);
  const ok = errors.loss < 1e-5 && errors.W < 1e-4 && errors.b < 1e-4 && repeatable;
  failed ||= !ok;
  process.stdout.write(
    `  n=${n} T=${T} m=${m}: loss ${errors.loss.toExponential(1)}, dW ${errors.W.toExponential(1)}, db ${errors.b.toExponential(1)}, ${repeatable ? 'bitwise repeatable' : 'NOT REPEATABLE'}  ${ok ? 'ok' : 'FAILED'}\n`,
  );
}

/** Training steps per second through the shared loop (AdamW included), after one warm-up step. */
async function stepsPerSecond(engine: Engine, c: RunConfig): Promise<number> {
  let warm = 0;
  await train(c, engine, null, { shouldStop: () => warm++ >= 1 });
  let steps = 0;
  let start = 0;
  const outcome = await train(c, engine, null, {
    onProgress: () => {
      if (steps++ === 0) start = performance.now();
    },
    shouldStop: () => steps >= 3 && performance.now() - start > seconds * 1000,
  });
  return (outcome.state.step - 1) / ((performance.now() - start) / 1000);
}

const duration = (s: number) => (s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);
process.stdout.write(`\nspeed (sparse S = 0.999, m = 2, full batch, AdamW on the CPU; fused on ${fusedEngine.threads} threads; at least ${seconds} s each)\n`);
for (const [n, T] of values.cases!.split(',').map((c) => c.split('x').map(Number))) {
  const c = config(n, 0.999, T);
  const gpuRate = await stepsPerSecond(webgpuEngine, c);
  const cpuRate = await stepsPerSecond(fusedEngine, { ...c, engine: 'fused' });
  process.stdout.write(
    `  n=${n} T=${T}: webgpu ${gpuRate.toFixed(2)} steps/s (${STEPS_GOAL} steps: ${duration(STEPS_GOAL / gpuRate)}), ` +
      `fused ${cpuRate.toFixed(2)} steps/s (${duration(STEPS_GOAL / cpuRate)}); webgpu/fused ${(gpuRate / cpuRate).toFixed(2)}×\n`,
  );
}
if (adapter.software) process.stdout.write('\n(software adapter: the speed lines above measure Mesa on this CPU, not a GPU)\n');
process.stdout.write(`\n${failed ? 'gradient check FAILED' : 'gradient check passed'}\n`);
process.exit(failed ? 1 : 0);
