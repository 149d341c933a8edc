/**
 * A test loss you can quote: its mean over fresh examples, with the standard error that
 * test-set sampling leaves, the median example and how much of the mean the worst 1 % of
 * examples carry.
 *
 * From T = 500 to 5,000 the per-example loss is heavy-tailed: most examples score like the
 * empty model (≈ 1) and a few score hundreds, so 10,000 examples (the run's own test set,
 * TEST_EXAMPLES) leave a standard error of several per cent. This draws further batches of
 * fresh examples, from streams no run trains or tests on, until the standard error is at
 * most TARGET_RELATIVE_ERROR of the mean or MAX_EXAMPLES are used; the result says which.
 * Losses are per example, summed over the outputs: units of the empty model, whatever
 * convention trained the run.
 */
import { TEST_EXAMPLES, type SparseExamples } from '../../../pipeline/data/datasets.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { BLOCK_EXAMPLES } from '../../../pipeline/train/fused.ts';
import { createWasmModel } from '../../../pipeline/train/fusedWasm.ts';
import { extraTestSet, testSet } from './examples.ts';

export const TARGET_RELATIVE_ERROR = 0.01;
export const MAX_EXAMPLES = 100_000;

export interface TestLossEstimate {
  examples: number;
  mean: number;
  /** Standard error of the mean over test examples (sample standard deviation / √examples). */
  standardError: number;
  median: number;
  /** Share of the summed loss carried by the examples in the top 1 % of losses. */
  topPercentShare: number;
  /** Whether standardError ≤ TARGET_RELATIVE_ERROR · mean. */
  precise: boolean;
}

/**
 * Each example's loss summed over outputs: loss-sources.ts's exampleLosses, computed by the
 * fused engine's WebAssembly kernel, which visits only the outputs that fire (5 to 10 times
 * faster here; the two agree to rounding, tests/measurements.test.ts).
 */
export function exampleErrors(run: LoadedRun, examples: SparseExamples): Float64Array {
  const model = createWasmModel(examples, { threads: 1, blockExamples: BLOCK_EXAMPLES });
  try {
    model.loss({ m: 2, n: examples.n, W: run.W, b: run.b });
    return model.exampleErrors();
  } finally {
    model.dispose();
  }
}

const cache = new Map<string, TestLossEstimate>();

export function testLossEstimate(run: LoadedRun): TestLossEstimate {
  const cached = cache.get(run.hash);
  if (cached) return cached;
  const base = testSet(run.meta.config);
  if (!base) throw new Error(`run "${run.experiment.id}" has no test distribution`);
  const batches: Float64Array[] = [exampleErrors(run, base)];
  // Only the mean and its error decide whether to draw more; the sort for the median waits for the end.
  for (let sofar = meanAndError(batches); !isPrecise(sofar) && sofar.count + TEST_EXAMPLES <= MAX_EXAMPLES; sofar = meanAndError(batches)) {
    batches.push(exampleErrors(run, extraTestSet(run.meta.config, batches.length)));
  }
  const estimate = summarise(batches);
  cache.set(run.hash, estimate);
  return estimate;
}

/** The mean of per-example losses over the batches, in order, and its standard error. */
function meanAndError(batches: readonly Float64Array[]): { count: number; total: number; mean: number; standardError: number } {
  let count = 0;
  let total = 0;
  for (const batch of batches) {
    count += batch.length;
    for (const x of batch) total += x;
  }
  const mean = total / count;
  let squares = 0;
  for (const batch of batches) for (const x of batch) squares += (x - mean) ** 2;
  return { count, total, mean, standardError: Math.sqrt(squares / (count - 1) / count) };
}

const isPrecise = ({ mean, standardError }: { mean: number; standardError: number }) => standardError <= TARGET_RELATIVE_ERROR * mean;

/** Mean, standard error, median and top-1 % share of per-example losses. */
export function summarise(batches: readonly Float64Array[]): TestLossEstimate {
  const { count, total, mean, standardError } = meanAndError(batches);
  const all = new Float64Array(count);
  let at = 0;
  for (const batch of batches) {
    all.set(batch, at);
    at += batch.length;
  }
  const sorted = all.sort();
  const median = count % 2 === 1 ? sorted[(count - 1) / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  const top = Math.max(1, Math.round(count / 100));
  let topSum = 0;
  for (let i = count - top; i < count; i++) topSum += sorted[i];
  return { examples: count, mean, standardError, median, topPercentShare: topSum / total, precise: isPrecise({ mean, standardError }) };
}
