/** Every experiment the article uses, validated once at import. */
import type { Experiment } from './types.ts';
import { spineExperiments } from './spine.ts';
import { validateExperiments } from './validate.ts';

export const experiments: Experiment[] = [...spineExperiments];

validateExperiments(experiments, () => 'pipeline/experiments/spine.ts');

export function experimentById(id: string): Experiment {
  const found = experiments.find((e) => e.id === id);
  if (!found) throw new Error(`unknown experiment id "${id}"; known ids: ${experiments.map((e) => e.id).join(', ')} (defined in pipeline/experiments/)`);
  return found;
}
