import type { Experiment, RunConfig } from '../experiments/types.ts';

/** meta.json of one run-store entry. */
export interface RunMeta {
  storeFormat: number;
  hash: string;
  config: RunConfig;
  /** Experiment ids that pointed at this run when it was trained (informational). */
  labels: string[];
  engine: { id: string; sourceHash: string; backend: string; threads: number };
  dataGeneratorHash: string;
  versions: { node: string; [pkg: string]: string };
  /** Steps completed; equals config.steps for a finished run. */
  steps: number;
  wallSeconds: number;
  finalLoss: number;
  /** Loss on 10,000 fresh examples (sparse family only). */
  testLoss: number | null;
  /** sha256 of each tensor file, keyed by file name. */
  files: Record<string, string>;
  createdAt: string;
}

/** A finished run, loaded from the store for figures. */
export interface LoadedRun {
  experiment: Experiment;
  hash: string;
  meta: RunMeta;
  /** m × n, row-major: W[r * n + i] is row r of feature i's column. */
  W: Float32Array;
  /** length n (all zeros when config.bias is false). */
  b: Float32Array;
  /** Training loss recorded at `lossSteps[k]` (a few hundred points, log-friendly spacing). */
  lossSteps: Float64Array;
  loss: Float64Array;
  /** Parameter snapshots (config.snapshots of them) at `snapshotSteps`. */
  snapshotSteps: Float64Array;
  snapshotsW: Float32Array[];
  snapshotsB: Float32Array[];
}
