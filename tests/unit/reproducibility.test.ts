/**
 * The committed run store is reproducible: cheap runs the posts use are retrained
 * here and must match the committed tensors bit for bit. Expensive runs (minutes each)
 * are not retrained in tests; their hashes still pin code and config.
 * Small experiment groups are verified in full; large seed sweeps by a fixed sample
 * (the first runs in hash order, which is unrelated to seed or setting), so the suite
 * stays fast however many seeds a sweep has.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../pipeline/experiments/types.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import { readEntry, runTensors } from '../../pipeline/store/runStore.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { engines } from '../../pipeline/train/engines.ts';
import { train } from '../../pipeline/train/loop.ts';
import { exampleCount } from '../../pipeline/data/datasets.ts';
import { loadPosts } from '../../pipeline/post/post.ts';

/** Work per run in output-feature visits (steps × examples × n, plus the test set); cheap runs retrain in under a minute here. */
const CHEAP_WORK = 2e9;
/** Runs verified per large group. */
const SAMPLE_PER_GROUP = 24;
const work = (e: Experiment) => e.steps * (exampleCount(e.data) + 1) * e.data.n;

const storeRoot = path.join(REPO_ROOT, 'runs');
const posts = await loadPosts();
const hashOf = new Map<Experiment, string>();
const hash = (e: Experiment) => {
  let h = hashOf.get(e);
  if (!h) hashOf.set(e, (h = runHash(e)));
  return h;
};
/** Each post's groups, keeping the experiments the post reads. */
const groups = posts.flatMap((post) => {
  const used = new Set(post.needs());
  return post.groups.map((group) => ({ label: `${post.slug}/${group.file}`, experiments: group.experiments.filter((e) => used.has(e.id)) }));
});
const postRuns = groups.flatMap((group) => group.experiments);
const verified = groups.flatMap((group) => {
  const cheap = group.experiments.filter((e) => work(e) <= CHEAP_WORK);
  if (cheap.length <= SAMPLE_PER_GROUP) return cheap;
  return [...cheap].sort((a, b) => (hash(a) < hash(b) ? -1 : 1)).slice(0, SAMPLE_PER_GROUP);
});

describe('committed run store', () => {
  it('holds a verified entry for every run a post uses', () => {
    const problems = postRuns
      .map((e) => [e.id, readEntry(storeRoot, e.data.family, hash(e))] as const)
      .filter(([, status]) => status.kind !== 'ok')
      .map(([id, status]) => `${id}: ${status.kind}${status.kind === 'corrupt' ? ` (${status.reason})` : ''}`);
    expect(problems, 'run `npm run pipeline` and commit runs/').toEqual([]);
  });

  it('has cheap runs to verify whenever a post uses runs', () => {
    if (postRuns.length > 0) expect(verified.length).toBeGreaterThan(0);
  });

  it.each([...new Map(verified.map((e) => [hash(e), e])).values()].map((e) => [e.id, e] as const))('%s retrains bitwise equal to the store', async (_id, experiment) => {
    const status = readEntry(storeRoot, experiment.data.family, hash(experiment));
    expect(status.kind).toBe('ok');
    if (status.kind !== 'ok') return;
    const { id: _, ...config } = experiment;
    const outcome = await train(config, engines[experiment.engine], null);
    expect(outcome.finished).toBe(true);
    if (!outcome.finished) return;
    const fresh = runTensors(outcome.state);
    for (const [name, tensor] of Object.entries(fresh)) {
      const stored = status.tensors[name];
      expect(stored.shape, name).toEqual(tensor.shape);
      const a = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      const b = Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength);
      expect(a.equals(b), `${name} differs from the committed tensor`).toBe(true);
    }
    expect(outcome.finalLoss).toBe(status.meta.finalLoss);
  });
});
