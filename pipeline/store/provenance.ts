/**
 * Provenance hashes: a run's identity is
 *   sha256(canonical config JSON, engine id, engine source hash, data-generator hash, store format)
 * so it changes when the config, the engine's code or the data generator changes,
 * and only then. Source hashes cover a module's whole import closure inside the repo,
 * with comments and whitespace dropped by the TypeScript scanner: editing a comment
 * retrains nothing, editing arithmetic retrains what it touches. Line endings are
 * normalised first, so a checkout with core.autocrlf=true hashes like the LF original.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TypeScript from 'typescript';
import type { RunConfig } from '../experiments/types.ts';
import { NUMERICS_ALIASES } from './numerics-aliases.ts';

/** Bump when the layout of runs/ changes incompatibly. */
export const STORE_FORMAT = 1;

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const requireHere = createRequire(import.meta.url);
// TypeScript is a 9 MB CommonJS file: loading it takes a third of a CLI's start. So it is
// required (`import ts from 'typescript'` would also make Node scan all of it for named
// exports, ~0.55 s more), and only when a file's facts are not on disk (sourceFacts).
let loaded: typeof TypeScript | null = null;
const typeScript = () => (loaded ??= requireHere('typescript') as typeof TypeScript);

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
  const ts = typeScript();
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

/** What a source hash reads of one file: the modules it imports, as written, and its code tokens. */
interface SourceFacts {
  imports: string[];
  tokens: string;
}

/**
 * Where sourceFacts keeps what TypeScript worked out: inside node_modules, which the
 * tests' scratch copies of the project link to, so every copy shares it and `npm ci`
 * clears it. Each entry is filed under a hash of all it follows from (the file's text,
 * this module's text, TypeScript's version) and carries a checksum of its content.
 */
const FACTS_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'provenance');
let factsSalt: string | null = null;
const factsInMemory = new Map<string, SourceFacts>();

function factsChecksum(facts: SourceFacts): string {
  return sha256(canonicalJson(facts));
}

/** A file's facts: from memory, from disk when its entry checks out, else from TypeScript (then kept). */
function sourceFacts(source: string): SourceFacts {
  factsSalt ??= sha256(`${readFileSync(import.meta.filename, 'utf8')}\0${readFileSync(requireHere.resolve('typescript/package.json'), 'utf8')}`);
  const key = sha256(`${factsSalt}\0${source}`);
  const known = factsInMemory.get(key);
  if (known) return known;
  const file = path.join(FACTS_DIR, `${key}.json`);
  let facts = readFacts(file);
  if (!facts) {
    facts = {
      imports: typeScript().preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName),
      tokens: codeTokens(source),
    };
    keepFacts(file, facts);
  }
  factsInMemory.set(key, facts);
  return facts;
}

function readFacts(file: string): SourceFacts | null {
  try {
    const { imports, tokens, checksum } = JSON.parse(readFileSync(file, 'utf8')) as SourceFacts & { checksum: string };
    const facts = { imports, tokens };
    return checksum === factsChecksum(facts) ? facts : null;
  } catch {
    return null; // not there yet, or unreadable: worked out again
  }
}

/** Writes an entry whole (a temporary file renamed into place), so a reader never sees half of one. */
function keepFacts(file: string, facts: SourceFacts): void {
  if (!existsSync(path.dirname(path.dirname(FACTS_DIR)))) return; // no node_modules: nowhere to keep it
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(FACTS_DIR, { recursive: true });
    writeFileSync(temporary, JSON.stringify({ ...facts, checksum: factsChecksum(facts) }));
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true }); // a read-only node_modules: TypeScript works it out each time
  }
}

/** Repo-relative paths of `entry` and every relative module it imports, transitively, sorted. */
export function importClosure(entry: string, root = REPO_ROOT): string[] {
  const seen = new Set<string>();
  const visit = (relative: string) => {
    if (seen.has(relative)) return;
    seen.add(relative);
    for (const imported of sourceFacts(readFileSync(path.join(root, relative), 'utf8')).imports) {
      if (!imported.startsWith('.')) continue; // packages are pinned by the lockfile
      visit(path.posix.join(path.posix.dirname(relative), imported));
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
    hash.update(`${file}\0${sourceFacts(readFileSync(path.join(root, file), 'utf8')).tokens}\0`);
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
