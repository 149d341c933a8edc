/**
 * Normalise an SVG string for text snapshots, in the spirit of Observable Plot's own
 * test harness: the snapshot should change when the picture changes, not when the last
 * float digit or an id counter does.
 *
 * - numbers with more than `digits` decimals are rounded (in attributes and text alike);
 * - ids are renumbered `id-1`, `id-2`, … in order of first definition, and every
 *   reference to them (`url(#…)`, `href="#…"`, aria id lists) follows;
 * - one element per line, so a diff points at the element that changed.
 *
 * Pure string processing (no DOM), so snapshots can be compared anywhere.
 */

export interface NormalizeOptions {
  /** Decimals kept; default 2. */
  digits?: number;
}

/** Hex colours first (left untouched: "#2e5" is not 2 × 10⁵), then decimals and exponent forms. */
const NUMBER_OR_COLOR = /#[0-9a-fA-F]{3,8}\b|-?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+/g;

export function normalizeSvg(svg: string, options: NormalizeOptions = {}): string {
  const digits = options.digits ?? 2;
  const scale = 10 ** digits;
  let out = svg.replace(NUMBER_OR_COLOR, (token) => {
    if (token.startsWith('#')) return token;
    const decimals = token.match(/\.(\d+)/)?.[1].length ?? 0;
    if (decimals <= digits && !/e/i.test(token)) return token;
    const rounded = Math.round(Number(token) * scale) / scale + 0;
    return String(rounded);
  });

  const renamed = new Map<string, string>();
  out.replace(/\sid="([^"]*)"/g, (match, id: string) => {
    if (!renamed.has(id)) renamed.set(id, `id-${renamed.size + 1}`);
    return match;
  });
  const lookup = (id: string): string => renamed.get(id) ?? id;
  out = out
    .replace(/(\sid=")([^"]*)"/g, (_, head: string, id: string) => `${head}${lookup(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${lookup(id)})`)
    .replace(/(\s(?:xlink:)?href="#)([^"]*)"/g, (_, head: string, id: string) => `${head}${lookup(id)}"`)
    .replace(/(\saria-(?:labelledby|describedby)=")([^"]*)"/g, (_, head: string, ids: string) =>
      `${head}${ids.split(/\s+/).map(lookup).join(' ')}"`,
    );

  return out.replace(/>\s*</g, '>\n<').trim() + '\n';
}
