/**
 * Everything the post measures on one run, computed once per run (cached by provenance
 * hash) and shared by the figures, the claims and the numbers the prose quotes.
 */
import { hiddenVectors, type SparseExamples } from '../../../pipeline/data/datasets.ts';
import { rowVectors, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatInteger, formatWithError, selectRuns } from '../../../pipeline/post/format.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { SweepT } from '../experiments/sweep.ts';
import { featureRows, weightedMeanDimensionality } from './dimensionality.ts';
import { classifyHiddenVectors, type SparseClassification } from './outcomes.ts';
import { testSet, trainingSet } from './examples.ts';

export interface RunMeasures {
  run: LoadedRun;
  T: SweepT;
  dataSeed: number;
  /** Final training loss (for T = ∞: on the last batch trained on). */
  trainLoss: number;
  /** Loss on 10,000 fresh examples. */
  testLoss: number;
  /** ‖h‖²-weighted mean example dimensionality over the training examples (T = ∞: the test examples). */
  exampleDimensionality: number;
  /** ‖W_i‖²-weighted mean feature dimensionality over the n features. */
  featureDimensionality: number;
  /** ‖W‖_F. */
  normW: number;
  /** ‖b‖₂. */
  normB: number;
  /** Mean ‖h_t‖ over the same examples as exampleDimensionality. */
  meanHiddenNorm: number;
  /** Outcome of the hidden-vector arrangement; only for T ≤ MAX_CLASSIFIED_T. */
  classification: SparseClassification | null;
}

/** Memorization outcomes are classified up to this T (the T-gons of the paper's figure). */
export const MAX_CLASSIFIED_T = 30;

/** The run's T: its training-set size, or 'inf' for a data stream. */
export function runT(run: LoadedRun): SweepT {
  const data = run.meta.config.data;
  if (data.family === 'sparse') return data.T;
  if (data.family === 'sparse-stream') return 'inf';
  throw new Error(`run "${run.experiment.id}" is not a sparse run (family ${data.family})`);
}

export function runDataSeed(run: LoadedRun): number {
  return run.meta.config.dataSeed ?? run.meta.config.seed;
}

/**
 * The examples a run's hidden vectors are measured on: its training set, or for a stream
 * (which has none) the 10,000 test examples.
 */
export function measuredExamples(run: LoadedRun): SparseExamples {
  const config = run.meta.config;
  return config.data.family === 'sparse-stream' ? testSet(config)! : trainingSet(config);
}

/** The hidden vectors h_t = W x_t of measuredExamples(run). */
export function hiddenOf(run: LoadedRun): Vec2[] {
  return rowVectors(hiddenVectors(run.W, run.meta.config.m, measuredExamples(run)));
}

const cache = new Map<string, RunMeasures>();

export function measureRun(run: LoadedRun): RunMeasures {
  // Runs are content-addressed: the same hash is the same tensors, whichever object holds them.
  const cached = cache.get(run.hash);
  if (cached) return cached.run === run ? cached : { ...cached, run };
  const { m } = run.meta.config;
  if (m !== 2) throw new Error(`run "${run.experiment.id}": the post's measures assume m = 2, got ${m}`);
  const T = runT(run);
  if (run.meta.testLoss === null) throw new Error(`run "${run.experiment.id}" has no test loss`);
  const hidden = hiddenOf(run);
  const flat = Float64Array.from(hidden.flatMap((v) => [v[0], v[1]]));
  let normW = 0;
  for (const w of run.W) normW += w * w;
  let normB = 0;
  for (const b of run.b) normB += b * b;
  const measures: RunMeasures = {
    run,
    T,
    dataSeed: runDataSeed(run),
    trainLoss: run.meta.finalLoss,
    testLoss: run.meta.testLoss,
    exampleDimensionality: weightedMeanDimensionality(flat, m),
    featureDimensionality: weightedMeanDimensionality(featureRows(run.W, m), m),
    normW: Math.sqrt(normW),
    normB: Math.sqrt(normB),
    meanHiddenNorm: hidden.reduce((sum, v) => sum + Math.hypot(v[0], v[1]), 0) / hidden.length,
    classification: T !== 'inf' && T <= MAX_CLASSIFIED_T ? classifyHiddenVectors(hidden) : null,
  };
  cache.set(run.hash, measures);
  return measures;
}

/** Measures of the runs with these ids, in this order. */
export function measureRuns(runs: RunSet, ids: readonly string[]): RunMeasures[] {
  return selectRuns(runs, ids).map(measureRun);
}

/** Mean, smallest and largest of a set of values, and the standard error of the mean. */
export interface Spread {
  mean: number;
  min: number;
  max: number;
  count: number;
  /** Sample standard deviation / √count; 0 for a single value (no error can be measured from one). */
  standardError: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread: no values');
  const count = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / count;
  const variance = count > 1 ? values.reduce((s, x) => s + (x - mean) ** 2, 0) / (count - 1) : 0;
  return { mean, min: Math.min(...values), max: Math.max(...values), count, standardError: Math.sqrt(variance / count) };
}

/**
 * Below this relative size a spread over seeds is float32 rounding of the stored tensors,
 * not a difference between seeds (float32 keeps about 7 significant digits).
 */
const ROUNDING_SPREAD = 1e-6;

/** Three significant digits ("0.0755", "1.00", "55.5"), whole numbers from 100 up ("5,690"). */
const threeDigits = (x: number) => (Math.abs(x) >= 100 ? formatInteger(Math.round(x)) : x.toPrecision(3));

/**
 * A mean over data seeds with its standard error over seeds, at the digits the error
 * allows (formatWithError); where no error can be measured it says why: one seed, or
 * every seed the same value.
 */
export function formatSeedMean(s: Spread, scale = 1, unit = ''): string {
  const mean = scale * s.mean;
  const error = scale * s.standardError;
  if (s.count < 2) return `${threeDigits(mean)}${unit} (one seed)`;
  if (error <= ROUNDING_SPREAD * Math.abs(mean)) return `${threeDigits(mean)}${unit} (every seed)`;
  return `${formatWithError(mean, error)}${unit}`;
}

/** One T's runs and the spread of a measure over its data seeds. */
export interface PerT<V> {
  T: SweepT;
  runs: RunMeasures[];
  value: V;
}

/** Runs grouped by T, finite T ascending then ∞, each group summarised by `summarise`. */
export function byT<V>(measures: readonly RunMeasures[], summarise: (group: RunMeasures[]) => V): PerT<V>[] {
  const groups = new Map<SweepT, RunMeasures[]>();
  for (const m of measures) groups.set(m.T, [...(groups.get(m.T) ?? []), m]);
  return [...groups.entries()]
    .sort(([a], [b]) => tOrder(a) - tOrder(b))
    .map(([T, runs]) => ({ T, runs, value: summarise(runs) }));
}

/** "10,000", "∞". */
/** Sort key for T: numbers in order, the stream (∞) last. */
export function tOrder(T: SweepT): number {
  return T === 'inf' ? Infinity : T;
}

export function formatT(T: SweepT): string {
  return T === 'inf' ? '∞' : formatInteger(T);
}

/** "T = 3 … 30" or "T = 3 … 10,000 and ∞". */
export function tRangeText(Ts: readonly SweepT[]): string {
  const finite = Ts.filter((T): T is number => T !== 'inf').sort((a, b) => a - b);
  const inf = Ts.includes('inf');
  if (finite.length === 0) return inf ? 'T = ∞' : 'no T';
  const range = finite.length === 1 ? formatT(finite[0]) : `${formatT(finite[0])} … ${formatT(finite[finite.length - 1])}`;
  return `T = ${range}${inf ? ' and ∞' : ''}`;
}
