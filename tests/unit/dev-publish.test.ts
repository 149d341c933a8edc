/**
 * No HTTP 500 window (issue 26): under `npm run dev` Astro renders pages while a pipeline
 * pass replaces figures/<slug>/. A page must see the post's output as a whole, old or
 * new, never a new SVG under the old manifest ("figure … is not the SVG the pipeline
 * wrote"); and the pipeline must not leave that state open for the length of a render.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Plot from '@observablehq/plot';
import { renderPlot } from '../../pipeline/render/render.ts';
import { loadPublished } from '../../src/plugins/manifest.ts';
import { renderTables } from '../../pipeline/stages/tables.ts';
import { renderFigures } from '../../pipeline/stages/figures.ts';
import type { Figure } from '../../pipeline/post/figure.ts';
import type { Table } from '../../pipeline/post/table.ts';
import { sealFigureManifest } from '../fixtures/manifests.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-publish-'));
  dirs.push(dir);
  return dir;
}

const fixtureDir = path.resolve('tests/fixtures/figures/fixture');

describe('a page reads the pipeline output whole', () => {
  it('waits out a pass caught between writing a new SVG and writing its manifest, and reads the new pair', async () => {
    const dir = tempDir();
    for (const name of fs.readdirSync(fixtureDir)) fs.copyFileSync(path.join(fixtureDir, name), path.join(dir, name));
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const [id, entry] = Object.entries(manifest.figures)[0] as [string, { file: string }];
    const svgFile = path.join(dir, entry.file);
    const newSvg = fs.readFileSync(svgFile, 'utf8').replace('</svg>', '<!-- redrawn --></svg>');

    // The pass: the new SVG is in place, its manifest not yet (it lands 300 ms later).
    fs.writeFileSync(svgFile, newSvg);
    sealFigureManifest(manifest, dir);
    const pending = `${manifestFile}.next`;
    fs.writeFileSync(pending, JSON.stringify(manifest));
    const writer = spawn(process.execPath, ['-e', `setTimeout(() => require('node:fs').renameSync(${JSON.stringify(pending)}, ${JSON.stringify(manifestFile)}), 300)`]);
    const writerDone = new Promise((resolve) => writer.on('exit', resolve));
    await new Promise((resolve) => writer.on('spawn', resolve));

    const published = loadPublished(dir);
    const svg = published.svg(id, published.manifest.figures[id]);
    expect(svg).toContain('<!-- redrawn --></svg>');
    expect(newSvg).toContain(svg);
    await writerDone;
  });

  it('still reports an SVG that never matches its manifest (edited by hand)', () => {
    const dir = tempDir();
    for (const name of fs.readdirSync(fixtureDir)) fs.copyFileSync(path.join(fixtureDir, name), path.join(dir, name));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const [id, entry] = Object.entries(manifest.figures)[0] as [string, { file: string }];
    fs.appendFileSync(path.join(dir, entry.file), '<!-- edited -->');
    const published = loadPublished(dir);
    expect(() => published.svg(id, published.manifest.figures[id])).toThrow(/is not the SVG the pipeline wrote/);
  });
});

describe('the pipeline publishes a post together', () => {
  it('writes no table file until every table is rendered, and no SVG until every figure is drawn', async () => {
    const tablesDir = tempDir();
    const written: string[] = [];
    const table = (id: string): Table => ({
      id,
      needs: [],
      code: ['pipeline/post/html.ts'],
      render: () => {
        written.push(...fs.readdirSync(tablesDir));
        const files: Record<string, string> = id === 'b' ? { 'runs.csv': 'x\n' } : {};
        return { html: `<p>${id}</p>`, numbers: {}, files };
      },
    });
    renderTables([table('a'), table('b'), table('c')], { tablesDir, source: 'pipeline/post/html.ts', runHashes: new Map(), loadRun: () => { throw new Error('no runs'); }, line: () => {} });
    expect(written).toEqual([]);
    expect(fs.readdirSync(tablesDir).sort()).toEqual(['a.html', 'b.html', 'c.html', 'manifest.json', 'runs.csv']);

    const figuresDir = tempDir();
    const seen: string[] = [];
    const figure = (id: string): Figure => ({
      id,
      needs: [],
      caption: id,
      render: () => {
        seen.push(...fs.readdirSync(figuresDir));
        return { svg: renderPlot({ marks: [Plot.ruleY([1])] }, { id, title: id, desc: id }), provenance: 'geometry', numbers: {} };
      },
    });
    await renderFigures([figure('f'), figure('g')], { figuresDir, sourceOf: () => 'pipeline/post/html.ts', experimentFileOf: () => '', runHashes: new Map(), loadRun: () => { throw new Error('no runs'); }, line: () => {} });
    expect(seen).toEqual([]);
    expect(fs.readdirSync(figuresDir).sort()).toEqual(['f.csv', 'f.png', 'f.svg', 'g.csv', 'g.png', 'g.svg', 'manifest.json']);
  });
});
