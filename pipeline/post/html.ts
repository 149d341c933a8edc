/**
 * The few HTML helpers the tables need. Every piece of text goes through `escapeHtml`,
 * so a claim sentence or an experiment label containing <, & or quotes renders as text.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A cell: plain text (escaped), or already-built HTML marked as such. */
export type Cell = string | { html: string; className?: string };

function cellHtml(tag: 'td' | 'th', cell: Cell): string {
  if (typeof cell === 'string') return `<${tag}>${escapeHtml(cell)}</${tag}>`;
  const cls = cell.className ? ` class="${escapeHtml(cell.className)}"` : '';
  return `<${tag}${cls}>${cell.html}</${tag}>`;
}

export interface HtmlTableSpec {
  className: string;
  /** Accessible caption (text). */
  caption: string;
  head: string[];
  rows: Cell[][];
  /** Optional class per row (e.g. the verdict). */
  rowClass?: (index: number) => string | undefined;
}

export function htmlTable(spec: HtmlTableSpec): string {
  const head = `<thead><tr>${spec.head.map((h) => cellHtml('th', h)).join('')}</tr></thead>`;
  const body = spec.rows
    .map((row, i) => {
      const cls = spec.rowClass?.(i);
      return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${row.map((c) => cellHtml('td', c)).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="${escapeHtml(spec.className)}">\n<caption>${escapeHtml(spec.caption)}</caption>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** One CSV field: quoted when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number)[]): string {
  return values.map(csvField).join(',');
}
