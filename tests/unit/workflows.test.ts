/**
 * The GitHub Actions workflows are valid against the workflow schema
 * (@action-validator/cli: offline, about a second), so a typo fails here, not on GitHub.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';

const dir = path.join(REPO_ROOT, '.github', 'workflows');
const validator = path.join(REPO_ROOT, 'node_modules', '.bin', 'action-validator');
const workflows = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));

describe('GitHub workflows', () => {
  it('are the test, Pages and sharded-training workflows', () => {
    expect(workflows.sort()).toEqual(['pages.yml', 'test.yml', 'train-shards.yml']);
  });

  it.each(workflows)('%s passes action-validator', (name) => {
    const result = spawnSync(validator, [path.join(dir, name)], { encoding: 'utf8' });
    expect(result.error, 'node_modules/.bin/action-validator is missing: run npm ci').toBeUndefined();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
