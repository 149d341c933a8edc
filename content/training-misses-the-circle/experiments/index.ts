/** Every experiment this post uses, by group (pipeline/post/post.ts validates them when the post loads). */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { spineExperiments } from './spine.ts';
import { freeDimensionExperiments } from './free-dimensions.ts';
import { tgonExperiments } from './tgons.ts';
import { failureExperiments } from './failure.ts';

/** Each group of experiments with the file it is defined in, so errors can point there. */
const groups: { file: string; experiments: Experiment[] }[] = [
  { file: 'content/training-misses-the-circle/experiments/spine.ts', experiments: spineExperiments },
  { file: 'content/training-misses-the-circle/experiments/free-dimensions.ts', experiments: freeDimensionExperiments },
  { file: 'content/training-misses-the-circle/experiments/tgons.ts', experiments: tgonExperiments },
  { file: 'content/training-misses-the-circle/experiments/failure.ts', experiments: failureExperiments },
];

export const experiments: Experiment[] = groups.flatMap((group) => group.experiments);

/** The groups with their files (section 13 summarises the runs group by group). */
export const experimentGroups: readonly { file: string; experiments: readonly Experiment[] }[] = groups;

const byId = new Map(experiments.map((e) => [e.id, e]));

export function experimentById(id: string): Experiment {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown experiment id "${id}"; known ids: ${experiments.map((e) => e.id).join(', ')} (defined in content/training-misses-the-circle/experiments/)`);
  return found;
}
