import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, importClosure, provenanceHash, sourceHash } from '../../pipeline/store/provenance.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import type { Experiment, RunConfig } from '../../pipeline/experiments/types.ts';

const config: RunConfig = {
  data: { family: 'identity', n: 4 },
  m: 2,
  bias: false,
  steps: 100,
  schedule: { kind: 'constant', lr: 1e-2 },
  weightDecay: 0,
  seed: 0,
  engine: 'fused',
  snapshots: 0,
};
const inputs = { config, engineSourceHash: 'engine-a', dataGeneratorHash: 'data-a' };

describe('canonicalJson', () => {
  it('ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1, e: undefined }));
  });
});

describe('provenanceHash', () => {
  it('is stable: the same inputs give the same, pinned hash', () => {
    // Pinned so that an accidental change to the hashing scheme (which would orphan
    // every committed run) fails here; bump STORE_FORMAT and this value together on purpose.
    expect(provenanceHash(inputs)).toBe(provenanceHash({ ...inputs, config: JSON.parse(JSON.stringify(config)) }));
    expect(provenanceHash(inputs)).toMatchInlineSnapshot(`"ee2d5bd3680ff503c85499212f0d87ccb8f8c91e826e935253991a7780b61cdf"`);
  });

  it('changes with every config field, the engine source and the data generator', () => {
    const base = provenanceHash(inputs);
    const variants: RunConfig[] = [
      { ...config, data: { family: 'identity', n: 5 } },
      { ...config, m: 1 },
      { ...config, bias: true },
      { ...config, steps: 101 },
      { ...config, schedule: { kind: 'constant', lr: 2e-2 } },
      { ...config, weightDecay: 1e-2 },
      { ...config, seed: 1 },
      { ...config, dataSeed: 3 },
      { ...config, initSeed: 3 },
      { ...config, engine: 'tfjs' },
      { ...config, snapshots: 2 },
    ];
    const hashes = new Set([base, ...variants.map((c) => provenanceHash({ ...inputs, config: c }))]);
    expect(hashes.size).toBe(variants.length + 1);
    expect(provenanceHash({ ...inputs, engineSourceHash: 'engine-b' })).not.toBe(base);
    expect(provenanceHash({ ...inputs, dataGeneratorHash: 'data-b' })).not.toBe(base);
  });

  it('does not depend on the experiment id', () => {
    const a: Experiment = { ...config, id: 'first' };
    const b: Experiment = { ...config, id: 'renamed' };
    expect(runHash(a)).toBe(runHash(b));
  });
});

describe('sourceHash', () => {
  function project(files: Record<string, string>): string {
    const root = mkdtempSync(path.join(tmpdir(), 'provenance-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return root;
  }
  const files = {
    'a/engine.ts': "import { step } from './math.ts';\nimport ts from 'typescript';\nexport const run = (x: number) => step(x);\n",
    'a/math.ts': 'export function step(x: number): number {\n  return x * 2;\n}\n',
    'a/label.ts': 'export const label = (x: number) => `x = ${x} and ${`nested ${x}`}`; // text\n',
  };

  it('follows relative imports transitively and skips packages', () => {
    expect(importClosure('a/engine.ts', project(files))).toEqual(['a/engine.ts', 'a/math.ts']);
  });

  it('ignores comments and formatting but not code, including imported code', () => {
    const base = sourceHash(['a/engine.ts'], project(files));
    const commented = project({ ...files, 'a/math.ts': '// doubles x\nexport function step(x: number): number { return x * 2; } /* why */\n' });
    expect(sourceHash(['a/engine.ts'], commented)).toBe(base);
    const changed = project({ ...files, 'a/math.ts': 'export function step(x: number): number {\n  return x * 3;\n}\n' });
    expect(sourceHash(['a/engine.ts'], changed)).not.toBe(base);
  });

  it('reads template literals whole, so text inside them counts as code', () => {
    const base = sourceHash(['a/label.ts'], project(files));
    const recommented = project({ ...files, 'a/label.ts': '/* label */ export const label = (x: number) =>\n  `x = ${x} and ${`nested ${x}`}`;\n' });
    expect(sourceHash(['a/label.ts'], recommented)).toBe(base);
    const retexted = project({ ...files, 'a/label.ts': 'export const label = (x: number) => `x  = ${x} and ${`nested ${x}`}`;\n' });
    expect(sourceHash(['a/label.ts'], retexted)).not.toBe(base);
  });
});
