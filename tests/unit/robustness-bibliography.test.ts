/**
 * A post's references.bib is author input like the prose (issue 28's neighbours): the
 * reference list links its url fields, and a url that is not a web address
 * (javascript:, data:, a typo) was published as a broken link
 * (https://doi.org/javascript:…). Refused with the file, the line and the fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBibliography, referenceItems } from '../../src/plugins/citations.ts';
import { ArticleBuildError } from '../../src/plugins/errors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const post = path.join(dir, 'post.md');
const entry = (key: string, url: string) => `@article{${key},\n  author = {Ada Lovelace},\n  title = {Notes},\n  journal = {J},\n  year = {1843},\n  url = {${url}}\n}\n`;

function load(bib: string) {
  writeFileSync(path.join(dir, 'references.bib'), bib);
  return loadBibliography(post);
}

describe('references.bib links', () => {
  it.each(['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'JAVASCRIPT:alert(1)', 'vbscript:x', '//evil.example/x'])('refuses url = {%s}', (url) => {
    let caught: unknown;
    try {
      load(`${entry('ok', 'https://example.org/a')}\n${entry('bad', url)}`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArticleBuildError);
    expect((caught as Error).message).toMatch(/references\.bib:9: citation "bad" has url ".*", which is not a web address\.\n {2}Fix: give an http:\/\/ or https:\/\/ address, or remove the url field\.$/);
  });

  it('keeps web links in the reference list', () => {
    const bibliography = load(entry('ok', 'https://example.org/a'))!;
    const [item] = referenceItems(bibliography, ['ok']);
    expect(JSON.stringify(item)).toContain('"href":"https://example.org/a"');
  });
});
