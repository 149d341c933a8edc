// npm run dev's filter over Astro's output (pipeline/dev/astro-output.ts): a page error
// that Astro prints on every request reaches the terminal once, however the pipe cuts
// the output into chunks; everything else passes unchanged.
import { describe, expect, it } from 'vitest';
import { astroOutputFilter } from '../../pipeline/dev/astro-output.ts';

const ERROR_RECORD =
  '\u001b[31m12:00:01 [ERROR]\u001b[39m Failed to parse Markdown file "/tmp/x/content/p/post.md":\n' +
  'content/p/post.md:15:8: 2 typed results in the prose: "6" (a digit typed into the prose).\n' +
  '  content/p/post.md:15:8: "6": a digit typed into the prose\n' +
  '  Fix: every result in the prose comes from :num[…].\n';
const OTHER_ERROR = '12:00:02 [ERROR] Failed to parse Markdown file "/tmp/x/content/p/post.md":\ncontent/p/post.md:3:1: unknown figure id "dotz".\n';
const INFO = '12:00:03 [200] /p/ 12ms\n';

function filtered(chunks: readonly string[]): string {
  let out = '';
  const filter = astroOutputFilter((text) => (out += text), new Set());
  for (const chunk of chunks) filter.write(chunk);
  filter.flush();
  return out;
}

describe("npm run dev's filter of Astro's output", () => {
  it('prints a repeated error once, at every place the pipe may cut it', () => {
    const stream = ERROR_RECORD + INFO + ERROR_RECORD + '\n' + ERROR_RECORD;
    for (let cut = 1; cut < stream.length; cut += 7) {
      const out = filtered([stream.slice(0, cut), stream.slice(cut)]);
      expect(out.split('2 typed results in the prose').length - 1, `cut at ${cut}`).toBe(1);
      expect(out).toContain(INFO);
    }
  });

  it('prints different errors each once, and lines that are not errors as they come', () => {
    const out = filtered([ERROR_RECORD, OTHER_ERROR, INFO, OTHER_ERROR, INFO]);
    expect(out).toBe(ERROR_RECORD + OTHER_ERROR + INFO + INFO);
  });

  it('holds an unfinished line until Astro falls quiet, then passes it on', () => {
    let out = '';
    const filter = astroOutputFilter((text) => (out += text), new Set());
    filter.write('12:00:04 watching for file changes');
    expect(out).toBe('');
    filter.flush();
    expect(out).toBe('12:00:04 watching for file changes');
  });
});
