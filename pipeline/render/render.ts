/**
 * The figure renderer as Node uses it: compose.ts (Plot options → standalone SVG string)
 * drawing in jsdom, with each SVG's plotted data kept for its CSV download.
 *
 * compose.ts holds the code and imports nothing Node-only, so an explorable figure can
 * redraw in the reader's browser with the very functions that drew it here; this module
 * only plugs jsdom in. Pipeline code and figure modules import from here.
 */
import { createRequire } from 'node:module';
import { setKeepPlottedData, setWindowFactory, type DrawingWindow } from './compose.ts';

// jsdom is loaded on the first drawing, not on import: every CLI imports the posts, and so
// their figure modules, but only the figure stage draws, and loading jsdom costs most of
// a second (issue 26: a CLI's start). It is a CommonJS package, so require loads it
// synchronously where the first figure asks for a window.
let JSDOM: typeof import('jsdom').JSDOM | null = null;
// A fresh document per figure: nothing a previous figure left can leak into the next.
setWindowFactory(() => {
  JSDOM ??= (createRequire(import.meta.url)('jsdom') as typeof import('jsdom')).JSDOM;
  return new JSDOM('<!DOCTYPE html><body></body>').window as unknown as DrawingWindow;
});
setKeepPlottedData(true);

export * from './compose.ts';
