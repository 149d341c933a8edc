// The article's Markdown chain (src/plugins) against a hand-written fixture manifest:
// figures and numbers are placed, and every kind of mistake stops the build with the
// file, the line and the fix in the message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { articleMarkdown } from '../../src/plugins/index.ts';
import { ArticleBuildError } from '../../src/plugins/errors.ts';
import { loadManifest, readFigureFile } from '../../src/plugins/manifest.ts';
import { sealFigureManifest } from '../fixtures/manifests.ts';
import { FIXTURE_POST, renderArticle, renderArticleError } from '../fixtures/markdown.ts';

const fixtureDir = path.resolve('tests/fixtures/figures/fixture');
const scratchDirs: string[] = [];

afterAll(() => {
  vi.restoreAllMocks();
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const render = (markdown: string, figuresDir = fixtureDir) => renderArticle(markdown, { figuresDir });
const renderError = (markdown: string, figuresDir = fixtureDir) => renderArticleError(markdown, { figuresDir });

/** A copy of the fixture folder with the manifest edited, for the error cases. */
function fixtureVariant(edit: (manifest: any) => void, extraFiles: Record<string, string> = {}, seal = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'site-plugin-'));
  scratchDirs.push(dir);
  fs.copyFileSync(path.join(fixtureDir, 'tiny.svg'), path.join(dir, 'tiny.svg'));
  const manifest = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'manifest.json'), 'utf8'));
  for (const [name, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, name), text);
  edit(manifest);
  // Resealed, so a test reaches the check it is about rather than the checksum check.
  if (seal) sealFigureManifest(manifest, dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('figures', () => {
  it('inlines the SVG in a <figure> with the caption (math rendered) and the provenance line', async () => {
    const html = await render('Before.\n\n::figure[tiny]\n\nAfter.\n');
    expect(html).toContain('<figure id="fig-tiny" class="figure">');
    // The SVG sits in a focusable frame that scrolls sideways on a narrow screen (issue 25).
    expect(html).toMatch(/<figure id="fig-tiny" class="figure"><div class="figure-scroll" tabindex="0" role="group" aria-label="Figure 1"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>/);
    expect(html).toContain('<circle cx="60" cy="40" r="30"');
    expect(html).not.toContain('<?xml');
    // The figure is a block of its own, not wrapped in a paragraph.
    expect(html).not.toMatch(/<p>\s*<figure/);

    const caption = /<figcaption>([\s\S]*)<\/figcaption>/.exec(html)?.[1] ?? '';
    expect(caption).toContain('<span class="caption">A circle of radius <span class="katex">');
    expect(caption).toContain('<em>by hand</em>');
    expect(caption).toMatch(/^<span class="figure-number">Figure 1\.<\/span> <span class="caption">/);
    expect(caption).toContain('<span class="provenance">test fixture: no runs<span class="sources"> Code: ');
    // The figure alone at full size and its downloads, linked relatively (the post's URL ends in "/").
    expect(caption).toContain(
      '<span class="figure-files"><a href="figures/tiny.svg">Open full size</a> · Download: <a href="figures/tiny.svg" download>SVG</a>, ' +
        '<a href="figures/tiny.png" download>PNG</a>, <a href="figures/tiny.csv" download>data (CSV)</a></span>',
    );
  });

  it('folds a provenance line naming more than six run hashes behind a summary that counts the runs', async () => {
    const line = (count: number) => Array.from({ length: count }, (_, k) => `run-${k} #${String(k).padStart(8, '0')} · seed ${k}`).join('; ');
    const folded = await render('::figure[tiny]\n', fixtureVariant((manifest) => (manifest.figures.tiny.provenance = line(7))));
    expect(folded).toContain('<div class="provenance provenance-folded"><details><summary>Provenance: 1 run, 7 hashes</summary><ul><li>run-0 #00000000 · seed 0</li><li>run-1 #00000001 · seed 1</li>');
    expect(folded).toMatch(/<li>run-6 #00000006 · seed 6<\/li><\/ul><\/details><span class="sources"> Code: /);
    const shown = await render('::figure[tiny]\n', fixtureVariant((manifest) => (manifest.figures.tiny.provenance = line(6))));
    expect(shown).toContain(`<span class="provenance">${line(6)}<span class="sources">`);
    expect(shown).not.toContain('<details>');
  });

  it('serves a download only as the pipeline wrote it: an edited CSV fails with the file and the fix', () => {
    const manifest = loadManifest(fixtureDir);
    expect(readFigureFile(fixtureDir, 'tiny', manifest.figures.tiny, 'csv').toString()).toBe('mark,x,y,r\ndot,0,0,30\n');
    expect(readFigureFile(fixtureDir, 'tiny', manifest.figures.tiny, 'png').subarray(1, 4).toString()).toBe('PNG');
    const dir = fixtureVariant(() => {}, { 'tiny.png': '', 'tiny.csv': 'mark,x,y,r\ndot,0,0,30\n' });
    fs.writeFileSync(path.join(dir, 'tiny.csv'), 'mark,x,y,r\ndot,0,0,31\n');
    let caught: unknown;
    try {
      readFigureFile(dir, 'tiny', loadManifest(dir).figures.tiny, 'csv');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArticleBuildError);
    expect((caught as Error).message).toMatch(/tiny\.csv: figure "tiny": tiny\.csv is not the file the pipeline wrote \(its sha256 differs from the manifest's; truncated or edited\?\)\./);
    expect((caught as Error).message).toContain('Run `npm run pipeline`');
  });

  it('fails on an unknown figure id, naming the file, the line, the known ids and the fix', async () => {
    const error = await renderError('# Title\n\nSome text.\n\n::figure[tiny-typo]\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:5:1: unknown figure id "tiny-typo"/);
    expect(error.message).toContain('Known figure ids');
    expect(error.message).toContain('tiny');
    expect(error.message).toContain('content/fixture/figures/');
    expect(error.file).toBe('content/fixture/post.md');
    expect(error.line).toBe(5);
  });

  it('fails when a figure is placed twice', async () => {
    const error = await renderError('::figure[tiny]\n\n::figure[tiny]\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:1: figure "tiny" is placed twice \(first at line 1\)/);
  });

  it('fails when two inlined figures share an SVG element id', async () => {
    const dir = fixtureVariant(
      (manifest) => {
        manifest.figures.other = { ...manifest.figures.tiny, file: 'other.svg' };
      },
      { 'other.svg': fs.readFileSync(path.join(fixtureDir, 'tiny.svg'), 'utf8') },
    );
    const error = await renderError('::figure[tiny]\n\n::figure[other]\n', dir);
    expect(error.message).toContain('content/fixture/post.md:3:1: figures "tiny" and "other" both contain an SVG element with id="tiny-clip"');
  });
});

describe('numbers', () => {
  it('injects the value from the manifest into <span class="num">', async () => {
    const html = await render('The loss is :num[tiny.loss] at radius :num[tiny.radius].\n');
    expect(html).toBe(
      '<p>The loss is <span class="num" data-key="tiny.loss">2.5 × 10⁻³</span> at radius <span class="num" data-key="tiny.radius">30</span>.</p>',
    );
  });

  it('lets a long value (a list) wrap, keeping "T = 3" and "1.2 × 10⁻³" whole, so no value is wider than a phone', async () => {
    const list = 'T = 3: ours 1.000, paper 1.0 (within reading precision); T = 5: ours 1.2 × 10⁻³, paper 1.0';
    const dir = fixtureVariant((manifest) => (manifest.figures.tiny.numbers['tiny.versusPaper'] = list));
    const html = await render('Compared: :num[tiny.versusPaper].\n', dir);
    expect(html).toContain('<span class="num num-long" data-key="tiny.versusPaper"><span class="nowrap">T = 3</span>: ours 1.000, paper 1.0 (within reading precision); <span class="nowrap">T = 5</span>: ours <span class="nowrap">1.2 × 10⁻³</span>, paper 1.0</span>');
    // Short values stay one unbreakable number.
    expect(await render('The loss is :num[tiny.loss].\n', dir)).toContain('<span class="num" data-key="tiny.loss">2.5 × 10⁻³</span>');
  });

  it('fails on an unknown key, naming file, line, column and the keys of the same figure', async () => {
    const error = await renderError('Intro.\n\nThe best loss was :num[tiny.bestLoss] here.\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:19: unknown number key "tiny\.bestLoss"/);
    expect(error.message).toContain('tiny.loss, tiny.radius');
    expect(error.message).toContain('npm run pipeline');
    expect(error.column).toBe(19);
  });

  it('names the closest keys, not every key, when there are many', async () => {
    const many = fixtureVariant((manifest) => {
      for (let T = 1; T <= 20; T++) manifest.figures.tiny.numbers[`tiny.lossT${T}`] = String(T);
    });
    const close = await renderError('The loss is :num[tiny.losT12] here.\n', many);
    expect(close.message).toContain('Keys published for "tiny": 22 in all, the closest tiny.lossT12,');
    expect(close.message).not.toContain('tiny.lossT20');
    const far = await renderError('The loss is :num[tiny.somethingElseEntirely] here.\n', many);
    expect(far.message).toMatch(/Keys published for "tiny": 22 in all, none close to this one; the first 12 tiny\.loss, tiny\.lossT1, tiny\.lossT10, .*, … \(all in .*manifest\.json\)/);
    // A key whose figure publishes nothing is compared with every key the post has.
    const otherFigure = await renderError('The loss is :num[tin.lossT12] here.\n', many);
    expect(otherFigure.message).toMatch(/Known number keys \(from .*manifest\.json and the table manifest\): 22 in all, the closest tiny\.lossT12[,.]/);
    expect(otherFigure.message).not.toContain('tiny.lossT20');
  });

  it('fails on a directive the article does not define', async () => {
    const error = await renderError('A ratio:lol of things.\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:1:8: unsupported directive ":lol"/);
    expect(error.message).toContain('\\:lol');
  });

  it('fails on a directive of the wrong kind', async () => {
    const error = await renderError('::num[tiny.loss]\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:1:1: unsupported directive "::num"/);
    expect(error.message).toContain(':num[key]');
  });
});

describe('the manifest', () => {
  it('fails when the manifest is missing, saying how to produce it', async () => {
    const error = await renderError('::figure[tiny]\n', path.join(os.tmpdir(), 'no-such-figures-dir'));
    expect(error.message).toContain('figure manifest not found');
    expect(error.message).toContain('npm run pipeline');
    expect(error.message).toContain('npm run build');
  });

  it('fails when the manifest has the wrong shape', async () => {
    const dir = fixtureVariant((manifest) => {
      delete manifest.figures.tiny.provenance;
    });
    const error = await renderError('Text.\n', dir);
    expect(error.message).toContain('figure manifest does not have the expected shape');
    expect(error.message).toContain('figures["tiny"]: "provenance" must be a string');
    const empty = await renderError('Text.\n', fixtureVariant((manifest) => (manifest.figures.tiny.numbers['tiny.empty'] = '')));
    expect(empty.message).toContain('figures["tiny"].numbers["tiny.empty"] must be a non-empty string');
  });

  it('refuses a number edited by hand in the manifest (the entry checksum no longer matches)', async () => {
    const dir = fixtureVariant((manifest) => (manifest.figures.tiny.numbers['tiny.loss'] = '1.0'), {}, false);
    const error = await renderError('Loss :num[tiny.loss].\n', dir);
    expect(error.message).toContain('figures["tiny"]: its checksum does not match its fields (the manifest was edited by hand or written by other code)');
    expect(error.message).toContain('npm run pipeline');
  });

  it('refuses a truncated or replaced SVG (its sha256 differs from the manifest)', async () => {
    const dir = fixtureVariant(() => {}, {}, true);
    fs.writeFileSync(path.join(dir, 'tiny.svg'), fs.readFileSync(path.join(fixtureDir, 'tiny.svg'), 'utf8').slice(0, 40));
    const error = await renderError('::figure[tiny]\n', dir);
    expect(error.message).toContain('figure "tiny" is not the SVG the pipeline wrote');
  });
});

describe('math', () => {
  it('renders inline and display math with KaTeX', async () => {
    const html = await render('Inline $a^2$ and display:\n\n$$\nL = \\frac{1}{T}\n$$\n');
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<span class="katex-display">');
    expect(html).not.toContain('katex-error');
  });

  it('fails on malformed math, naming file, line and KaTeX reason', async () => {
    const error = await renderError('Fine $x$ here.\n\nBroken $\\frac{1}{$ there.\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:8: malformed math: KaTeX parse error/);
    expect(error.line).toBe(3);
  });

  it('fails on malformed display math, naming the line of the $$ block', async () => {
    const error = await renderError('Text.\n\n$$\nx = \\rigt)\n$$\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:1: malformed math: KaTeX parse error: Undefined control sequence: \\rigt/);
  });

  it('fails on input KaTeX accepts only in non-strict mode (strict: "error")', async () => {
    const error = await renderError('Unicode text in math: $é = 1$.\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:1:23: malformed math: .*LaTeX-incompatible input/);
  });

  it('fails on malformed math in a caption, pointing at the ::figure line', async () => {
    const dir = fixtureVariant((manifest) => {
      manifest.figures.tiny.caption = 'Bad $\\notacommand{x}$ math.';
    });
    const error = await renderError('Text.\n\n::figure[tiny]\n', dir);
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:1: malformed math: in the caption of figure "tiny"/);
  });
});

describe('headings', () => {
  it('takes explicit ids from a trailing {#id}', async () => {
    const html = await render('## 7. The bound {#two-m-bound}\n\n## Plain\n');
    expect(html).toContain('<h2 id="two-m-bound">7. The bound</h2>');
    expect(html).toContain('<h2>Plain</h2>');
  });

  it('fails on a repeated explicit id', async () => {
    const error = await renderError('## One {#same}\n\n## Two {#same}\n');
    expect(error.message).toMatch(/^content\/fixture\/post\.md:3:1: heading id "same" is already used by the heading on line 1/);
  });
});

describe("inside Astro's own Markdown processor", () => {
  // The exact chain `astro build` runs (GFM, smartypants, raw HTML, heading slugs), so
  // the plugins are known to work there and not only in the hand-built chain above.
  const astroProcessor = () => createMarkdownProcessor({ ...articleMarkdown({ figuresDir: fixtureDir }) });

  it('places figures and numbers and keeps explicit heading ids', async () => {
    const processor = await astroProcessor();
    const { code, metadata } = await processor.render(
      '## 1. Intro {#intro}\n\nLoss "quoted" :num[tiny.loss].\n\n::figure[tiny]\n',
      { fileURL: pathToFileURL(FIXTURE_POST) } as never,
    );
    expect(code).toContain('<h2 id="intro">1. Intro</h2>');
    expect(code).toContain('<span class="num" data-key="tiny.loss">2.5 × 10⁻³</span>');
    expect(code).toContain('<figure id="fig-tiny" class="figure"><div class="figure-scroll" tabindex="0" role="group" aria-label="Figure 1"><svg');
    expect(metadata.headings).toEqual([{ depth: 2, slug: 'intro', text: '1. Intro' }]);
  });

  it('reports errors with the Markdown file path and line', async () => {
    const processor = await astroProcessor();
    // Astro logs the error before rethrowing it; keep the test output clean.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = processor.render('Text.\n\n::figure[missing]\n', { fileURL: pathToFileURL(FIXTURE_POST) } as never);
    await expect(failure).rejects.toThrow(/content\/fixture\/post\.md:3:1: unknown figure id "missing"/);
  });
});
