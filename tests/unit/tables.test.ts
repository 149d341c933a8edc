// Generated tables: the claims ledger's evaluation (failing and throwing claims stay in
// the ledger, marked as failing), HTML and CSV escaping, the section 13 run summary, the
// cached renderer behind figures/tables/, and the `::table[id]` directive of the site.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Claim } from '../../pipeline/post/claim.ts';
import type { Experiment } from '../../pipeline/experiments/types.ts';
import type { LoadedRun } from '../../pipeline/store/types.ts';
import type { Table } from '../../pipeline/post/table.ts';
import { LISTED_RUNS, evaluateClaims, ledgerTable, runsCell } from '../../pipeline/post/claims-ledger.ts';
import { csvField, csvLine, escapeHtml, htmlTable } from '../../pipeline/post/html.ts';
import { formatDuration, readmeCommands, runSummary, RUNS_CSV } from '../../pipeline/post/run-summary.ts';
import { readTablesManifest, renderTables, tableInputsHash, TABLES_MANIFEST } from '../../pipeline/stages/tables.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import { loadPosts } from '../../pipeline/post/post.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { combinedRunHash, hash8 } from '../../pipeline/post/format.ts';
import { fakeRun } from '../fixtures/fake-run.ts';
import { sealedTableEntry } from '../fixtures/manifests.ts';
import { renderArticle, renderArticleError } from '../fixtures/markdown.ts';

const posts = await loadPosts();

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tables-test-'));
  scratch.push(dir);
  return dir;
}

function experiment(id: string, seed: number): Experiment {
  return {
    id,
    data: { family: 'identity', n: 3 },
    m: 2,
    bias: true,
    steps: 100,
    schedule: { kind: 'constant', lr: 1e-2 },
    weightDecay: 0,
    seed,
    engine: 'fused',
    snapshots: 0,
  };
}

function run(id: string, seed: number, finalLoss: number, wallSeconds = 1): LoadedRun {
  const r = fakeRun(experiment(id, seed), new Float32Array(6), new Float32Array(3), finalLoss);
  r.meta.wallSeconds = wallSeconds;
  return r;
}

const runA = run('a-seed0', 0, 0.5);
const runB = run('b-seed1', 1, 1e-6);
const runSet = new Map([
  ['a-seed0', runA],
  ['b-seed1', runB],
]);

const holding: Claim = {
  id: 'small-loss',
  statement: 'Run b reaches a small loss.',
  needs: ['b-seed1'],
  criterion: 'final loss < 1e-3',
  section: 'set-up',
  evaluate: (runs) => ({ measured: String(runs.get('b-seed1')!.meta.finalLoss), holds: runs.get('b-seed1')!.meta.finalLoss < 1e-3 }),
};
const failing: Claim = {
  id: 'a-small',
  statement: 'Run a reaches <b>a small</b> loss & more.',
  needs: ['a-seed0'],
  criterion: 'final loss < 1e-3',
  section: 'set-up',
  evaluate: (runs) => ({ measured: String(runs.get('a-seed0')!.meta.finalLoss), holds: runs.get('a-seed0')!.meta.finalLoss < 1e-3 }),
};
const throwing: Claim = {
  id: 'broken',
  statement: 'A claim whose evaluation throws.',
  needs: [],
  criterion: 'none',
  section: 'set-up',
  evaluate: () => {
    throw new Error('no such tensor');
  },
};
const missing: Claim = { ...holding, id: 'missing', needs: ['c-seed2'] };

describe('claims ledger', () => {
  it('evaluates every claim, keeping failing, throwing and run-less claims as failing rows', () => {
    const rows = evaluateClaims([holding, failing, throwing, missing], runSet);
    expect(rows.map((r) => [r.claim.id, r.holds])).toEqual([
      ['small-loss', true],
      ['a-small', false],
      ['broken', false],
      ['missing', false],
    ]);
    expect(rows[1].measured).toBe('0.5');
    expect(rows[2].measured).toBe('evaluation failed: no such tensor');
    expect(rows[3].measured).toBe('missing runs: c-seed2');
  });

  it('hands each claim only the runs it declares', () => {
    let seen: string[] = [];
    const spy: Claim = { ...holding, evaluate: (runs) => ((seen = [...runs.keys()]), { measured: '', holds: true }) };
    evaluateClaims([spy], runSet);
    expect(seen).toEqual(['b-seed1']);
  });

  it('renders one row per claim with a computed verdict, escaping the claim text', () => {
    const { html, numbers } = ledgerTable([holding, failing], runSet);
    expect(html.match(/<tr class="(holds|fails)">/g)).toEqual(['<tr class="holds">', '<tr class="fails">']);
    expect(html).toContain('<td class="verdict holds">holds</td>');
    expect(html).toContain('<td class="verdict fails">fails</td>');
    expect(html).toContain('Run a reaches &lt;b&gt;a small&lt;/b&gt; loss &amp; more.');
    expect(html).not.toContain('<b>a small</b>');
    expect(html).toContain(`<code>b-seed1 #${hash8(runB.hash)}</code>`);
    expect(numbers).toEqual({
      'claims-ledger.count': '2',
      'claims-ledger.holding': '1',
      'claims-ledger.failing': '1',
      'claims-ledger.verdict.small-loss': 'holds',
      'claims-ledger.verdict.a-small': 'fails',
    });
  });

  it('folds long run lists behind a count and a combined hash', () => {
    const many = Array.from({ length: 6 }, (_, k) => run(`s-seed${k}`, k, 0));
    const cell = runsCell(many);
    expect(cell).toContain(`<summary>6 runs, combined #${hash8(combinedRunHash(many.map((r) => r.hash)))}</summary>`);
    expect(cell.match(/<code>/g)).toHaveLength(6);
    expect(runsCell([])).toBe('exact geometry (no runs)');
    const sweep = Array.from({ length: LISTED_RUNS + 1 }, (_, k) => run(`w-seed${k}`, k, 0));
    expect(runsCell(sweep)).toBe(`${LISTED_RUNS + 1} runs, combined #${hash8(combinedRunHash(sweep.map((r) => r.hash)))}; each listed in <a href="runs.csv">runs.csv</a>`);
  });

  it.each(posts.map((post) => [post.slug, post] as const))('%s: a claims ledger reads exactly the runs of its claims', (_slug, post) => {
    const ledger = post.tables.find((t) => t.id === 'claims-ledger');
    if (ledger) expect(new Set(ledger.needs)).toEqual(new Set(post.claims.flatMap((c) => c.needs)));
  });
});

describe('HTML and CSV helpers', () => {
  it('escapes markup characters in text', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('builds a table with escaped head, caption and text cells, and raw HTML only where marked', () => {
    const html = htmlTable({ className: 't', caption: 'x < y', head: ['a & b'], rows: [['<i>'], [{ html: '<i>ok</i>', className: 'c' }]] });
    expect(html).toContain('<caption>x &lt; y</caption>');
    expect(html).toContain('<th>a &amp; b</th>');
    expect(html).toContain('<td>&lt;i&gt;</td>');
    expect(html).toContain('<td class="c"><i>ok</i></td>');
  });

  it('quotes CSV fields only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvLine(['x', 1.5, 'y\nz'])).toBe('x,1.5,"y\nz"');
  });
});

describe('run summary (section 13)', () => {
  const groups = [
    { file: 'pipeline/experiments/alpha.ts', experiments: [{ id: 'a-seed0' }] },
    { file: 'pipeline/experiments/beta.ts', experiments: [{ id: 'b-seed1' }] },
  ];
  const readme = '# X\n\n## The two commands\n\n```sh\nnpm ci && npm run build\n```\n\nthen\n\n```sh\nnpm test\n```\n\n## Other\n\n```sh\nnot this\n```\n';

  it('reads the commands of the README section', () => {
    expect(readmeCommands(readme)).toEqual(['npm ci && npm run build', 'npm test']);
  });

  it('summarises each group in a row and lists every run in the CSV', () => {
    const out = runSummary(runSet, groups, readme);
    expect(out.html.match(/<tr>/g)).toHaveLength(3); // head + two groups
    expect(out.html).toContain('<code>alpha</code>');
    expect(out.html).toContain('<pre class="reproduce-command"><code>npm ci &amp;&amp; npm run build</code></pre>');
    expect(out.html).toContain(`href="${RUNS_CSV}"`);
    const csv = out.files![RUNS_CSV].trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0].split(',').slice(0, 3)).toEqual(['experiment_id', 'group', 'hash']);
    expect(csv[1].startsWith(`a-seed0,alpha,${runA.hash},identity,`)).toBe(true);
    expect(csv[2]).toContain(',0.000001,'); // final loss, as JavaScript prints it
    expect(out.numbers['run-summary.runCount']).toBe('2');
  });

  it('formats wall time for people', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(38)).toBe('38 s');
    expect(formatDuration(725)).toBe('12 min');
    expect(formatDuration(7500)).toBe('2 h 05 min');
  });
});

describe('renderTables', () => {
  // The tables' code hash is the import closure of `source`; any real module will do.
  const source = 'pipeline/post/claims-ledger.ts';
  let renders = 0;
  const table: Table = {
    id: 'claims-ledger',
    needs: ['a-seed0'],
    render: (runs) => {
      renders++;
      return { html: `<p>${escapeHtml(runs.get('a-seed0')!.hash)}</p>`, numbers: { 'claims-ledger.x': '1' }, files: { 'extra.csv': 'a\n' } };
    },
  };

  it('writes the fragment, its files and the manifest, then reuses them until a run changes', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stale.html'), 'old');
    const lines: string[] = [];
    const options = { tablesDir: dir, source, runHashes: new Map([['a-seed0', runA.hash]]), loadRun: () => runA, line: (l: string) => lines.push(l) };
    const first = renderTables([table], options);
    expect(renders).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'claims-ledger.html'), 'utf8')).toBe(`<p>${runA.hash}</p>\n`);
    expect(fs.readFileSync(path.join(dir, 'extra.csv'), 'utf8')).toBe('a\n');
    expect(fs.existsSync(path.join(dir, 'stale.html'))).toBe(false);
    expect(first.tables['claims-ledger'].numbers).toEqual({ 'claims-ledger.x': '1' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, TABLES_MANIFEST), 'utf8')).tables['claims-ledger'].files).toEqual(['extra.csv']);

    renderTables([table], options);
    expect(renders).toBe(1);
    expect(lines.at(-1)).toBe('tables: 1 of 1 up to date');

    renderTables([table], { ...options, runHashes: new Map([['a-seed0', runB.hash]]) });
    expect(renders).toBe(2);

    fs.rmSync(path.join(dir, 'extra.csv'));
    renderTables([table], { ...options, runHashes: new Map([['a-seed0', runB.hash]]) });
    expect(renders).toBe(3);

    // Present is not enough: a truncated file or a hand-edited entry is re-rendered.
    fs.writeFileSync(path.join(dir, 'claims-ledger.html'), '<p>');
    renderTables([table], { ...options, runHashes: new Map([['a-seed0', runB.hash]]) });
    expect(renders).toBe(4);
    const manifestFile = path.join(dir, TABLES_MANIFEST);
    const edited = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    edited.tables['claims-ledger'].numbers['claims-ledger.x'] = '2';
    fs.writeFileSync(manifestFile, JSON.stringify(edited));
    const redone = renderTables([table], { ...options, runHashes: new Map([['a-seed0', runB.hash]]) });
    expect(renders).toBe(5);
    expect(redone.tables['claims-ledger'].numbers).toEqual({ 'claims-ledger.x': '1' });
  });

  it('refuses number keys outside the table id and runs it does not have', () => {
    const dir = tempDir();
    const bad: Table = { ...table, render: () => ({ html: '<p>x</p>', numbers: { 'other.x': '1' } }) };
    expect(() => renderTables([bad], { tablesDir: dir, source, runHashes: new Map([['a-seed0', runA.hash]]), loadRun: () => runA, line: () => {} })).toThrow(/number keys must start with "claims-ledger\."/);
    expect(() => renderTables([table], { tablesDir: dir, source, runHashes: new Map(), loadRun: () => runA, line: () => {} })).toThrow(/needs experiment "a-seed0", which has no run/);
  });
});

describe('::table[id] in the article', () => {
  const fixtureDir = path.resolve('tests/fixtures/figures/fixture');

  function figuresWithTables(tablesJson?: object | ((tablesDir: string) => object)): string {
    const dir = tempDir();
    for (const name of fs.readdirSync(fixtureDir)) fs.copyFileSync(path.join(fixtureDir, name), path.join(dir, name));
    if (tablesJson) {
      fs.mkdirSync(path.join(dir, 'tables'));
      fs.writeFileSync(path.join(dir, 'tables', 'ledger.html'), '<table class="ledger"><tr><td>a &amp; b</td></tr></table>\n');
      fs.writeFileSync(path.join(dir, 'tables', 'manifest.json'), JSON.stringify(typeof tablesJson === 'function' ? tablesJson(path.join(dir, 'tables')) : tablesJson));
    }
    return dir;
  }
  const withLedger = () => figuresWithTables((tablesDir: string) => ({ tables: { ledger: sealedTableEntry(tablesDir, 'ledger.html', { 'ledger.count': '7' }) } }));

  const render = (markdown: string, figuresDir: string) => renderArticle(markdown, { figuresDir });
  const renderError = (markdown: string, figuresDir: string) => renderArticleError(markdown, { figuresDir });

  it('places the generated table in a wrapper with an anchor, and its numbers are quotable', async () => {
    const html = await render('Intro.\n\n::table[ledger]\n\nThere are :num[ledger.count] claims.\n', withLedger());
    // A scrolling region a keyboard can reach, named by the table (issue 25).
    expect(html).toContain('<div id="table-ledger" class="table-wrap" tabindex="0" role="region" aria-label="Table ledger"><table class="ledger"><tbody><tr><td>a &#x26; b</td></tr></tbody></table></div>');
    expect(html).toContain('<span class="num" data-key="ledger.count">7</span>');
    expect(html).not.toMatch(/<p>\s*<div/);
  });

  it('fails on an unknown id with file:line:column and the known ids', async () => {
    const error = await renderError('One.\n\nTwo.\n\n::table[ledgr]\n', withLedger());
    expect(error.message).toMatch(/content\/fixture\/post\.md:5:1: unknown table id "ledgr" in ::table\[ledgr\]\./);
    expect(error.message).toContain('Known table ids');
    expect(error.message).toContain('ledger');
    expect(error.line).toBe(5);
  });

  it('fails when no table manifest exists yet, naming the command that writes it', async () => {
    const error = await renderError('::table[ledger]\n', figuresWithTables());
    expect(error.message).toMatch(/post\.md:1:1: unknown table id "ledger"/);
    expect(error.message).toContain('(none)');
    expect(error.message).toContain('npm run pipeline');
  });

  it('fails on a table placed twice, on attributes, and on the inline form', async () => {
    expect((await renderError('::table[ledger]\n\n::table[ledger]\n', withLedger())).message).toMatch(/:3:1: table "ledger" is placed twice \(first at line 1\)/);
    expect((await renderError('::table[ledger]{.wide}\n', withLedger())).message).toMatch(/:1:1: ::table\[ledger\] takes no \{attributes\}/);
    const inline = await renderError('See :table[ledger] here.\n', withLedger());
    expect(inline.message).toMatch(/:1:5: unsupported directive ":table"/);
    expect(inline.message).toContain('`::table[id]`');
  });

  it('rejects a malformed table manifest', async () => {
    const error = await renderError('::table[ledger]\n', figuresWithTables({ tables: { ledger: { file: '../escape.html' } }, numbers: {} }));
    expect(error.message).toContain('table manifest does not have the expected shape');
  });
});

// Not in a describe block: with no posts (a fresh series) it has no cases, and an empty block fails.
it.each(posts.map((post) => [post.slug, post] as const))('committed tables: figures/%s/tables/ is what the pipeline renders from the current code and runs', (slug, post) => {
  const dir = path.join(REPO_ROOT, 'figures', slug, 'tables');
  const manifest = readTablesManifest(dir);
  expect(manifest, `figures/${slug}/tables/manifest.json is missing: run npm run pipeline`).not.toBeNull();
  for (const table of post.tables) {
    const entry = manifest!.tables[table.id];
    expect(entry, `table ${table.id} is missing: run npm run pipeline`).toBeDefined();
    const runs = table.needs.map((id) => ({ id, hash: runHash(post.experimentById(id)) }));
    expect(entry.inputsHash, `table ${table.id} is stale: run npm run pipeline`).toBe(tableInputsHash(table, post.moduleFile, runs));
    for (const file of [entry.file, ...entry.files]) expect(fs.existsSync(path.join(dir, file)), `${file} missing`).toBe(true);
  }
});
