/**
 * The errors a figure or table render ends with, in a module of their own: the CLIs'
 * error handler (cli/errors.ts) tells them apart by class, and importing figures.ts for
 * that loaded Plot, jsdom and sharp into every CLI, a second of start-up for a `train`.
 */

/**
 * A figure or table module broke its contract (threw, ran too long, returned no SVG or
 * unsafe markup): the author's to fix, printed as one line naming the post, the module
 * and what is wrong.
 */
export class RenderError extends Error {}

/** Ctrl-C while a figure or table rendered: nothing was written for it; exit 130 like any interruption. */
export class RenderInterruptedError extends Error {}
