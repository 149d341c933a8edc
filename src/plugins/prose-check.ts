// remark plugin: no typed results in a post's prose.
//
// Every number a post reports must come from the pipeline: `:num[key]` injects it from the
// runs, and the claims ledger carries the verdicts. A digit typed into the prose, or a
// word that states a result ("most seeds", "rarely", "the norm") in a sentence that cites
// no injected number, is how a stale or invented result creeps back in. This check fails
// the build on either, naming file:line:column and the offending text.
//
// Exempt: math ($…$ and $$…$$, where digits are notation), `:num[…]` and the other
// directives (their labels are keys and ids), code, HTML, the front matter, a heading's
// leading section number ("## 7. …"), and the DEFINITIONS below: fixed phrases that
// contain digits but state no result (cross-references, publication years).
//
// Only posts are checked (content/<slug>/post.md), not other Markdown the chain may see.

import type { Heading, Parent, Root, RootContent } from 'mdast';
import type {} from 'mdast-util-directive';
import type {} from 'mdast-util-math';
import type { VFile } from 'vfile';
import path from 'node:path';
import { ArticleBuildError, displayPath } from './errors.ts';

/** Phrases with digits that are definitions or references, not results. */
export const DEFINITIONS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bsections?\s+\d+(?:(?:\s*(?:–|-|to|and|,)\s*)\d+)*/gi, why: 'a cross-reference to a section' },
  { pattern: /\b(?:19|20)\d\d\b(?=\)|,|;)/g, why: 'the publication year of a cited paper' },
];

/**
 * Math is notation, so its digits pass, with one exception: a decimal literal in math
 * ("$\\approx 0.160$") is a measured or computed value written down by hand. These are the
 * decimals that are settings or definitions instead.
 */
export const MATH_DEFINITIONS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\\beta_1 = 0\.9\b/g, why: "Adam's first-moment decay, PyTorch's default" },
  { pattern: /\\beta_2 = 0\.999\b/g, why: "Adam's second-moment decay, PyTorch's default" },
];
const MATH_DECIMAL = /\d+\.\d+/g;

/**
 * Words that state a result. Allowed in a sentence that also injects a number with
 * `:num[…]` (the number is then what the word summarises); flagged in any other.
 */
export const RESULT_PHRASES: readonly RegExp[] = [
  // "at most" states a bound, not a count.
  /(?<!\bat )\bmost(?:ly)?\b/gi,
  /\b(?:majority|minority)\b/gi,
  /\b(?:rare|rarely|often|usually|typically|seldom)\b/gi,
  /\balmost (?:all|every|always|never|none)\b/gi,
  /\bnearly (?:all|every|always|never|none)\b/gi,
  /\bthe (?:norm|rule|exception)\b/gi,
  /\bcommon(?:ly)?\b/gi,
  /\bdominat(?:e|es|ed|ing)\b/gi,
  /\b(?:half|twice|percent)\b/gi,
  /\bclean boundary\b/gi,
  /\bonly early\b/gi,
  /\b(?:every|all|no|none of the) (?:seeds?|runs?)\b/gi,
];

/** A character that is a digit in any script the prose uses (ASCII, super- and subscripts, fractions, %). */
const DIGIT = /[0-9⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉½¼¾⅓⅔%]/;
const TOKEN_WITH_DIGIT = /[^\s()[\]{},;:!?"“”]*[0-9⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉½¼¾⅓⅔%][^\s()[\]{},;:!?"“”]*/g;
const HEADING_NUMBER = /^\s*\d+(?:\.\d+)*\.?\s/;

export interface ProseProblem {
  line: number;
  column: number;
  text: string;
  why: string;
}

/** Pieces of a paragraph in reading order: prose text (with where it starts) or a stand-in for math and numbers. */
type Segment = { kind: 'text'; value: string; line: number; column: number } | { kind: 'math'; value: string; line: number; column: number } | { kind: 'num' } | { kind: 'skip' };

const SKIPPED_BLOCKS = new Set(['code', 'math', 'html', 'yaml', 'toml', 'leafDirective', 'containerDirective', 'definition', 'footnoteDefinition', 'thematicBreak']);

function segmentsOf(node: RootContent, into: Segment[], headingStart: boolean): void {
  switch (node.type) {
    case 'text': {
      const start = node.position?.start;
      let value = node.value;
      let column = start?.column ?? 1;
      if (headingStart && into.length === 0) {
        const number = HEADING_NUMBER.exec(value);
        if (number) {
          value = value.slice(number[0].length);
          column += number[0].length;
        }
      }
      into.push({ kind: 'text', value, line: start?.line ?? 0, column });
      return;
    }
    case 'inlineMath':
      into.push({ kind: 'math', value: node.value, line: node.position?.start.line ?? 0, column: node.position?.start.column ?? 0 });
      return;
    case 'textDirective':
      into.push(node.name === 'num' ? { kind: 'num' } : { kind: 'skip' });
      return;
    case 'inlineCode':
    case 'html':
    case 'image':
    case 'imageReference':
    case 'footnoteReference':
      into.push({ kind: 'skip' });
      return;
    case 'break':
      into.push({ kind: 'text', value: ' ', line: 0, column: 0 });
      return;
    default:
      if ('children' in node) for (const child of (node as Parent).children) segmentsOf(child as RootContent, into, headingStart);
  }
}

/** Line and column of `offset` inside a text segment (text nodes may span lines). */
function placeIn(segment: Extract<Segment, { kind: 'text' }>, offset: number): { line: number; column: number } {
  const before = segment.value.slice(0, offset);
  const newlines = before.split('\n').length - 1;
  if (newlines === 0) return { line: segment.line, column: segment.column + offset };
  return { line: segment.line + newlines, column: offset - before.lastIndexOf('\n') };
}

/** Splits a block's segments into sentences; a sentence ends at . ! or ? followed by white space. */
function sentences(segments: readonly Segment[]): Segment[][] {
  const out: Segment[][] = [[]];
  for (const segment of segments) {
    if (segment.kind !== 'text') {
      out[out.length - 1].push(segment);
      continue;
    }
    const ends = /[.!?]["”)]*(?=\s)/g;
    let from = 0;
    for (let match = ends.exec(segment.value); match; match = ends.exec(segment.value)) {
      const to = match.index + match[0].length;
      out[out.length - 1].push({ ...segment, value: segment.value.slice(from, to), ...placeOf(segment, from) });
      out.push([]);
      from = to;
    }
    if (from < segment.value.length) out[out.length - 1].push({ ...segment, value: segment.value.slice(from), ...placeOf(segment, from) });
  }
  return out.filter((s) => s.length > 0);
}

function placeOf(segment: Extract<Segment, { kind: 'text' }>, offset: number): { line: number; column: number } {
  return offset === 0 ? { line: segment.line, column: segment.column } : placeIn(segment, offset);
}

function allowedSpans(value: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const { pattern } of DEFINITIONS) {
    for (const match of value.matchAll(new RegExp(pattern.source, pattern.flags))) spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/** Every typed result in one block (paragraph, heading, list item, table cell). */
function checkBlock(segments: readonly Segment[]): ProseProblem[] {
  const problems: ProseProblem[] = [];
  for (const sentence of sentences(segments)) {
    const cites = sentence.some((s) => s.kind === 'num');
    for (const segment of sentence) {
      if (segment.kind !== 'math') continue;
      const allowed: [number, number][] = MATH_DEFINITIONS.flatMap(({ pattern }) => [...segment.value.matchAll(new RegExp(pattern.source, pattern.flags))].map((m): [number, number] => [m.index, m.index + m[0].length]));
      for (const match of segment.value.matchAll(MATH_DECIMAL)) {
        if (allowed.some(([a, b]) => match.index >= a && match.index < b)) continue;
        problems.push({ line: segment.line, column: segment.column, text: `$${segment.value}$`, why: 'a decimal value typed into math; inject it with :num[…] or add a definition' });
      }
    }
    for (const segment of sentence) {
      if (segment.kind !== 'text' || !DIGIT.test(segment.value)) continue;
      const allowed = allowedSpans(segment.value);
      for (const match of segment.value.matchAll(TOKEN_WITH_DIGIT)) {
        const at = match.index;
        if (allowed.some(([a, b]) => at >= a && at < b)) continue;
        problems.push({ ...placeIn(segment, at), text: match[0], why: 'a digit typed into the prose; inject it with :num[…], write it as math, or add a definition' });
      }
    }
    if (cites) continue;
    for (const segment of sentence) {
      if (segment.kind !== 'text') continue;
      for (const phrase of RESULT_PHRASES) {
        for (const match of segment.value.matchAll(new RegExp(phrase.source, phrase.flags))) {
          problems.push({ ...placeIn(segment, match.index), text: match[0], why: 'a result word in a sentence that injects no number; back it with :num[…] or rephrase' });
        }
      }
    }
  }
  return problems;
}

/** All problems in a post's tree, in document order. */
export function proseProblems(tree: Root): ProseProblem[] {
  const problems: ProseProblem[] = [];
  const walk = (node: RootContent | Root): void => {
    if (SKIPPED_BLOCKS.has(node.type)) return;
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
      const segments: Segment[] = [];
      for (const child of (node as Parent).children) segmentsOf(child as RootContent, segments, node.type === 'heading' && (node as Heading).children[0] === child);
      problems.push(...checkBlock(segments));
      return;
    }
    if ('children' in node) for (const child of (node as Parent).children) walk(child as RootContent);
  };
  walk(tree);
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** True for content/<slug>/post.md, the files this check applies to. */
export function isPostFile(file: VFile): boolean {
  if (!file.path) return false;
  const parts = path.resolve(file.path).split(path.sep);
  return parts.at(-1) === 'post.md' && parts.at(-3) === 'content';
}

export default function remarkProseCheck() {
  return function transform(tree: Root, file: VFile): undefined {
    if (!isPostFile(file)) return;
    const problems = proseProblems(tree);
    if (problems.length === 0) return;
    const first = problems[0];
    const where = displayPath(file.path);
    throw new ArticleBuildError(
      { file: file.path, line: first.line, column: first.column },
      `${problems.length} typed result${problems.length === 1 ? '' : 's'} in the prose: "${first.text}" (${first.why}).`,
      [...problems.map((p) => `${where}:${p.line}:${p.column}: "${p.text}": ${p.why}`), 'Fix: every result in the prose comes from :num[…] or the claims ledger (src/plugins/prose-check.ts).'],
    );
  };
}
