/**
 * `npm run new-post` with input that the file system refuses (issue 28): a 300-character
 * slug was an ENAMETOOLONG stack trace and left an empty content/.new-post/ behind. Every
 * failure is one line, and the scaffold leaves nothing of itself behind.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { copyRepo, hasStackTrace, removeCopy, runCli } from '../fixtures/repoCopy.ts';

const root = copyRepo(['pipeline', 'scripts/new-post.ts', 'scripts/post-template', 'package.json', 'tsconfig.json']);
afterAll(() => removeCopy(root));
const content = path.join(root, 'content');
const newPost = (args: string[]) => runCli(root, 'scripts/new-post.ts', args);

describe('npm run new-post', () => {
  beforeEach(() => rmSync(content, { recursive: true, force: true }));

  it('a 300-character slug: one line saying the limit, and no content/.new-post/ left behind', async () => {
    const result = await newPost(['a'.repeat(300), 'A title']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^new-post: the slug is 300 characters long; .* keep it to 80 /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(path.join(content, '.new-post'))).toBe(false);
  });

  it('a failure while writing (content/.new-post is a file): one line naming it, the file left alone, no half post', async () => {
    mkdirSync(content, { recursive: true });
    writeFileSync(path.join(content, '.new-post'), 'not mine to delete');
    const result = await newPost(['follow-up', 'A title']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^new-post: could not create content\/follow-up: .*\.new-post/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(readdirSync(content)).toEqual(['.new-post']);
  });

  it('a slug of 80 characters is fine', async () => {
    const slug = `a${'-b'.repeat(39)}0`;
    expect(slug).toHaveLength(80);
    const result = await newPost([slug, 'A title']);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(content)).toEqual([slug]);
  });
}, 60_000);
