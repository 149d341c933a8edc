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

/**
 * The figures' second palette, for readers whose system is set to dark
 * (prefers-color-scheme). The SVGs keep their light colours, so a figure opened alone
 * or printed looks as pinned; the page recolours inline figures with CSS that matches
 * each light colour as written in the SVG (`fill="#2166ac"`) and gives its dark
 * counterpart (`figureDarkCss`). Inks turn light, pale fills (zones, bands, halos)
 * turn dark, and each data colour keeps its hue, lightened to stay readable on the
 * dark page. A colour a figure writes that is not listed here stays as it is.
 */
export const darkPalette: Readonly<Record<string, string>> = {
  // The theme's own roles.
  [colors.ink]: '#e4e4e6',
  [colors.feature]: '#6fb0e0',
  [colors.hidden]: '#f08c73',
  [colors.muted]: '#8a929b',
  [colors.grid]: '#3a3f46',
  [colors.accent]: '#f07878',
  // Colours figure modules write themselves.
  '#3b3b3b': '#c9ccd1',
  white: '#16181c',
  '#ffffff': '#16181c',
  '#dbe9f6': '#1f3a52',
  '#d1e5f0': '#24455c',
  '#92c5de': '#4f88ab',
  '#f6d5c3': '#5a3427',
  '#eab2a0': '#8c4b3a',
  '#bababa': '#6c7177',
  '#8e44ad': '#c792dd',
  '#1b7837': '#62c27e',
  '#e08214': '#f2a446',
};

/** The page background the dark palette is drawn on (src/styles/article.css uses the same). */
export const darkBackground = '#16181c';

/**
 * CSS that recolours the SVGs under `scope` with the dark palette when the reader's
 * system prefers dark. Presentation attributes lose to any CSS rule, so plain
 * attribute selectors are enough; Plot's inline `color` (for currentColor) needs
 * !important.
 */
export function figureDarkCss(scope: string): string {
  const rules = Object.entries(darkPalette).flatMap(([light, dark]) =>
    ['fill', 'stroke', 'stop-color'].map((property) => `${scope} [${property}="${light}" i] { ${property}: ${dark}; }`),
  );
  return [
    '@media (prefers-color-scheme: dark) {',
    `${scope} { color: ${darkPalette[colors.ink]} !important; --plot-background: ${darkBackground}; }`,
    ...rules,
    '}',
  ].join('\n');
}
