/**
 * `npm run dev` passes Astro's output on to the terminal, with one change: Astro prints a
 * page's error every time the page is asked for, in two forms, while the page already
 * shows it on its overlay; the terminal gets it once (until scripts/dev.ts forgets what
 * was printed, a moment after a save).
 *
 * The output is cut into records before it is judged (a record starts at a timestamped
 * line or after a blank one): the pipe can split one record over several chunks, so an
 * "[ERROR]" header and its located message can arrive apart, and several records can
 * arrive in one chunk. A record ends at the next one, or when Astro falls quiet.
 */
// eslint-disable-next-line no-control-regex
const plainText = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const startsRecord = (line: string) => line.trim() === '' || /^\d\d:\d\d:\d\d\b/.test(plainText(line));
/** "content/p/post.md" and ":15:8: message": the first located message of a record. */
const LOCATED = /([\w./-]+\.(?:md|mdx|bib|ts|astro))((?::\d+){1,2}: [^\n]*)/;

export interface AstroOutputFilter {
  /** A chunk as the pipe delivered it. */
  write(chunk: string): void;
  /** Astro fell quiet: pass on what is held. */
  flush(): void;
}

/** `printed` (located messages) is shared by the filters of stdout and stderr: an error is printed once whichever stream has it. */
export function astroOutputFilter(out: (text: string) => void, printed: Set<string>): AstroOutputFilter {
  let partial = '';
  let record: string[] = [];
  const endRecord = () => {
    const text = record.join('').replace(/\n\s*Stack trace:\s*$/, '\n');
    record = [];
    if (text === '') return;
    const plain = plainText(text);
    const located = LOCATED.exec(plain);
    if (located && /error/i.test(plain)) {
      const key = located[1] + located[2];
      if (printed.has(key)) return;
      printed.add(key);
    }
    out(text);
  };
  return {
    write(chunk) {
      const lines = (partial + chunk).split(/(?<=\n)/);
      partial = lines[lines.length - 1].endsWith('\n') ? '' : lines.pop()!;
      for (const line of lines) {
        if (startsRecord(line)) endRecord();
        record.push(line);
      }
    },
    flush() {
      if (partial !== '') record.push(partial);
      partial = '';
      endRecord();
    },
  };
}
