/**
 * What the dev loop re-renders after an edit: a table is keyed on the code it runs (its
 * own module and the measurements or claims it calls), not on its post's whole post.ts
 * closure, so a figure edit re-renders that figure and no table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importClosure } from '../../pipeline/store/provenance.ts';
import { loadPosts } from '../../pipeline/post/post.ts';
import type { Table } from '../../pipeline/post/table.ts';
import { tableInputsHash } from '../../pipeline/stages/tables.ts';

const posts = await loadPosts();
const roots: string[] = [];
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

/** A small post in a temp root: post.ts imports a figure, claims (which call a measurement) and a table. */
function miniPost(files: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-keys-'));
  roots.push(root);
  const all: Record<string, string> = {
    'content/p/post.ts': "import fig from './figures/a.ts';\nimport { claims } from './claims/index.ts';\nimport { t } from './tables/t.ts';\nexport default { fig, claims, t };\n",
    'content/p/figures/a.ts': "export default { color: 'red' };\n",
    'content/p/claims/index.ts': "import { measure } from '../measurements/m.ts';\nexport const claims = [measure];\n",
    'content/p/measurements/m.ts': 'export const measure = () => 1;\n',
    'content/p/tables/t.ts': "import { measure } from '../measurements/m.ts';\nexport const t = measure;\n",
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

const table: Table = { id: 't', needs: [], code: ['content/p/tables/t.ts'], render: () => ({ html: '', numbers: {} }) };
const key = (root: string, t: Table = table) => tableInputsHash(t, 'content/p/post.ts', [], root);

describe('table keys', () => {
  it('a figure edit leaves a table that names its code unchanged; an edit to a measurement it calls does not', () => {
    const base = key(miniPost());
    expect(key(miniPost({ 'content/p/figures/a.ts': "export default { color: 'blue' };\n" }))).toBe(base);
    expect(key(miniPost({ 'content/p/measurements/m.ts': 'export const measure = () => 2;\n' }))).not.toBe(base);
    expect(key(miniPost({ 'content/p/tables/t.ts': "import { measure } from '../measurements/m.ts';\nexport const t = () => measure() + 1;\n" }))).not.toBe(base);
  });

  it('a table that names no code is keyed on the whole post, figures included', () => {
    const whole: Table = { ...table, code: undefined };
    expect(key(miniPost({ 'content/p/figures/a.ts': "export default { color: 'blue' };\n" }), whole)).not.toBe(key(miniPost(), whole));
  });

  it("a table's data is part of its key", () => {
    const root = miniPost();
    expect(key(root, { ...table, data: { commands: ['npm test'] } })).not.toBe(key(root, { ...table, data: { commands: ['npm run build'] } }));
  });

  it.each(posts.map((post) => [post.slug, post] as const))("no table of %s is keyed on its post's figure modules", (_slug, post) => {
    // A helper module the claims share with the figures (figures/sweep-common.ts) may be
    // read; a figure's own module (figures/<id>.ts) may not.
    const figureModules = new Set(post.figures.map((figure) => post.figureSource(figure)));
    for (const t of post.tables) {
      expect(t.code, `table ${t.id} names no code: it is keyed on all of ${post.moduleFile}`).toBeDefined();
      const closure = t.code!.flatMap((file) => importClosure(file));
      expect(closure.filter((file) => figureModules.has(file)), `table ${t.id}`).toEqual([]);
    }
  });

  it("run-summary is keyed on the README's commands, not the whole README", () => {
    for (const post of posts) {
      const summary = post.tables.find((t) => t.id === 'run-summary')!;
      expect(summary.inputs ?? []).not.toContain('README.md');
      expect((summary.data as { commands: string[] }).commands.join('\n')).toContain('npm test');
    }
  });
});
