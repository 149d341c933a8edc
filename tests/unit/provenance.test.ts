import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEntries } from '../../pipeline/store/prune.ts';
import { canonicalJson, DATA_GENERATOR_ENTRY, importClosure, numericsHash, provenanceHash, REPO_ROOT, sourceHash, TRAINING_LOOP_ENTRY } from '../../pipeline/store/provenance.ts';
import { NUMERICS_ALIASES } from '../../pipeline/store/numerics-aliases.ts';
import { engines } from '../../pipeline/train/engines.ts';
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

  it('keeps what TypeScript reads of each file on disk, verified: a second process hashes without loading TypeScript, and an altered entry is read again', () => {
    // A text no other test or run has hashed, so its facts are not on disk yet.
    const nonce = randomUUID();
    const root = project({ ...files, 'a/math.ts': `${files['a/math.ts']}export const nonce = '${nonce}';\n` });
    const hashIn = (where: string) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'tests/fixtures/source-hash.ts'), where, 'a/engine.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout) as { hash: string; typeScriptLoaded: boolean };
    };
    const expected = sourceHash(['a/engine.ts'], root);
    const first = hashIn(root);
    expect(first.hash).toBe(expected);
    const second = hashIn(root);
    expect(second).toEqual({ hash: expected, typeScriptLoaded: false });

    // The entry for math.ts, found by its text; its tokens altered as if by hand, checksum kept.
    const factsDir = path.join(REPO_ROOT, 'node_modules/.cache/provenance');
    const entry = readdirSync(factsDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => path.join(factsDir, name))
      .find((file) => readFileSync(file, 'utf8').includes(nonce))!;
    const facts = JSON.parse(readFileSync(entry, 'utf8')) as { tokens: string };
    writeFileSync(entry, JSON.stringify({ ...facts, tokens: facts.tokens.replace('2', '3') }));
    const altered = hashIn(root);
    expect(altered).toEqual({ hash: expected, typeScriptLoaded: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('reads template literals whole, so text inside them counts as code', () => {
    const base = sourceHash(['a/label.ts'], project(files));
    const recommented = project({ ...files, 'a/label.ts': '/* label */ export const label = (x: number) =>\n  `x = ${x} and ${`nested ${x}`}`;\n' });
    expect(sourceHash(['a/label.ts'], recommented)).toBe(base);
    const retexted = project({ ...files, 'a/label.ts': 'export const label = (x: number) => `x  = ${x} and ${`nested ${x}`}`;\n' });
    expect(sourceHash(['a/label.ts'], retexted)).not.toBe(base);
  });
});

describe('sourceHash and line endings', () => {
  const entries = [[DATA_GENERATOR_ENTRY], ...Object.values(engines).map((engine) => [engine.sourceEntry, TRAINING_LOOP_ENTRY])];

  // The data-generator hash every committed run records in meta.json: reading the LF files
  // of this checkout must give it back, so no committed run moves. (A fork with no runs
  // has nothing to compare against; the CRLF test below still runs.)
  const recorded = listEntries(path.join(REPO_ROOT, 'runs')).map((entry) => (JSON.parse(readFileSync(path.join(entry.dir, 'meta.json'), 'utf8')) as { dataGeneratorHash: string }).dataGeneratorHash);
  it.runIf(recorded.length > 0)('is unchanged for the LF files in the repository (no committed run moves)', () => {
    expect(new Set(recorded)).toEqual(new Set([numericsHash([DATA_GENERATOR_ENTRY])]));
  });

  it('is the same for a CRLF checkout (git core.autocrlf=true), template literals included', () => {
    const crlf = mkdtempSync(path.join(tmpdir(), 'crlf-'));
    cpSync(path.join(REPO_ROOT, 'pipeline'), path.join(crlf, 'pipeline'), { recursive: true });
    let converted = 0;
    const convert = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) convert(file);
        else if (file.endsWith('.ts')) {
          writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
          converted++;
        }
      }
    };
    convert(path.join(crlf, 'pipeline'));
    expect(converted).toBeGreaterThan(10);
    for (const entry of entries) expect(sourceHash(entry, crlf), entry.join(', ')).toBe(sourceHash(entry));
    // A multi-line template literal is where the raw line ending used to leak into the hash.
    const lf = 'export const text = `first line\nsecond ${1 + 1} line\n`;\n';
    const one = mkdtempSync(path.join(tmpdir(), 'crlf-'));
    const two = mkdtempSync(path.join(tmpdir(), 'crlf-'));
    writeFileSync(path.join(one, 'x.ts'), lf);
    writeFileSync(path.join(two, 'x.ts'), lf.replace(/\n/g, '\r\n'));
    expect(sourceHash(['x.ts'], two)).toBe(sourceHash(['x.ts'], one));
    for (const dir of [crlf, one, two]) rmSync(dir, { recursive: true });
  });
});

describe('numerics aliases', () => {
  // An alias is a claim about one exact version of the code: once the closure is edited, it
  // must be declared again (after the reproducibility test has retrained runs under it).
  it.each(NUMERICS_ALIASES.map((alias) => [alias.entries.join(' + '), alias] as const))('%s: the alias names the closure as it is now', (_name, alias) => {
    expect(sourceHash(alias.entries)).toBe(alias.now);
    expect(numericsHash(alias.entries)).toBe(alias.sameAs);
  });

  it('files a closure without an alias under its own source hash', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'alias-'));
    writeFileSync(path.join(root, 'x.ts'), 'export const x = 1;\n');
    expect(numericsHash(['x.ts'], root)).toBe(sourceHash(['x.ts'], root));
    rmSync(root, { recursive: true });
  });
});
