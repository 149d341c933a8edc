/**
 * The figure renderer as Node uses it: compose.ts (Plot options → standalone SVG string)
 * drawing in jsdom, with each SVG's plotted data kept for its CSV download.
 *
 * compose.ts holds the code and imports nothing Node-only, so an explorable figure can
 * redraw in the reader's browser with the very functions that drew it here; this module
 * only plugs jsdom in. Pipeline code and figure modules import from here.
 */
import { JSDOM } from 'jsdom';
import { setKeepPlottedData, setWindowFactory, type DrawingWindow } from './compose.ts';

// A fresh document per figure: nothing a previous figure left can leak into the next.
setWindowFactory(() => new JSDOM('<!DOCTYPE html><body></body>').window as unknown as DrawingWindow);
setKeepPlottedData(true);

export * from './compose.ts';
