/**
 * The examples the measurements read, generated once per process and shared (read-only).
 * Generating them is a large part of measuring: 10,000 examples of 10,000 features take
 * about 0.1 s, a run's test loss may read ten such sets, and many runs read the same ones:
 * every run with the same data seed shares its test sets whatever its T, and the runs of
 * one T and data seed (both loss conventions, every ε) share their training set. Each set
 * is filed under everything its generator reads: the data config and the data seed.
 */
import { sparseExamples, testExamples, trainingExamples, TEST_EXAMPLES, type SparseExamples } from '../../../pipeline/data/datasets.ts';
import { randomStream, type StreamName } from '../../../pipeline/data/rng.ts';
import type { RunConfig } from '../../../pipeline/experiments/types.ts';
import { canonicalJson } from '../../../pipeline/store/provenance.ts';

const generated = new Map<string, SparseExamples | null>();

function once(config: RunConfig, set: string, generate: () => SparseExamples | null): SparseExamples | null {
  const key = `${canonicalJson(config.data)}|${config.dataSeed ?? config.seed}|${set}`;
  if (!generated.has(key)) generated.set(key, generate());
  return generated.get(key)!;
}

/** datasets.ts's trainingExamples(config), generated once. */
export function trainingSet(config: RunConfig): SparseExamples {
  return once(config, 'training', () => trainingExamples(config))!;
}

/** datasets.ts's testExamples(config), generated once: null for the identity family. */
export function testSet(config: RunConfig): SparseExamples | null {
  return once(config, 'test', () => testExamples(config));
}

/**
 * Batch k ≥ 1 of extra test examples, TEST_EXAMPLES of them, from stream "batch-(−k)":
 * training streams use batch-s for steps s ≥ 0 and the run's test set uses "test", so
 * negative batch numbers are fresh for every run (same data seed, different stream).
 */
export function extraTestSet(config: RunConfig, k: number): SparseExamples {
  const { data } = config;
  if (data.family === 'identity') throw new Error('extraTestSet: the identity family has no test distribution');
  return once(config, `batch-${-k}`, () => sparseExamples(data.n, data.S, TEST_EXAMPLES, randomStream(config.dataSeed ?? config.seed, `batch-${-k}` as StreamName)))!;
}
