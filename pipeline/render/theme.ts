/**
 * The look shared by every figure: one font, a few sizes, a small palette, default
 * dimensions. Figures read from here instead of hard-coding styles, so a change of
 * look is one edit and every figure stays consistent with the others.
 */

/**
 * DejaVu Sans is named first and explicitly: screenshots in CI (Debian Chromium with
 * fonts-dejavu-core) then render the same glyphs as a reader's machine that has it,
 * and it covers the sub/superscripts the labels use (W₁, 10⁻⁵, sᵢ, ∈, ✓).
 * Unquoted on purpose: the value lands inside XML attributes and inline styles.
 */
export const fontFamily = 'DejaVu Sans, sans-serif';

/** Font sizes in px (SVG user units at the figure's natural width). */
export const fontSize = {
  /** Tick labels and small annotations. */
  tick: 11,
  /** Axis labels, vector labels. */
  label: 12,
  /** Panel headings. */
  heading: 13,
} as const;

/** A deliberately small palette: blue/orange is distinguishable under common colour-vision deficiencies. */
export const colors = {
  /** Default text and dark marks. */
  ink: '#222222',
  /** Feature vectors W_i (columns of W). */
  feature: '#2166ac',
  /** Hidden (latent) vectors h = W x of training examples. */
  hidden: '#d6604d',
  /** De-emphasised structure: hypercube edges, reference circles, outlines. */
  muted: '#9aa3ad',
  /** Grid lines and axes through the origin: lighter than `muted`. */
  grid: '#e2e5e9',
  /** Draws the eye to what the caption flags (e.g. an uneven panel). */
  accent: '#b2182b',
} as const;

/** Default figure width; figures may go up to `maxWidth` (the article column). */
export const width = 720;
export const maxWidth = 900;

/** Default Plot margins for a single panel with axes. */
export const margin = { top: 16, right: 16, bottom: 36, left: 44 } as const;

/** Margins for axis-free geometric panels (small multiples). */
export const bareMargin = 6;

/** The `style` option every Plot call passes, so text inside Plot uses the theme font. */
export function plotStyle(): { fontFamily: string; fontSize: string; color: string; overflow: string } {
  return {
    fontFamily,
    fontSize: `${fontSize.tick}px`,
    color: colors.ink,
    overflow: 'visible',
  };
}
