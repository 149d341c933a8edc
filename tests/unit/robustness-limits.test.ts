/**
 * Training under a virtual-memory limit (`ulimit -v`, as cluster schedulers set): WebAssembly
 * reserves about 10 GiB of address space per memory, so the TypeScript loader's parser or the
 * fused engine fails to allocate. Issue 28: V8's allocation error with a stack. Now one line
 * with the limit that stopped it, what training needs and the fix.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, NODE_ARGS, removeCopy, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';

let root: string;
beforeAll(() => {
  root = copyRepo();
  addExperiments(root, TEST_EXPERIMENTS);
});
afterAll(() => removeCopy(root));

describe('training under ulimit -v', () => {
  it('ends with one line naming the limit, what training needs and the fix', () => {
    const command = `ulimit -v 16000000 && exec "${process.execPath}" ${NODE_ARGS.join(' ')} pipeline/cli/train.ts tiny-run --store "${path.join(root, 'store')}"`;
    const result = spawnSync('sh', ['-c', command], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(hasStackTrace(result.stderr), result.stderr).toBe(false);
    expect(result.stderr.trim()).toMatch(
      /^out of memory for WebAssembly: this process may use at most 15\.3 GiB of address space \(ulimit -v 16000000\), and WebAssembly reserves about 10 GiB of address space for each memory it creates \(one per thread\), though it uses far less memory\. Training needs about \d+ GiB of address space with \d+ threads: raise the limit \(ulimit -v unlimited\), or use fewer threads \(--jobs 1 --threads 1\)\.$/,
    );
  });
});
