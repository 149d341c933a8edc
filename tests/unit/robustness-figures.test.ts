/**
 * A figure or table module is an author's code (issue 28): one that hangs, throws, returns
 * no SVG or returns markup that would break or attack the page is stopped with one line
 * naming the post's module and the figure, and nothing of it is published. A render that
 * never returns is stopped by a time limit, by Ctrl-C and by SIGTERM, through the real
 * `npm run build` processes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Figure, FigureOutput } from '../../pipeline/post/figure.ts';
import type { Table, TableOutput } from '../../pipeline/post/table.ts';
import { RenderError, renderFigures } from '../../pipeline/stages/figures.ts';
import { renderTables } from '../../pipeline/stages/tables.ts';
import { svgProblem, tableHtmlProblem } from '../../pipeline/render/sanitize.ts';
import * as Plot from '@observablehq/plot';
import { renderPlot } from '../../pipeline/render/render.ts';
import { addFixturePost, copyRepo, FIXTURE_POST, hasStackTrace, removeCopy, startCli } from '../fixtures/repoCopy.ts';
import { loadPost, PostError } from '../../pipeline/post/post.ts';
import { sealFigureManifest } from '../fixtures/manifests.ts';
import { renderArticleError } from '../fixtures/markdown.ts';

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'figure-faults-'));
  scratch.push(dir);
  return dir;
}

const SOURCE = 'content/some-post/figures/broken.ts';
const TABLES_SOURCE = 'content/some-post/post.ts';
/** A project root holding the modules whose code the cache keys hash. */
const projectRoot = tempDir();
mkdirSync(path.join(projectRoot, 'content/some-post/figures'), { recursive: true });
writeFileSync(path.join(projectRoot, SOURCE), 'export default {};\n');
writeFileSync(path.join(projectRoot, TABLES_SOURCE), 'export default {};\n');
writeFileSync(path.join(projectRoot, 'package-lock.json'), readFileSync(path.join(import.meta.dirname, '../../package-lock.json')));
// Drawn by the render helpers, as every published figure is (its CSV download is their data).
const GOOD_SVG = renderPlot({ marks: [Plot.ruleY([1])] }, { id: 'broken', title: 't', desc: 'd' });

function figure(render: () => FigureOutput): Figure {
  return { id: 'broken', needs: [], caption: 'A caption.', render };
}

/** Renders one figure into a fresh folder; returns the folder. */
async function renderOne(render: () => FigureOutput, timeLimitMs?: number, figuresDir = tempDir()): Promise<string> {
  await renderFigures([figure(render)], { figuresDir, sourceOf: () => SOURCE, experimentFileOf: () => '', runHashes: new Map(), loadRun: () => { throw new Error('no runs'); }, line: () => {}, timeLimitMs, root: projectRoot });
  return figuresDir;
}

/** The RenderError a render raises, checked to be one line naming the module and the figure. */
async function renderFailure(render: () => FigureOutput, timeLimitMs?: number): Promise<string> {
  let caught: unknown;
  const figuresDir = tempDir();
  try {
    await renderOne(render, timeLimitMs, figuresDir);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RenderError);
  expect(readdirSync(figuresDir)).toEqual([]);
  const message = (caught as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toContain(SOURCE);
  expect(message).toContain('figure "broken"');
  return message;
}

const output = (svg: unknown): FigureOutput => ({ svg, provenance: 'p', numbers: {} }) as FigureOutput;

describe('a figure module that misbehaves', () => {
  it('renders a good figure', async () => {
    const dir = await renderOne(() => output(GOOD_SVG));
    expect(readdirSync(dir).sort()).toEqual(['broken.csv', 'broken.png', 'broken.svg', 'manifest.json']);
  });

  it('is stopped by the time limit when render() never returns', async () => {
    expect(await renderFailure(() => { for (;;); }, 300)).toMatch(/did not finish rendering within 0\.3 s/);
  });

  it('throws: one line with the message and where in the module', async () => {
    const message = await renderFailure(() => { throw new TypeError("Cannot read properties of undefined (reading 'W')"); });
    expect(message).toMatch(/failed to render: Cannot read properties of undefined \(reading 'W'\)/);
  });

  it.each([
    ['no output', () => undefined as unknown as FigureOutput, /render\(\) returned undefined/],
    ['no SVG', () => ({ provenance: 'p', numbers: {} }) as unknown as FigureOutput, /"svg" is missing/],
    ['a Promise (an async render)', () => Promise.resolve(output(GOOD_SVG)) as unknown as FigureOutput, /render\(\) returned a Promise; render\(\) must return \{ svg, provenance, numbers \} synchronously/],
    ['an empty SVG', () => output(''), /"svg" is empty/],
    ['a number for a number', () => ({ svg: GOOD_SVG, provenance: 'p', numbers: { 'broken.x': 3 } }) as unknown as FigureOutput, /number "broken.x" is a number/],
  ])('returns %s', async (_, render, pattern) => {
    expect(await renderFailure(render)).toMatch(pattern);
  });

  const svgCases: [string, string, RegExp][] = [
    ['malformed SVG that would swallow the caption', '<svg xmlns="http://www.w3.org/2000/svg"><g><text>broken</svg', /not well-formed XML \(line 1:\d+: unclosed tag: text\)/],
    ['no SVG namespace', '<svg><rect/></svg>', /without xmlns/],
    ['HTML', '<div>hello</div>', /root element is <div>/],
    ['a script', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', /contains <script>/],
    ['an onerror handler inside a foreignObject', '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert(1)"/></foreignObject></svg>', /contains <foreignObject>/],
    ['HTML without a foreignObject', '<svg xmlns="http://www.w3.org/2000/svg"><g><img xmlns="http://www.w3.org/1999/xhtml" src="x"/></g></svg>', /<img>, which is not an SVG element/],
    ['an event handler attribute', '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>', /event handler \(onclick on <rect>\)/],
    ['a javascript: link', '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', /contains <a>/],
    ['an external use', '<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/sprite.svg#x"/></svg>', /links outside itself \(href="https:\/\/evil/],
    ['an external image', '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x.png"/></svg>', /contains <image>/],
    ['an animation that sets a link', '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>', /contains <set>/],
    ['a style @import', '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/x.css";</style></svg>', /<style> that imports/],
    ['a style url()', '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/x)"/></svg>', /refers to something outside the figure \(style=/],
    ['a DOCTYPE', '<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"></svg>', /<!DOCTYPE>/],
  ];
  it.each(svgCases)('returns SVG with %s: refused, nothing written', async (_, svg, pattern) => {
    expect(await renderFailure(() => output(svg))).toMatch(pattern);
  });

  it('accepts every figure the posts publish today', () => {
    const figuresRoot = path.join(import.meta.dirname, '../../figures');
    const files = readdirSync(figuresRoot).flatMap((slug) => readdirSync(path.join(figuresRoot, slug)).filter((name) => name.endsWith('.svg')).map((name) => path.join(figuresRoot, slug, name)));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(svgProblem(readFileSyncText(file)), file).toBeNull();
  });
});

const readFileSyncText = (file: string) => readFileSync(file, 'utf8');

describe('a table module that misbehaves', () => {
  const table = (html: unknown): Table => ({ id: 'bad', needs: [], render: () => ({ html, numbers: {} }) as TableOutput });
  function tableFailure(html: unknown): string {
    const tablesDir = tempDir();
    let caught: unknown;
    try {
      renderTables([table(html)], { tablesDir, source: TABLES_SOURCE, runHashes: new Map(), loadRun: () => { throw new Error('no runs'); }, line: () => {}, root: projectRoot });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RenderError);
    const message = (caught as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('content/some-post/post.ts: table "bad"');
    expect(existsSync(path.join(tablesDir, 'bad.html'))).toBe(false);
    return message;
  }

  it.each([
    ['no HTML', undefined, /"html" is missing/],
    ['an unclosed element that would swallow the prose', '<table><tr><td>x</td></tr>', /leaves <table> \(line 1:1\) unclosed/],
    ['a script', '<table><tr><td><script>alert(1)</script></td></tr></table>', /contains <script>/],
    ['an event handler', '<table><tr><td><span onmouseover="alert(1)">x</span></td></tr></table>', /event handler \(onMouseOver on <span>\)/],
    ['a javascript: link', '<p><a href="javascript:alert(1)">x</a></p>', /links outside the site \(href="javascript:/],
    ['an external image', '<p><img src="https://evil.example/x.png"></p>', /contains <img>/],
  ])('returns %s: refused', (_, html, pattern) => {
    expect(tableFailure(html)).toMatch(pattern);
  });

  it('accepts every table the posts publish today', () => {
    const figuresRoot = path.join(import.meta.dirname, '../../figures');
    for (const slug of readdirSync(figuresRoot)) {
      const dir = path.join(figuresRoot, slug, 'tables');
      for (const name of readdirSync(dir).filter((file) => file.endsWith('.html'))) expect(tableHtmlProblem(readFileSyncText(path.join(dir, name))), name).toBeNull();
    }
  });
});

describe('npm run build with a figure whose render() never returns', () => {
  const root = copyRepo(['pipeline', 'scripts/build.ts', 'src/plugins/site-env.ts', 'tests/fixtures', 'package.json', 'package-lock.json', 'tsconfig.json']);
  addFixturePost(root);
  afterAll(() => removeCopy(root));
  // The fixture post gets one figure that announces itself, then loops forever.
  mkdirSync(path.join(root, FIXTURE_POST, 'figures'), { recursive: true });
  writeFileSync(
    path.join(root, FIXTURE_POST, 'figures/hang.ts'),
    `import type { Figure } from '../../../pipeline/post/figure.ts';\nexport default { id: 'hang', needs: [], caption: 'Never drawn.', render() { process.stderr.write('rendering hang\\n'); for (;;); } } as Figure;\n`,
  );
  writeFileSync(
    path.join(root, FIXTURE_POST, 'post.ts'),
    `import { definePost } from '../../pipeline/post/post.ts';\nimport hang from './figures/hang.ts';\nexport default definePost({ groups: [], figures: [hang], claims: [], tables: [] });\n`,
  );
  const build = () => startCli(root, 'scripts/build.ts', ['--store', path.join(root, 'store'), '--figures', path.join(root, 'figures')]);
  /** Whether any process of the build's process group is still alive. */
  const groupAlive = (pid: number) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /**
   * Whether the whole group has ended within `ms`: the build exits first, and its pipeline
   * child is reaped a moment later (seconds on a loaded machine). A group still alive after
   * that has a process left behind.
   */
  const groupEnds = async (pid: number, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return !groupAlive(pid);
  };

  it('Ctrl-C stops it at once with one line naming the figure, and every process ends', async () => {
    const cli = build();
    await cli.waitFor(/rendering hang/);
    cli.signalGroup('SIGINT');
    const result = await cli.finished;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`interrupted while rendering figure "hang" (${FIXTURE_POST}/figures/hang.ts)`);
    expect(hasStackTrace(result.stderr), result.stderr).toBe(false);
    expect(await groupEnds(cli.child.pid!)).toBe(true);
  });

  it('SIGTERM to npm run build ends the build and the pipeline under it', async () => {
    const cli = build();
    await cli.waitFor(/rendering hang/);
    cli.child.kill('SIGTERM'); // to scripts/build.ts alone, as a supervisor or npm sends it
    const result = await cli.finished;
    expect(result.code).toBe(143);
    // The pipeline is gone too: nothing of the group is left.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await groupEnds(cli.child.pid!)).toBe(true);
  });
}, 120_000);

describe('figure and table ids that are not plain names', () => {
  const root = copyRepo(['pipeline', 'tests/fixtures', 'package.json', 'tsconfig.json']);
  addFixturePost(root);
  afterAll(() => removeCopy(root));

  it.each([
    ['table', '../../../escape', /table id "\.\.\/\.\.\/\.\.\/escape" is not a plain name/],
    ['table', 'Loss_Table', /table id "Loss_Table" is not a plain name/],
    ['claim', 'a.b', /claim id "a\.b" is not a plain name/],
  ])('a %s id %j: refused when the post loads, before anything is written', async (kind, id, pattern) => {
    const list = kind === 'table' ? `tables: [{ id: ${JSON.stringify(id)}, needs: [], render: () => ({ html: '<p>x</p>', numbers: {} }) }], claims: []` : `tables: [], claims: [{ id: ${JSON.stringify(id)}, needs: [], text: 'x', check: () => true }]`;
    const slug = `ids-${kind}-${id.length}`;
    mkdirSync(path.join(root, 'content', slug), { recursive: true });
    writeFileSync(path.join(root, 'content', slug, 'post.md'), '---\ntitle: Ids\nsummary: Ids.\ndate: 2026-01-01\n---\n');
    writeFileSync(path.join(root, 'content', slug, 'post.ts'), `import { definePost } from '../../pipeline/post/post.ts';\nexport default definePost({ groups: [], figures: [], ${list} } as never);\n`);
    const loading = loadPost(slug, root);
    await expect(loading).rejects.toBeInstanceOf(PostError);
    await expect(loading).rejects.toThrow(pattern);
  });
});

describe('the site, given figures/ that the pipeline did not check', () => {
  const fixtureDir = path.join(import.meta.dirname, '../fixtures/figures/fixture');

  it.each([
    ['a script', (svg: string) => svg.replace('</svg>', '<script>alert(1)</script></svg>'), /its SVG contains <script>/],
    ['unclosed markup', (svg: string) => svg.replace('</svg>', '<g><text>broken</svg>'), /its SVG is not well-formed XML/],
  ])('refuses an SVG with %s even when its manifest is resealed', async (_, edit, pattern) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'tiny.svg'), edit(readFileSync(path.join(fixtureDir, 'tiny.svg'), 'utf8')));
    const manifest = JSON.parse(readFileSync(path.join(fixtureDir, 'manifest.json'), 'utf8'));
    sealFigureManifest(manifest, dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const error = await renderArticleError('::figure[tiny]\n', { figuresDir: dir });
    expect(error.message).toMatch(/figure "tiny" may not be published: /);
    expect(error.message).toMatch(pattern);
  });
});
