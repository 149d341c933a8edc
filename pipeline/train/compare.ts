/**
 * Comparing one engine's gradients with another's (the engine tests and `npm run
 * gpu:check`): zeroed gradient buffers and the error measure tolerances are stated in.
 * Nothing that trains imports this, so it is outside every run's provenance hash.
 */
import type { Gradients } from './engine.ts';
import type { Parameters } from './init.ts';

export const newGrads = (p: Parameters): Gradients => ({ W: new Float64Array(p.W.length), b: new Float64Array(p.b.length) });

/** Largest absolute difference, relative to the largest magnitude in either array. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}
