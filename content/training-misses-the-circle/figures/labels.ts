/**
 * Feature labels, in a module of their own: figure modules and the draw modules the
 * browser runs (explorable figures) share them, and a draw module may import nothing
 * that reaches Node-only code.
 */

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';
/** 12 → "₁₂". */
export function subscript(k: number): string {
  return String(k).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)]);
}

/** Feature label "W₁" for index 0 (features are numbered from 1 in the article). */
export function featureLabel(i: number): string {
  return `W${subscript(i + 1)}`;
}
