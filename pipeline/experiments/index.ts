/** Every experiment the article uses, validated once at import. */
import type { Experiment } from './types.ts';
import { spineExperiments } from './spine.ts';
import { validateExperiments } from './validate.ts';

/** Each group of experiments with the file it is defined in, so errors can point there. */
const groups: { file: string; experiments: Experiment[] }[] = [{ file: 'pipeline/experiments/spine.ts', experiments: spineExperiments }];

export const experiments: Experiment[] = groups.flatMap((group) => group.experiments);

const fileOf = new Map(groups.flatMap((group) => group.experiments.map((e) => [e, group.file] as const)));
validateExperiments(experiments, (e) => fileOf.get(e) ?? 'pipeline/experiments/');

export function experimentById(id: string): Experiment {
  const found = experiments.find((e) => e.id === id);
  if (!found) throw new Error(`unknown experiment id "${id}"; known ids: ${experiments.map((e) => e.id).join(', ')} (defined in pipeline/experiments/)`);
  return found;
}
