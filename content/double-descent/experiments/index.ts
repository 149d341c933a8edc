/** Every experiment this post uses, by group (pipeline/post/post.ts validates them when the post loads). */
import type { ExperimentGroup } from '../../../pipeline/post/post.ts';
import { epsilonExperiments } from './epsilon.ts';
import { paperConventionExperiments } from './paper-convention.ts';
import { sweepExperiments } from './sweep.ts';

export const experimentGroups: readonly ExperimentGroup[] = [
  { file: 'content/double-descent/experiments/sweep.ts', experiments: sweepExperiments },
  { file: 'content/double-descent/experiments/paper-convention.ts', experiments: paperConventionExperiments },
  { file: 'content/double-descent/experiments/epsilon.ts', experiments: epsilonExperiments },
];
