import { ENGINE_IDS, type EngineId } from '../experiments/types.ts';
import type { Engine } from './engine.ts';
import { fusedEngine } from './fused.ts';
import { treeEngine } from './tree.ts';
import { webgpuEngine } from './webgpu/engine.ts';

/**
 * tfjs.ts is imported on the first tfjs model, not with this module: TensorFlow.js takes
 * ~0.3 s to load and every CLI imports the engines (to hash runs), while few runs train on
 * tfjs (issue 26: a CLI's start). The fields are tfjs.ts's own, which engines.test.ts
 * checks.
 */
const tfjsModule = () => import('./tfjs.ts');
const lazyTfjsEngine: Engine = {
  id: 'tfjs',
  sourceEntry: 'pipeline/train/tfjs.ts',
  threads: 1,
  backend: async () => (await tfjsModule()).tfjsEngine.backend(),
  createModel: async (examples, m) => (await tfjsModule()).tfjsEngine.createModel(examples, m),
};

export const engines: Record<EngineId, Engine> = { fused: fusedEngine, tfjs: lazyTfjsEngine, webgpu: webgpuEngine, tree: treeEngine };

/**
 * TRAIN_ENGINE=<id> trains every experiment on that engine instead of the one it names
 * (e.g. a whole group on a GPU: TRAIN_ENGINE=webgpu). The engine id is part of the run's
 * config, so the override must be applied before hashing: use these functions wherever
 * an experiment's run is hashed or trained. This is the only place the variable is read.
 */
export const ENGINE_OVERRIDE_VARIABLE = 'TRAIN_ENGINE';

export class EngineOverrideError extends Error {}

/** The engine an experiment trains on: TRAIN_ENGINE when set, else the experiment's own. */
export function effectiveEngineId(experiment: { engine: EngineId }): EngineId {
  const override = process.env[ENGINE_OVERRIDE_VARIABLE];
  if (override === undefined || override === '') return experiment.engine;
  if (!(ENGINE_IDS as readonly string[]).includes(override)) {
    throw new EngineOverrideError(`${ENGINE_OVERRIDE_VARIABLE}="${override}" is not an engine; use one of ${ENGINE_IDS.join(', ')}`);
  }
  return override as EngineId;
}

/** The experiment as it will be trained and hashed (its engine replaced by the override, if any). */
export function withEffectiveEngine<E extends { engine: EngineId }>(experiment: E): E {
  const engine = effectiveEngineId(experiment);
  return engine === experiment.engine ? experiment : { ...experiment, engine };
}

export function engineFor(experiment: { engine: EngineId }): Engine {
  return engines[effectiveEngineId(experiment)];
}
