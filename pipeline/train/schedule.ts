import type { LrSchedule } from '../experiments/types.ts';

/** Learning rate used for optimizer step `step` (0-based) of a run with `totalSteps` steps. */
export function learningRate(schedule: LrSchedule, step: number, totalSteps: number): number {
  if (schedule.kind === 'constant') return schedule.lr;
  const { peakLr, warmupSteps } = schedule;
  // Linear warmup that reaches the peak on the last warmup step, so the first step is not wasted at lr = 0.
  if (step < warmupSteps) return (peakLr * (step + 1)) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  if (decaySteps <= 0) return peakLr;
  const progress = (step - warmupSteps) / decaySteps;
  return 0.5 * peakLr * (1 + Math.cos(Math.PI * progress));
}
