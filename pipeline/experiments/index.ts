/** Every experiment the article uses, validated once at import. */
import type { Experiment } from './types.ts';
import { spineExperiments } from './spine.ts';
import { freeDimensionExperiments } from './free-dimensions.ts';
import { tgonExperiments } from './tgons.ts';
import { failureExperiments } from './failure.ts';
import { validateExperiments } from './validate.ts';

/** Each group of experiments with the file it is defined in, so errors can point there. */
const groups: { file: string; experiments: Experiment[] }[] = [
  { file: 'pipeline/experiments/spine.ts', experiments: spineExperiments },
  { file: 'pipeline/experiments/free-dimensions.ts', experiments: freeDimensionExperiments },
  { file: 'pipeline/experiments/tgons.ts', experiments: tgonExperiments },
  { file: 'pipeline/experiments/failure.ts', experiments: failureExperiments },
];

export const experiments: Experiment[] = groups.flatMap((group) => group.experiments);

/** The groups with their files (section 13 summarises the runs group by group). */
export const experimentGroups: readonly { file: string; experiments: readonly Experiment[] }[] = groups;

const fileOf = new Map(groups.flatMap((group) => group.experiments.map((e) => [e, group.file] as const)));
validateExperiments(experiments, (e) => fileOf.get(e) ?? 'pipeline/experiments/');

const byId = new Map(experiments.map((e) => [e.id, e]));

export function experimentById(id: string): Experiment {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown experiment id "${id}"; known ids: ${experiments.map((e) => e.id).join(', ')} (defined in pipeline/experiments/)`);
  return found;
}
