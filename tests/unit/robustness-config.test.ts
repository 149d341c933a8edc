/**
 * A bad experiment, edited into a copy of the project the way a user would, stops the
 * real CLIs before anything trains: non-zero exit, the validation message (experiment,
 * field, value, what is allowed), no stack trace, no store written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, removeCopy, runCli, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
import { spawnSync } from 'node:child_process';

const copies: string[] = [];
afterAll(() => copies.forEach(removeCopy));

function copyWith(source: string): string {
  const root = copyRepo();
  copies.push(root);
  addExperiments(root, source);
  return root;
}

const valid = `{ data: { family: 'sparse', n: 20, S: 0.9, T: 4 }, m: 2, bias: true, steps: 10, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 0, seed: 0, engine: 'fused', snapshots: 0 }`;

describe('a bad experiment stops the build before anything trains', () => {
  it('`npm run pipeline` exits non-zero with the message and no stack trace, and writes no store', () => {
    const root = copyWith(`[{ ...${valid}, id: 'bad-lr', schedule: { kind: 'constant', lr: NaN } }]`);
    const store = path.join(root, 'fresh-store');
    // The literal command from the README, run in the edited copy.
    const result = spawnSync('npm', ['run', '--silent', 'pipeline', '--', '--store', store, '--figures', path.join(root, 'fresh-figures')], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('experiment "bad-lr" (content/fixture/experiments/spine.ts): field "schedule.lr" is NaN; must be a finite number > 0.');
    expect(hasStackTrace(result.stderr + result.stdout), result.stderr).toBe(false);
    expect(result.stdout).not.toMatch(/training/);
    expect(existsSync(store)).toBe(false);
    expect(existsSync(path.join(root, 'fresh-figures'))).toBe(false);
  });

  it('the train CLI refuses m > n and a duplicate id the same way', async () => {
    const mTooBig = copyWith(`[{ ...${valid}, id: 'too-wide', m: 21 }]`);
    const store = path.join(mTooBig, 'store');
    const first = await runCli(mTooBig, 'pipeline/cli/train.ts', ['too-wide', '--store', store]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('experiment "too-wide" (content/fixture/experiments/spine.ts): field "m" is 21; must be an integer with 1 ≤ m ≤ n (n = 20).');
    expect(hasStackTrace(first.stderr)).toBe(false);
    expect(existsSync(store)).toBe(false);

    const duplicate = copyWith(`[{ ...${valid}, id: 'twice' }, { ...${valid}, id: 'twice', seed: 1 }]`);
    const second = await runCli(duplicate, 'pipeline/cli/train.ts', ['twice', '--store', path.join(duplicate, 'store')]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/experiment "twice" \(content\/fixture\/experiments\/spine\.ts\): field "id" is "twice"; is used by another experiment; ids must be unique\./);
    expect(hasStackTrace(second.stderr)).toBe(false);
    expect(existsSync(path.join(duplicate, 'store'))).toBe(false);
  });

  it('an unknown experiment id on the command line is named, with the known ids, and nothing trains', async () => {
    const root = copyWith(TEST_EXPERIMENTS);
    const store = path.join(root, 'store');
    const result = await runCli(root, 'pipeline/cli/train.ts', ['tiny-run', 'tiny-rnu', '--store', store]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown post, group or experiment id "tiny-rnu"; did you mean tiny-run? (npm run train -- --list shows them all)');
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(store)).toBe(false);
  });
});
