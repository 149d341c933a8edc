/**
 * Provenance hashes: a run's identity is
 *   sha256(canonical config JSON, engine id, engine source hash, data-generator hash, store format)
 * so it changes when the config, the engine's code or the data generator changes,
 * and only then. Source hashes cover a module's whole import closure inside the repo,
 * with comments and whitespace dropped by the TypeScript scanner: editing a comment
 * retrains nothing, editing arithmetic retrains what it touches. Line endings are
 * normalised first, so a checkout with core.autocrlf=true hashes like the LF original.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TypeScript from 'typescript';
import type { RunConfig } from '../experiments/types.ts';
import { NUMERICS_ALIASES } from './numerics-aliases.ts';

/** Bump when the layout of runs/ changes incompatibly. */
export const STORE_FORMAT = 1;

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

// TypeScript is a 9 MB CommonJS file. `import ts from 'typescript'` makes Node scan all of
// it for named exports before running it (~0.55 s more than require on this machine),
// and every CLI imports this module: require loads the same module without the scan.
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level, so equal configs serialise identically. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The file's tokens as the TypeScript scanner reads them, comments and whitespace
 * dropped: reformatting or re-commenting a file leaves this unchanged. CRLF is read as
 * LF first: a multi-line template literal's token holds its raw line breaks, and git
 * with core.autocrlf=true checks files out with CRLF, which would otherwise change the
 * hash of every run. (LF files are unaffected, so no committed hash moves.)
 */
function codeTokens(source: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, source.replace(/\r\n/g, '\n'));
  const tokens: string[] = [];
  // A `}` closes either a block or a template literal's ${…}; only the scanner's caller knows which.
  const open: ('brace' | 'template')[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken) open.push('brace');
    else if (kind === ts.SyntaxKind.TemplateHead) open.push('template');
    else if (kind === ts.SyntaxKind.CloseBraceToken && open.pop() === 'template') {
      if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateMiddle) open.push('template');
    }
    tokens.push(scanner.getTokenText());
  }
  return tokens.join(' ');
}

/** Repo-relative paths of `entry` and every relative module it imports, transitively, sorted. */
export function importClosure(entry: string, root = REPO_ROOT): string[] {
  const seen = new Set<string>();
  const visit = (relative: string) => {
    if (seen.has(relative)) return;
    seen.add(relative);
    const source = readFileSync(path.join(root, relative), 'utf8');
    for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue; // packages are pinned by the lockfile
      visit(path.posix.join(path.posix.dirname(relative), imported.fileName));
    }
  };
  visit(entry);
  return [...seen].sort();
}

const sourceHashCache = new Map<string, string>();

/** Hash of the code in the import closure of the given entry files. */
export function sourceHash(entries: string[], root = REPO_ROOT): string {
  const key = `${root}|${entries.join('|')}`;
  const cached = sourceHashCache.get(key);
  if (cached) return cached;
  const files = [...new Set(entries.flatMap((entry) => importClosure(entry, root)))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0${codeTokens(readFileSync(path.join(root, file), 'utf8'))}\0`);
  }
  const digest = hash.digest('hex');
  sourceHashCache.set(key, digest);
  return digest;
}

/**
 * The hash a closure's runs are filed under: its source hash, or the earlier hash it is
 * declared to compute identically to (numerics-aliases.ts). Use this, not sourceHash,
 * wherever a run's provenance is computed.
 */
export function numericsHash(entries: string[], root = REPO_ROOT): string {
  const now = sourceHash(entries, root);
  return NUMERICS_ALIASES.find((alias) => alias.now === now)?.sameAs ?? now;
}

/** Files that define the training data; hashed as the "data-generator version". */
export const DATA_GENERATOR_ENTRY = 'pipeline/data/datasets.ts';
/** The engine-independent numerics every run goes through (AdamW, schedule, init, loop). */
export const TRAINING_LOOP_ENTRY = 'pipeline/train/loop.ts';

export interface ProvenanceInputs {
  config: RunConfig;
  engineSourceHash: string;
  dataGeneratorHash: string;
}

export function provenanceHash({ config, engineSourceHash, dataGeneratorHash }: ProvenanceInputs): string {
  return sha256(
    canonicalJson({
      config,
      engine: config.engine,
      engineSource: engineSourceHash,
      dataGenerator: dataGeneratorHash,
      storeFormat: STORE_FORMAT,
    }),
  );
}
