/**
 * Type errors in a saved file, for the dev loop: tsx strips types, so a figure module
 * with a type error still renders and only `npm test` used to say so (issue 26).
 * `npm run dev` runs this in the background after each save of a .ts file under
 * content/ or pipeline/ and shows what it finds on the page's overlay.
 *
 *   node --import tsx pipeline/dev/typecheck.ts <errors-dir> <file.ts>…
 *
 * The files are checked with the project's tsconfig.json, through their imports, but
 * only their own errors are reported (an error elsewhere is that file's to report): one
 * line each, `file:line:column: type error: message (TSnnnn)`. The lines go to stdout
 * and, per file, to <errors-dir>/types--<file>.txt, removed when the file has none.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The file in DEV_ERRORS_DIR that holds a checked file's type errors. */
export function typeErrorsFile(errorsDir: string, file: string): string {
  return path.join(errorsDir, `types--${file.replace(/[\\/]/g, '--')}.txt`);
}

/** One line per type error, for each of `files` (repo-relative), checked with `root`'s tsconfig.json. */
export function typeErrors(files: readonly string[], root: string): Map<string, string[]> {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  const options = configFile
    ? ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, path.dirname(configFile)).options
    : { strict: true };
  const program = ts.createProgram(files.map((file) => path.resolve(root, file)), { ...options, noEmit: true });
  const found = new Map<string, string[]>();
  for (const file of files) {
    const source = program.getSourceFile(path.resolve(root, file));
    const lines: string[] = [];
    if (source) {
      for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        lines.push(`${file}:${line + 1}:${character + 1}: type error: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')} (TS${diagnostic.code})`);
      }
    }
    found.set(file, lines);
  }
  return found;
}

/** Writes each file's errors to its errors file in `errorsDir` (removed when it has none); returns every line. */
export function reportTypeErrors(errorsDir: string, files: readonly string[], root: string): string[] {
  const all: string[] = [];
  for (const [file, lines] of typeErrors(files, root)) {
    const errorsFile = typeErrorsFile(errorsDir, file);
    if (lines.length > 0) writeFileSync(errorsFile, `${lines.join('\n')}\n`);
    else rmSync(errorsFile, { force: true });
    all.push(...lines);
  }
  return all;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [errorsDir, ...files] = process.argv.slice(2);
  const lines = reportTypeErrors(errorsDir!, files, process.cwd());
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}
