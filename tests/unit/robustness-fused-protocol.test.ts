/**
 * The fused engine's worker protocol (fusedWasm.ts) under the faults that hung a plain
 * training run (issue 28): a worker woken from Atomics.wait without a new phase (seen in
 * real runs about once in 30,000 phases; injected here on every phase), a worker whose
 * kernel call throws, one that exits, one that never answers. Each either gives the same
 * bits as one thread or ends with a one-line error, never a hang; a whole training whose
 * worker gets stuck stops with that error and a checkpoint, and resumes to the same bits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingExamples } from '../../pipeline/data/datasets.ts';
import type { RunConfig } from '../../pipeline/experiments/types.ts';
import { createWasmModel, EngineFailureError, FAULT_VARIABLE, type WasmModelOptions } from '../../pipeline/train/fusedWasm.ts';
import { BLOCK_EXAMPLES } from '../../pipeline/train/fused.ts';
import { initialParameters } from '../../pipeline/train/init.ts';
import { TENSOR_FILE } from '../../pipeline/store/runStore.ts';
import { addExperiments, copyRepo, hasStackTrace, onlyEntry, removeCopy, runCli } from '../fixtures/repoCopy.ts';

const CONFIG = {
  data: { family: 'sparse', n: 300, S: 0.95, T: 120 },
  m: 2,
  bias: true,
  steps: 1,
  schedule: { kind: 'constant', lr: 1e-3 },
  weightDecay: 0,
  seed: 3,
  engine: 'fused',
  snapshots: 0,
} as RunConfig;

/** Loss and gradient bits of `evaluations` evaluations at parameters that move each time. */
function evaluate(options: Partial<WasmModelOptions> & { threads: number }, evaluations: number): Buffer {
  const examples = trainingExamples(CONFIG);
  const params = initialParameters(CONFIG);
  const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
  const model = createWasmModel(examples, { blockExamples: BLOCK_EXAMPLES, denseAbove: Infinity, ...options });
  const out: number[] = [];
  try {
    for (let k = 0; k < evaluations; k++) {
      out.push(model.lossAndGradient(params, grads), ...grads.W, ...grads.b);
      // A plain gradient step, so every evaluation sees new parameters.
      for (let i = 0; i < params.W.length; i++) params.W[i] -= 0.05 * grads.W[i];
      for (let i = 0; i < params.b.length; i++) params.b[i] -= 0.05 * grads.b[i];
    }
  } finally {
    model.dispose();
  }
  return Buffer.from(new Float64Array(out).buffer);
}

describe('fused engine worker protocol', () => {
  const reference = evaluate({ threads: 1 }, 40);

  it('a worker woken without a new phase waits again: same bits as one thread, on the active and dense kernels', () => {
    // Before the fix a spurious wake ran the phase twice and counted it twice: wrong bits or a hang.
    for (const threads of [2, 3, 5]) {
      expect(evaluate({ threads, inject: { spuriousWakeEvery: 1 } }, 40).equals(reference), `${threads} threads`).toBe(true);
    }
    const dense = evaluate({ threads: 1, activeOnly: false }, 40);
    expect(evaluate({ threads: 4, activeOnly: false, inject: { spuriousWakeEvery: 1 } }, 40).equals(dense)).toBe(true);
  });

  it('repeats create–train–dispose many times (the hang sequence, scaled down) with the same bits every time', () => {
    for (let round = 0; round < 25; round++) {
      expect(evaluate({ threads: 2 + (round % 3), inject: { spuriousWakeEvery: 1 + (round % 4) } }, 40).equals(reference), `round ${round}`).toBe(true);
    }
  });

  it.each([
    ['throws', { kind: 'throw', atCall: 7 }, /^fused engine: worker thread 2 of 3 failed in the .+ pass: Error: injected fault$/],
    ['exits', { kind: 'exit', atCall: 7 }, /^fused engine: worker thread 2 of 3 exited in the middle of training$/],
    ['never answers', { kind: 'hang', atCall: 7 }, /^fused engine: worker thread 2 of 3 has not finished the .+ pass after \d+ s \(this thread's share took .+ ms\); it is stuck$/],
  ] as const)('a worker that %s ends the evaluation with a one-line error, and the model refuses to go on', (_, fault, message) => {
    const examples = trainingExamples(CONFIG);
    const params = initialParameters(CONFIG);
    const grads = { W: new Float64Array(params.W.length), b: new Float64Array(params.b.length) };
    const model = createWasmModel(examples, { threads: 3, blockExamples: BLOCK_EXAMPLES, stallMs: 1000, inject: { fault } });
    let caught: unknown = null;
    try {
      for (let k = 0; k < 20; k++) model.lossAndGradient(params, grads);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineFailureError);
    expect((caught as Error).message).toMatch(message);
    expect(() => model.loss(params)).toThrow(EngineFailureError);
    model.dispose();
  });
});

describe('a training whose engine worker gets stuck', () => {
  let root: string;
  beforeAll(() => {
    root = copyRepo();
    addExperiments(
      root,
      `[{ id: 'wide-run', data: { family: 'sparse', n: 1000, S: 0.99, T: 200 }, m: 2, bias: true, steps: 400, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 0, seed: 0, engine: 'fused', snapshots: 3 }]`,
    );
  });
  afterAll(() => removeCopy(root));

  it('stops with one line naming the run, the step and the fault, keeps a checkpoint, and resumes to the same bits', async () => {
    const train = (store: string, env: Record<string, string> = {}) => runCli(root, 'pipeline/cli/train.ts', ['wide-run', '--store', store, '--threads', '2'], env);
    const reference = path.join(root, 'reference');
    const clean = await train(reference);
    expect(clean.code, clean.stderr).toBe(0);

    const store = path.join(root, 'faulty');
    // Two phases a step: the worker stops answering in step 150 (the snapshot at step 133 is behind it).
    const failed = await train(store, { [FAULT_VARIABLE]: JSON.stringify({ kind: 'hang', atCall: 301, stallMs: 1500 }) });
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(hasStackTrace(failed.stderr), failed.stderr).toBe(false);
    expect(failed.stderr.trim()).toMatch(
      /^experiment "wide-run" stopped at step 150 of 400: fused engine: worker thread 2 of 2 has not finished the .+ pass after \d+ s .+; it is stuck\. Its progress is checkpointed: run the same command again to resume it/,
    );
    expect(readdirSync(path.join(store, 'checkpoints'))).toHaveLength(1);
    expect(existsSync(path.join(store, 'sparse')) ? readdirSync(path.join(store, 'sparse')) : []).toEqual([]); // nothing published

    const resumed = await train(store);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resuming at step 150');
    const tensors = (dir: string) => readFileSync(path.join(onlyEntry(dir, 'sparse'), TENSOR_FILE));
    expect(tensors(store).equals(tensors(reference)), 'resumed run differs from the uninterrupted one').toBe(true);
  }, 120_000);
});
