/**
 * The training loop against PyTorch itself: the same data, init and learning-rate
 * schedule through torch.optim.AdamW (float32) must land on the same parameters as the
 * fused engine, to within float32 rounding. This pins "AdamW with PyTorch semantics"
 * (decoupled decay, bias correction, ε placement) to the real thing. Needs Debian's
 * python3-torch (installed by the README's first command and by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../pipeline/experiments/types.ts';
import { trainingExamples } from '../../pipeline/data/datasets.ts';
import { initialParameters } from '../../pipeline/train/init.ts';
import { learningRate } from '../../pipeline/train/schedule.ts';
import { train } from '../../pipeline/train/loop.ts';
import { fusedEngine } from '../../pipeline/train/fused.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasTorch = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`pytorch-reference: skipped, ${python} cannot import torch (apt-get install python3-torch)`);

function runTorch(config: RunConfig) {
  const examples = trainingExamples(config);
  const X = Array.from({ length: examples.T }, (_, t) => {
    const row = new Array(examples.n).fill(0);
    for (let k = examples.rowStart[t]; k < examples.rowStart[t + 1]; k++) row[examples.index[k]] = examples.value[k];
    return row;
  });
  const problem = {
    X,
    W0: Array.from(initialParameters(config).W),
    m: config.m,
    n: examples.n,
    bias: config.bias,
    weightDecay: config.weightDecay,
    lrs: Array.from({ length: config.steps }, (_, s) => learningRate(config.schedule, s, config.steps)),
  };
  const child = spawnSync(python, [path.join(REPO_ROOT, 'tests/reference/torch_adamw.py')], { input: JSON.stringify(problem), encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`torch reference failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { W: number[]; b: number[]; loss: number };
}

const base: RunConfig = {
  data: { family: 'sparse', n: 60, S: 0.9, T: 12 },
  m: 2,
  bias: true,
  steps: 60,
  schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 20 },
  weightDecay: 1e-2,
  seed: 5,
  engine: 'fused',
  snapshots: 0,
};

describe.skipIf(!hasTorch)('fused training vs PyTorch AdamW', () => {
  it.each([
    ['sparse data, bias, warmup + cosine, weight decay', base],
    ['identity data, no bias, constant lr', { ...base, data: { family: 'identity', n: 5 }, bias: false, schedule: { kind: 'constant', lr: 1e-2 }, weightDecay: 0 } as RunConfig],
  ])('%s: same parameters after 60 steps', async (_name, config) => {
    const reference = runTorch(config);
    const ours = await train(config, fusedEngine, null);
    expect(ours.finished).toBe(true);
    if (!ours.finished) return;
    // Parameters are O(0.1–1); float32 rounding over 60 steps stays within a few ulps.
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    expect(maxDiff(ours.state.params.W, reference.W)).toBeLessThan(5e-6);
    expect(maxDiff(ours.state.params.b, reference.b)).toBeLessThan(5e-6);
    expect(Math.abs(ours.finalLoss - reference.loss) / reference.loss).toBeLessThan(1e-5);
  });
});
