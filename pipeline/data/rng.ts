/**
 * Seeded random streams. Every random draw in the project comes from here, so a
 * run is a pure function of its config. Each purpose (training data, init, test
 * data) gets its own stream derived from (seed, stream name), which lets a sweep
 * vary the data seed while the init stays fixed, and vice versa.
 */
import { createHash } from 'node:crypto';
import mt19937 from '@stdlib/random-base-mt19937';
import boxMuller from '@stdlib/random-base-box-muller';
import geometric from '@stdlib/random-base-geometric';

/** `batch-<step>`: the data-stream family's batch for one optimizer step. */
export type StreamName = 'data' | 'init' | 'test' | `batch-${number}`;

export interface RandomStream {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Number of failures before the first success of a Bernoulli(p) sequence. */
  geometric(p: number): number;
}

export function randomStream(seed: number, stream: StreamName): RandomStream {
  // Hash (seed, stream) into the Mersenne Twister's seed array: distinct streams
  // are unrelated even for neighbouring seeds.
  const digest = createHash('sha256').update(`superposition-rng:${seed}:${stream}`).digest();
  const key = new Uint32Array(8);
  for (let i = 0; i < 8; i++) key[i] = digest.readUInt32LE(4 * i);
  // The generator exposes `normalized` (uniform on [0, 1), 53-bit resolution); its
  // published typings omit it.
  const generator = mt19937.factory({ seed: key }) as unknown as { normalized: () => number };
  const uniform = generator.normalized;
  const normal = boxMuller.factory({ prng: uniform });
  const geometricByP = new Map<number, () => number>();
  return {
    uniform,
    normal,
    geometric(p) {
      let draw = geometricByP.get(p);
      if (!draw) {
        draw = geometric.factory(p, { prng: uniform });
        geometricByP.set(p, draw);
      }
      return draw();
    },
  };
}
