import type { RunConfig } from '../experiments/types.ts';
import { randomStream } from '../data/rng.ts';

export interface Parameters {
  m: number;
  n: number;
  /** m × n row-major. */
  W: Float32Array;
  /** length n; stays zero when the config has no bias. */
  b: Float32Array;
}

/** Xavier-normal W (std √(2/(n+m)), PyTorch's xavier_normal_ with gain 1) and b = 0 (or config.initBias). */
export function initialParameters(config: RunConfig): Parameters {
  const { m } = config;
  const n = config.data.n;
  const rng = randomStream(config.initSeed ?? config.seed, 'init');
  const std = Math.sqrt(2 / (n + m));
  const W = new Float32Array(m * n);
  for (let i = 0; i < W.length; i++) W[i] = std * rng.normal();
  const b = new Float32Array(n);
  if (config.initBias !== undefined) {
    if (typeof config.initBias === 'number') b.fill(config.initBias);
    else b.set(config.initBias);
  }
  return { m, n, W, b };
}
