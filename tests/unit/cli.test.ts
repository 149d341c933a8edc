/**
 * The command lines as a user meets them, in a scratch copy with small test experiments:
 * --help on every command, --list, --plan (which trains nothing), typo suggestions,
 * one-line mistakes without stack traces, grouped output, and a resumed run that says
 * how long it took since resuming and in total, and the progress bar's ETA format.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, removeCopy, runCli, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
import { editDistance, similarNames } from '../../pipeline/cli/select.ts';
import { formatEta } from '../../pipeline/cli/reporter.ts';
import { formatSeconds } from '../../pipeline/stages/runs.ts';

let root: string;
beforeAll(() => {
  root = copyRepo(['pipeline', 'scripts', 'src/plugins/site-env.ts', 'package.json', 'tsconfig.json']);
  addExperiments(root, TEST_EXPERIMENTS);
});
afterAll(() => removeCopy(root));

const cli = (script: string, args: string[]) => runCli(root, `pipeline/cli/${script}.ts`, args);

describe('--help', () => {
  it.each([
    ['train', [], /Usage: npm run train -- \[options\] \[selectors\.\.\.\][\s\S]*--plan[\s\S]*--shard <i\/N>[\s\S]*Examples:/],
    ['build', [], /Usage: npm run pipeline -- \[options\][\s\S]*--store <dir>[\s\S]*Examples:/],
    ['prune', [], /Usage: npm run prune -- \[options\][\s\S]*--dry-run[\s\S]*Examples:/],
    ['store', [], /Usage: npm run store -- \[options\] \[command\][\s\S]*merge[\s\S]*Examples:/],
    ['bench', [], /Usage: npm run bench -- \[options\][\s\S]*--seconds <s>[\s\S]*Examples:/],
    ['store', ['merge'], /Usage: npm run store -- merge \[options\] <dirs\.\.\.>[\s\S]*--into <dir>[\s\S]*Examples:/],
  ] as const)('%s %s --help says what it does, its options and examples', async (script, before, pattern) => {
    const result = await cli(script, [...before, '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(pattern);
  });
});

describe('npm run build -- --help', () => {
  it("prints the pipeline's options and what follows it, and builds nothing (it used to reach Astro)", async () => {
    const result = await runCli(root, 'scripts/build.ts', ['--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run pipeline -- \[options\][\s\S]*--store <dir>[\s\S]*then builds the site into dist\//);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
    expect(existsSync(path.join(root, 'figures'))).toBe(false);
  });
});

describe('mistakes are one line, no stack trace', () => {
  it.each([
    ['train', ['--frce'], /^error: unknown option '--frce' \(Did you mean --force\?\)$/],
    ['train', ['--shard', '4/3'], /^--shard "4\/3" is not a shard; use i\/N with 1 ≤ i ≤ N/],
    ['train', ['--jobs', 'many'], /^--jobs must be a positive integer, got "many"$/],
    ['store', ['merge', 'no-such-store'], /^npm run store -- merge: no-such-store does not exist$/],
    ['store', ['merg', 'x'], /^error: unknown command 'merg' \(Did you mean merge\?\)$/],
  ] as const)('%s %s', async (script, args, pattern) => {
    const result = await cli(script, [...args]);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

describe('train --list and --plan', () => {
  it('--list names each experiment with its post, group and whether the store has it', async () => {
    const store = path.join(root, 'list-store');
    await cli('train', ['tiny-run', '--store', store]);
    const result = await cli('train', ['fixture', '--list', '--store', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^id +post +group +store$/m);
    expect(result.stdout).toMatch(/^tiny-run +fixture +spine +stored$/m);
    expect(result.stdout).toMatch(/^slow-run +fixture +spine +missing$/m);
    expect(result.stdout).toMatch(/^3 experiments, 1 stored, 2 not/m);
  });

  it('--plan lists the missing runs with a measured time each and the total, and trains nothing', async () => {
    const store = path.join(root, 'plan-store');
    const result = await cli('train', ['tiny-run', 'slow-run', '--plan', '--store', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^2 runs to train \(of 2 selected\)/m);
    expect(result.stdout).toMatch(/^ {2}tiny-run +fixture\/spine +300 steps +one core +\d+(\.\d+)? m?s$/m);
    expect(result.stdout).toMatch(/^ {2}slow-run +fixture\/spine +30000 steps +one core +\d+(\.\d+)? s$/m);
    expect(result.stdout).toMatch(/^total: .+ of training; about .+ with \d+ small runs? at a time$/m);
    expect(existsSync(store)).toBe(false);
  });
});

describe('similar ids', () => {
  const known = ['tiny-run', 'slow-run', 'diverging-run', 'fail-n3-seed83', 'fail-n3-seed84', 'chaos-lr29-bias23', 'failure', 'spine'];

  it('catch a slip anywhere in the id: start, middle, end, a swap, a wrong case', () => {
    expect(similarNames('tnyi-run', known)[0]).toBe('tiny-run');
    expect(similarNames('tiny_run', known)[0]).toBe('tiny-run');
    expect(similarNames('tiny-rnu', known)[0]).toBe('tiny-run');
    expect(similarNames('fial-n3-seed83', known)[0]).toBe('fail-n3-seed83');
    expect(similarNames('chaos-lr92-bias23', known)[0]).toBe('chaos-lr29-bias23');
    expect(similarNames('Diverging-Run', known)[0]).toBe('diverging-run');
    expect(similarNames('zzzzzz', known)).toEqual([]);
  });

  it('count a swap of neighbours as one edit', () => {
    expect(editDistance('abcd', 'abdc')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('training output', () => {
  it('one line per group; a resumed run says how long since resuming and in total', async () => {
    const store = path.join(root, 'resume-store');
    // A budget well under the run's length (several seconds even with the active-output kernel).
    const stopped = await cli('train', ['slow-run', '--budget', '2s', '--store', store]);
    // A spent budget is a stop of its own (issue 28: it said "interrupted" and exited 130, like Ctrl-C).
    expect(stopped.code, stopped.stderr).toBe(75);
    expect(stopped.stderr.trim()).toMatch(/^budget spent \(--budget 2s\): stopped "slow-run" at step \d+ of 30000, checkpointed; run the same command again to continue \(exit status 75\)$/);
    expect(stopped.stderr).not.toContain('interrupted');
    expect(stopped.stdout).toContain('fixture/spine: 1 run — 0 cached, 1 to train');
    expect(stopped.stdout).toContain('fixture/spine: 1 run — 0 cached, 0 trained, 1 left');
    const stoppedAt = /stopped "slow-run" at step (\d+)/.exec(stopped.stderr)?.[1];
    // The plan counts only what is left of a checkpointed run, and says where it resumes.
    const plan = await cli('train', ['slow-run', '--plan', '--store', store]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(new RegExp(`^ {2}slow-run +fixture/spine +30000 steps \\(resumes at step ${stoppedAt}\\) +one core +\\d`, 'm'));
    const resumed = await cli('train', ['slow-run', '--store', store]);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The time since resuming is the part after the budget stopped it: more than nothing, less than the total.
    const [, since, unit, step, total] = /slow-run {2}trained in (\d+(?:\.\d+)?) (m?s) since resuming at step (\d+) \((\d+(?:\.\d+)?) s in total[^)]*; final loss /.exec(resumed.stdout) ?? [];
    expect(step, resumed.stdout).toBe(stoppedAt);
    expect(Number(since) / (unit === 'ms' ? 1000 : 1)).toBeGreaterThan(0);
    expect(Number(since) / (unit === 'ms' ? 1000 : 1)).toBeLessThan(Number(total));
    const again = await cli('train', ['slow-run', '--store', store]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('fixture/spine: 1 run — all cached');
  });
});

describe('durations in log lines and the progress bar ETA', () => {
  it('rounds once before splitting, so seconds never read 60', () => {
    expect(formatSeconds(179.7)).toBe('3 min 0 s'); // splitting first printed "2 min 60 s"
    expect(formatSeconds(7199.6)).toBe('120 min 0 s');
    expect(formatSeconds(1130)).toBe('18 min 50 s');
    expect(formatSeconds(119.6)).toBe('2 min 0 s');
    expect(formatSeconds(59.6)).toBe('60 s');
    expect(formatSeconds(7)).toBe('7.0 s');
    expect(formatSeconds(0.042)).toBe('42 ms');
    expect(formatEta(1130)).toBe('18 min 50 s');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('?');
    expect(formatEta(Number.NaN)).toBe('?');
  });
});
