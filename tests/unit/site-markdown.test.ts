// The Markdown features around the figures: cross-references (figures numbered in order,
// labelled equations), citations from the post's references.bib, provenance links, the
// dev loop's stale notes, and the checks that reject what the parser would let through
// (leftover math or directive syntax, raw HTML, script links), each with file:line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { articleMarkdown, type ArticleMarkdownOptions, sourceUrlFrom } from '../../src/plugins/index.ts';
import { sealFigureManifest } from '../fixtures/manifests.ts';
import { FIXTURE_POST, renderArticle, renderArticleError } from '../fixtures/markdown.ts';

const fixtureDir = path.resolve('tests/fixtures/figures/fixture');
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A post folder: post.md (not written; the VFile carries the text) and, when given, references.bib. */
function postFolder(bib?: string): string {
  const dir = tempDir('site-markdown-post-');
  if (bib !== undefined) fs.writeFileSync(path.join(dir, 'references.bib'), bib);
  return path.join(dir, 'post.md');
}

const plainPost = FIXTURE_POST;

const render = (markdown: string, options: Partial<ArticleMarkdownOptions> = {}, postPath = plainPost) => renderArticle(markdown, { figuresDir: fixtureDir, ...options }, postPath);
const renderError = (markdown: string, options: Partial<ArticleMarkdownOptions> = {}, postPath = plainPost) =>
  renderArticleError(markdown, { figuresDir: fixtureDir, ...options }, postPath);

/** The fixture figures plus a second figure "other" (its own SVG ids), for numbering. */
function twoFigures(): string {
  const dir = tempDir('site-markdown-figures-');
  const svg = fs.readFileSync(path.join(fixtureDir, 'tiny.svg'), 'utf8');
  fs.writeFileSync(path.join(dir, 'tiny.svg'), svg);
  fs.writeFileSync(path.join(dir, 'other.svg'), svg.replaceAll('tiny-', 'other-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'manifest.json'), 'utf8'));
  manifest.figures.other = { ...manifest.figures.tiny, file: 'other.svg', caption: 'The other one, see :ref[fig:tiny].', numbers: {}, source: 'content/fixture/figures/other.ts', experimentFiles: [] };
  sealFigureManifest(manifest, dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('cross-references', () => {
  it('numbers figures in order of appearance and links :ref[fig:…] to them, forward references included', async () => {
    const figuresDir = twoFigures();
    const html = await render('As :ref[fig:other] shows.\n\n::figure[other]\n\n::figure[tiny]\n', { figuresDir });
    expect(html).toContain('<p>As <a href="#fig-other" class="xref">Figure 1</a> shows.</p>');
    expect(html).toMatch(/<figure id="fig-other" class="figure">[\s\S]*?<figcaption><span class="figure-number">Figure 1\.<\/span>/);
    expect(html).toMatch(/<figure id="fig-tiny" class="figure">[\s\S]*?<figcaption><span class="figure-number">Figure 2\.<\/span>/);
    // A reference inside a caption resolves too.
    expect(html).toContain('The other one, see <a href="#fig-tiny" class="xref">Figure 2</a>.');
  });

  it('numbers labelled display equations and links :ref[eq:…]; unlabelled ones stay unnumbered', async () => {
    const html = await render('$$\na = 1\n$$\n\n$$ {#eq:loss}\nL = 0\n$$\n\nBy :ref[eq:loss], done.\n');
    expect(html).toMatch(/<div id="eq-loss" class="equation"><span class="katex-display">[\s\S]*<\/span><span class="equation-number">\(1\)<\/span><\/div>/);
    expect(html).toContain('By <a href="#eq-loss" class="xref">Equation (1)</a>, done.');
    expect(html.match(/equation-number/g)).toHaveLength(1);
  });

  it('fails on an unknown figure or equation label, naming the line, column and the known labels', async () => {
    const figure = await renderError('Intro.\n\nSee :ref[fig:tiny-typo].\n\n::figure[tiny]\n');
    expect(figure.message).toMatch(/^content\/fixture\/post\.md:3:5: unknown label "fig:tiny-typo" in :ref\[fig:tiny-typo\]: no ::figure\[tiny-typo\] in this post\./);
    expect(figure.message).toContain('Figures placed in this post: tiny.');
    // A figure in the manifest but not placed in the post cannot be referred to.
    const unplaced = await renderError('See :ref[fig:tiny].\n');
    expect(unplaced.message).toContain('unknown label "fig:tiny"');
    const equation = await renderError('See :ref[eq:nope].\n');
    expect(equation.message).toMatch(/^content\/fixture\/post\.md:1:5: unknown label "eq:nope"/);
    const kind = await renderError('See :ref[tiny].\n');
    expect(kind.message).toContain('"tiny" in :ref[tiny] is not a label');
  });

  it('fails on an equation label nothing refers to, and on a malformed or repeated label', async () => {
    const unused = await renderError('Text.\n\n$$ {#eq:loss}\nL = 0\n$$\n');
    expect(unused.message).toMatch(/^content\/fixture\/post\.md:3:1: equation label "eq:loss" is never referenced/);
    expect(unused.message).toContain(':ref[eq:loss]');
    const malformed = await renderError('$$ loss\nL = 0\n$$\n');
    expect(malformed.message).toMatch(/^content\/fixture\/post\.md:1:1: "loss" after \$\$ is not an equation label/);
    const twice = await renderError('$$ {#eq:a}\nx\n$$\n\n$$ {#eq:a}\ny\n$$\n\n:ref[eq:a]\n');
    expect(twice.message).toMatch(/^content\/fixture\/post\.md:5:1: equation label "eq:a" is used twice \(first at line 1\)/);
  });
});

const BIB = `@article{rankin1955,
  author = {Rankin, R. A.},
  title = {The closest packing of spherical caps in $n$ dimensions},
  journal = {Proceedings of the Glasgow Mathematical Association},
  volume = {2}, number = {3}, pages = {139--144}, year = {1955},
  doi = {10.1017/S2040618500033219}
}

@article{elhage2022toy,
  author = {Elhage, Nelson and Hume, Tristan and Olsson, Catherine},
  title = {Toy Models of Superposition},
  journal = {Transformer Circuits Thread},
  year = {2022},
  url = {https://transformer-circuits.pub/2022/toy_model/index.html}
}
`;

describe('citations', () => {
  it('renders :cite[…] as linked author–year citations and ::references as the list of cited works, DOIs and URLs linked', async () => {
    const post = postFolder(BIB);
    const html = await render('As shown :cite[rankin1955], and :cite[elhage2022toy, rankin1955].\n\n## References\n\n::references\n', {}, post);
    expect(html).toContain('As shown <span class="citation">(<a href="#ref-rankin1955">Rankin, 1955</a>)</span>');
    expect(html).toContain('<span class="citation">(<a href="#ref-elhage2022toy">Elhage et al., 2022</a>; <a href="#ref-rankin1955">Rankin, 1955</a>)</span>');
    const list = /<ul class="references">([\s\S]*)<\/ul>/.exec(html)?.[1] ?? '';
    // APA order (by author), one item per cited work.
    expect(list.indexOf('id="ref-elhage2022toy"')).toBeLessThan(list.indexOf('id="ref-rankin1955"'));
    expect(list).toContain('<a href="https://doi.org/10.1017/S2040618500033219">https://doi.org/10.1017/S2040618500033219</a>');
    expect(list).toContain('<a href="https://transformer-circuits.pub/2022/toy_model/index.html">');
    expect(list).toContain('<i>Proceedings of the Glasgow Mathematical Association</i>, <i>2</i>(3), 139–144.');
  });

  it('lists only the works cited', async () => {
    const html = await render('Once :cite[rankin1955].\n\n::references\n', {}, postFolder(BIB));
    expect(html).toContain('id="ref-rankin1955"');
    expect(html).not.toContain('id="ref-elhage2022toy"');
  });

  it('fails on an unknown key with file, line, column and the keys the .bib defines', async () => {
    const post = postFolder(BIB);
    const error = await renderError('Intro.\n\nAs shown :cite[rankin1956].\n\n::references\n', {}, post);
    expect(error.file).toBe(post);
    expect(error.line).toBe(3);
    expect(error.column).toBe(10);
    expect(error.message).toContain('unknown citation key "rankin1956" in :cite[rankin1956]');
    expect(error.message).toContain('Keys in');
    expect(error.message).toContain('elhage2022toy, rankin1955');
  });

  it('fails without a references.bib, without ::references, and on ::references with nothing cited', async () => {
    const noBib = await renderError('See :cite[rankin1955].\n', {}, postFolder());
    expect(noBib.message).toMatch(/post\.md:1:5: :cite\[rankin1955\] but the post has no .*references\.bib/);
    const noList = await renderError('See :cite[rankin1955].\n', {}, postFolder(BIB));
    expect(noList.message).toMatch(/post\.md:1:5: the post cites works but has no reference list/);
    const nothingCited = await renderError('Text.\n\n::references\n', {}, postFolder(BIB));
    expect(nothingCited.message).toMatch(/post\.md:3:1: ::references, but nothing in the post is cited/);
  });

  it('fails on BibTeX that does not parse, naming the .bib file and line', async () => {
    const post = postFolder('@article{ok, title = {x}, year = 2020}\n\n@article{broken title = {y}}\n');
    const error = await renderError('See :cite[ok].\n\n::references\n', {}, post);
    expect(error.file).toBe(path.join(path.dirname(post), 'references.bib'));
    expect(error.line).toBe(3);
    expect(error.message).toContain('references.bib does not parse');
    const twice = await renderError('See :cite[ok].\n\n::references\n', {}, postFolder('@misc{ok, title = {x}}\n@misc{ok, title = {y}}\n'));
    expect(twice.message).toMatch(/references\.bib:2: citation key "ok" is defined twice/);
  });
});

describe('provenance links', () => {
  it('links the figure module and the experiment files when a repository URL is set', async () => {
    const sourceUrl = sourceUrlFrom({ REPO_URL: 'https://github.com/someone/fork' }, {});
    const html = await render('::figure[tiny]\n', { sourceUrl });
    expect(html).toContain(
      '<span class="sources"> Code: <a href="https://github.com/someone/fork/blob/main/content/fixture/figures/tiny.ts" class="source-link">figures/tiny.ts</a>; ' +
        'experiment: <a href="https://github.com/someone/fork/blob/main/content/fixture/experiments/spine.ts" class="source-link">experiments/spine.ts</a>.</span>',
    );
  });

  it('takes the URL from REPO_URL, then GitHub Actions, then package.json "repository"', () => {
    const file = 'content/p/figures/x.ts';
    expect(sourceUrlFrom({ REPO_URL: 'https://github.com/a/b/', REPO_REF: 'v1' }, {})?.(file)).toBe('https://github.com/a/b/blob/v1/content/p/figures/x.ts');
    expect(sourceUrlFrom({ REPO_URL: 'https://gitlab.com/a/b/-/blob/main/{path}' }, {})?.(file)).toBe('https://gitlab.com/a/b/-/blob/main/content/p/figures/x.ts');
    const actions = { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'fork/repo', GITHUB_SHA: 'abc123' };
    expect(sourceUrlFrom(actions, { repository: 'https://github.com/up/stream' })?.(file)).toBe('https://github.com/fork/repo/blob/abc123/content/p/figures/x.ts');
    expect(sourceUrlFrom({}, { repository: { type: 'git', url: 'git+https://github.com/up/stream.git' } })?.(file)).toBe('https://github.com/up/stream/blob/main/content/p/figures/x.ts');
    expect(sourceUrlFrom({}, { repository: 'github:up/stream' })?.(file)).toBe('https://github.com/up/stream/blob/main/content/p/figures/x.ts');
    expect(sourceUrlFrom({}, {})).toBeUndefined();
    expect(() => sourceUrlFrom({ REPO_URL: 'javascript:alert(1)' }, {})).toThrow(/REPO_URL must be an http\(s\) URL/);
  });

  it('names the files without links when no repository is configured', async () => {
    const html = await render('::figure[tiny]\n');
    expect(html).toContain('Code: <span class="source-path">figures/tiny.ts</span>; experiment: <span class="source-path">experiments/spine.ts</span>.');
  });
});

describe('stale figures (the dev loop)', () => {
  /** The fixture figures with a stale.json as the dev loop writes it. */
  function withStale(stale: object): string {
    const dir = tempDir('site-markdown-stale-');
    for (const name of ['manifest.json', 'tiny.svg']) fs.copyFileSync(path.join(fixtureDir, name), path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'stale.json'), JSON.stringify(stale));
    return dir;
  }
  const note = { experiments: ['tiny-seed0'], command: 'npm run train -- tiny-seed0' };

  it('under astro dev, marks a stale figure with the command that trains it, and shows a placeholder for one never drawn', async () => {
    const figuresDir = withStale({ figures: { tiny: note, fresh: note }, tables: {} });
    const html = await render('::figure[tiny]\n\n::figure[fresh]\n\nIts value :num[fresh.value].\n', { figuresDir, dev: true });
    expect(html).toContain('<figure id="fig-tiny" class="figure stale"><p class="stale-note">stale: run <code>npm run train -- tiny-seed0</code> to train 1 run.');
    expect(html).toMatch(/<figure id="fig-fresh" class="figure stale"><p class="stale-note">stale: run <code>npm run train -- tiny-seed0<\/code>[^<]*has not been drawn yet\.<\/p><figcaption><span class="figure-number">Figure 2\.<\/span><\/figcaption><\/figure>/);
    expect(html).toContain('<span class="num stale" data-key="fresh.value" title="stale: run npm run train -- tiny-seed0">?</span>');
  });

  it('fails any other build while the dev loop has left stale figures', async () => {
    const figuresDir = withStale({ figures: { tiny: note }, tables: {} });
    const error = await renderError('::figure[tiny]\n', { figuresDir });
    expect(error.file).toMatch(/stale\.json$/);
    expect(error.message).toContain('drawn from runs that are not trained yet (tiny)');
    expect(error.message).toContain('npm run pipeline');
  });
});

describe('malformed input fails with file:line:column', () => {
  it('an unclosed $ (inline) and an unclosed $$ block', async () => {
    const inline = await renderError('Fine $x$.\n\nThe loss $L = 1 is low.\n');
    expect(inline.message).toMatch(/^content\/fixture\/post\.md:3:10: a "\$" that does not start or end any math\./);
    expect(inline.message).toContain('\\$');
    const block = await renderError('Text.\n\n$$\nL = 1\n\nMore text.\n');
    expect(block.message).toMatch(/^content\/fixture\/post\.md:3:1: display math opened here is never closed/);
    // A label after the closing $$ is not a closing fence either: the block runs on.
    const trailing = await renderError('$$\nL = 1\n$$ {#eq:loss}\n\n:ref[eq:loss]\n');
    expect(trailing.message).toMatch(/^content\/fixture\/post\.md:1:1: display math opened here is never closed/);
    expect(trailing.message).toContain('$$ {#eq:name}');
  });

  it('a directive missing its "]"', async () => {
    const figure = await renderError('Intro.\n\n::figure[tiny\n');
    expect(figure.message).toMatch(/^content\/fixture\/post\.md:3:1: "::figure\[" looks like a directive but does not parse/);
    const number = await renderError('Loss :num[tiny.loss and more.\n');
    expect(number.message).toMatch(/^content\/fixture\/post\.md:1:6: ":num\[" looks like a directive but does not parse/);
  });

  it('accepts escaped dollar signs and colons, and anything inside code', async () => {
    // No digits in the prose: the prose check (prose-check.ts) would flag them as typed results.
    const html = await render('It costs \\$ten, a\\:b[c], and `$x` or `::figure[x`.\n\n```\n$ echo ::figure[\n```\n');
    expect(html).toContain('<p>It costs $ten, a:b[c], and <code>$x</code> or <code>::figure[x</code>.</p>');
  });

  it('reports leftovers in a figure caption at the ::figure line', async () => {
    const dir = tempDir('site-markdown-caption-');
    fs.copyFileSync(path.join(fixtureDir, 'tiny.svg'), path.join(dir, 'tiny.svg'));
    const manifest = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'manifest.json'), 'utf8'));
    manifest.figures.tiny.caption = 'Costs $5.';
    sealFigureManifest(manifest, dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const error = await renderError('Text.\n\n::figure[tiny]\n', { figuresDir: dir });
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:1: a "\$" that does not start or end any math\.\n {2}\(in the caption of figure "tiny"/);
  });
});

describe('raw HTML policy', () => {
  it('allows the listed inline tags and comments', async () => {
    const html = await render('x<sub>i</sub>, x<sup>k</sup>, <abbr title="ReLU">rectifier</abbr>, <kbd>Ctrl</kbd>.\n\n<!-- a note -->\n');
    expect(html).toContain('x<sub>i</sub>, x<sup>k</sup>, <abbr title="ReLU">rectifier</abbr>, <kbd>Ctrl</kbd>.');
  });

  it('fails on scripts, event handlers, styles and tags Markdown already covers', async () => {
    const script = await renderError('Text.\n\n<script>alert(1)</script>\n');
    expect(script.message).toMatch(/^content\/fixture\/post\.md:3:1: raw HTML <script> is not allowed in a post\./);
    const inlineScript = await renderError('Text <script>alert(1)</script> here.\n');
    expect(inlineScript.message).toMatch(/^content\/fixture\/post\.md:1:6: raw HTML <script>/);
    const handler = await renderError('A <span onclick="steal()">word</span>.\n');
    expect(handler.message).toMatch(/^content\/fixture\/post\.md:1:3: event-handler attribute "onclick" on <span> is not allowed/);
    const style = await renderError('A <span style="color:red">word</span>.\n');
    expect(style.message).toContain('attribute "style" is not allowed on <span>');
    const image = await renderError('<img src="x.png" onerror="steal()">\n');
    expect(image.message).toMatch(/raw HTML <img> is not allowed in a post[\s\S]*Markdown image/);
    const link = await renderError('A <a href="https://example.org">link</a>.\n');
    expect(link.message).toContain('Fix: write a Markdown link: [text](url) instead.');
    const nested = await renderError('Text.\n\n<details>\n<summary>More</summary>\n<iframe src="x"></iframe>\n</details>\n');
    expect(nested.message).toMatch(/^content\/fixture\/post\.md:5:1: raw HTML <iframe>/);
  });

  it('fails on javascript: and other script links', async () => {
    const error = await renderError('A [link](javascript:alert(1)) here.\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:1:3: link target "javascript:alert\(1\)" uses the "javascript:" scheme/);
    await expect(render('[ok](https://example.org), [mail](mailto:a@b.c), [post](../other/), [anchor](#x).\n')).resolves.toContain('href="https://example.org"');
  });
});

describe("inside Astro's own Markdown processor", () => {
  it('renders references, citations and equations the same way', async () => {
    const post = postFolder(BIB);
    const processor = await createMarkdownProcessor({ ...articleMarkdown({ figuresDir: fixtureDir }) });
    const { code } = await processor.render('$$ {#eq:a}\nx = 1\n$$\n\nBy :ref[eq:a] and "quoted" :cite[rankin1955].\n\n::figure[tiny]\n\nSee :ref[fig:tiny].\n\n::references\n', {
      fileURL: pathToFileURL(post),
    } as never);
    expect(code).toContain('<a href="#eq-a" class="xref">Equation (1)</a>');
    expect(code).toContain('<a href="#ref-rankin1955">Rankin, 1955</a>');
    expect(code).toContain('<a href="#fig-tiny" class="xref">Figure 1</a>');
    expect(code).toContain('<li id="ref-rankin1955" class="reference">');
  });

  it('rejects a leftover $ with the line, through smartypants and GFM', async () => {
    const processor = await createMarkdownProcessor({ ...articleMarkdown({ figuresDir: fixtureDir }) });
    const failure = processor.render('Intro "quoted".\n\nThe price is $5.\n', { fileURL: pathToFileURL(plainPost) } as never);
    await expect(failure).rejects.toThrow(/content\/fixture\/post\.md:3:14: a "\$" that does not start or end any math/);
  });
});
