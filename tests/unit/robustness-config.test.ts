/**
 * A bad experiment, edited into a copy of the project the way a user would, stops the
 * real CLIs before anything trains: non-zero exit, the validation message (experiment,
 * field, value, what is allowed), no stack trace, no store written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, FIXTURE_EXPERIMENTS, hasStackTrace, removeCopy, runCli, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
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

describe('user mistakes end in one line naming the file or option, the field and the fix', () => {
  const root = copyWith(TEST_EXPERIMENTS);
  const store = path.join(root, 'store');
  const spine = path.join(root, FIXTURE_EXPERIMENTS);
  const original = readFileSync(spine, 'utf8');
  /** The copy's spine.ts with `text` appended (replacing what an earlier case appended). */
  const editSpine = (text: string) => writeFileSync(spine, original + text);
  const npm = (args: string[]) => spawnSync('npm', ['run', '--silent', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  /** The error as the user sees it: the last non-empty line, and only one. */
  const oneLine = (stderr: string) => stderr.trim().split('\n').filter((line) => line.trim() !== '');

  it.each([
    ['--threads 0', ['--threads', '0'], '--threads "0" is not an integer from 1 to 256; use e.g. --threads 2, or leave it out to use every core'],
    ['--threads two', ['--threads', 'two'], '--threads "two" is not an integer from 1 to 256'],
    ['--budget 5x', ['--budget', '5x'], '--budget "5x" is not a duration; use e.g. 90s, 150m or 2h'],
  ])('a bad option (%s) is refused before anything trains', async (_name, option, message) => {
    const result = await runCli(root, 'pipeline/cli/train.ts', ['tiny-run', '--store', store, ...option]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(store)).toBe(false);
  });

  it('a syntax error in an experiment file: `npm run train` and `npm run prune` name file:line:column', () => {
    editSpine('\nexport const broken = {;\n');
    const line = original.split('\n').length + 1;
    try {
      for (const args of [['train', '--', 'tiny-run', '--store', store], ['prune', '--', '--store', store]]) {
        const result = npm(args);
        expect(result.status, result.stderr).toBe(1);
        expect(oneLine(result.stderr)).toEqual([`content/fixture/experiments/spine.ts:${line}:23: syntax error: Expected identifier but found ";". Fix it in that file and run the command again.`]);
        expect(hasStackTrace(result.stderr + result.stdout)).toBe(false);
      }
      expect(existsSync(store)).toBe(false);
    } finally {
      editSpine('');
    }
  });

  it('`npm run prune` with an invalid experiment prints the validation message alone', () => {
    editSpine(`\nspineExperiments.push({ ...${valid}, id: 'bad-seed', seed: 2 ** 53 + 2 } as Experiment);\n`);
    try {
      const result = npm(['prune', '--', '--store', store]);
      expect(result.status).toBe(1);
      expect(oneLine(result.stderr)).toEqual([
        'experiment "bad-seed" (content/fixture/experiments/spine.ts): field "seed" is 9007199254740994; is beyond 2^53 − 1 (Number.MAX_SAFE_INTEGER), where JavaScript cannot tell neighbouring integers apart, so different values would collapse onto one run; use a smaller integer.',
      ]);
    } finally {
      editSpine('');
    }
  });

  // Each of these used to start: an initBias past float32 diverged at step 0 and was blamed on
  // the learning rate; S ≈ 1 spun for hours redrawing examples, deaf to Ctrl-C; identity(10⁹)
  // allocated until memory ran out. Now each stops at validation, within seconds.
  it.each([
    ['initBias past float32', `{ ...${valid}, id: 'huge-bias', initBias: 1e39 }`, 'field "initBias" is 1e+39; must hold numbers that fit in float32'],
    ['S so close to 1 that examples are redrawn ~10⁶ times', `{ ...${valid}, id: 'almost-empty', data: { family: 'sparse', n: 10, S: 0.9999999, T: 1000 } }`, 'field "data.S" is 0.9999999; with n = 10 an example is all zeros'],
    ['identity(10⁹)', `{ ...${valid}, id: 'huge-identity', data: { family: 'identity', n: 1e9 } }`, 'field "data.n" is 1000000000; this run needs about'],
  ])('%s is refused by `npm run train` in one line, before anything is allocated', (_name, experiment, message) => {
    editSpine(`\nspineExperiments.push(${experiment} as Experiment);\n`);
    try {
      const id = /id: '([^']+)'/.exec(experiment)![1];
      const result = npm(['train', '--', id, '--store', store]);
      expect(result.status, result.stderr).toBe(1);
      expect(oneLine(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`experiment "${id}" (content/fixture/experiments/spine.ts): ${message}`);
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(existsSync(store)).toBe(false);
    } finally {
      editSpine('');
    }
  });
});
