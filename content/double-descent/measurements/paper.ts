/**
 * The paper's test-loss curve, read off its figure by eye: a reference series, drawn and
 * compared as such. Henighan et al. print no table of these values; the figure's y-axis
 * spans a few hundredths around 1, so a read-off value is good to about ±0.002.
 */
export const PAPER_SOURCE = {
  authors: 'Henighan et al.',
  year: 2023,
  title: 'Superposition, Memorization, and Double Descent',
  venue: 'Transformer Circuits Thread',
  url: 'https://transformer-circuits.pub/2023/toy-double-descent/index.html',
} as const;

/** "Henighan et al. 2023, “Superposition, Memorization, and Double Descent”, Transformer Circuits Thread". */
export const PAPER_CITATION = `${PAPER_SOURCE.authors} ${PAPER_SOURCE.year}, \u201c${PAPER_SOURCE.title}\u201d, ${PAPER_SOURCE.venue}`;

/** How precisely a value can be read off the paper's figure. */
export const READ_OFF_PRECISION = 0.002;

/** Test loss at finite T, read off the figure. */
export const PAPER_TEST_LOSS: readonly { T: number; loss: number }[] = [
  { T: 5, loss: 1.0 },
  { T: 6, loss: 1.0 },
  { T: 8, loss: 1.018 },
  { T: 15, loss: 1.022 },
  { T: 30, loss: 1.0075 },
  { T: 100, loss: 1.003 },
  { T: 500, loss: 1.0005 },
  { T: 2_000, loss: 1.015 },
  { T: 10_000, loss: 0.9988 },
];

/** The paper's test-loss peak in the generalization transition: ≈1.015 near T = 2,000. */
export const PAPER_PEAK = { T: 2_000, loss: 1.015 } as const;

/** A read-off value as read: "1.0", "1.018" (not "1", nor "1.0000"). */
export function formatPaperLoss(loss: number): string {
  return Number.isInteger(loss) ? loss.toFixed(1) : String(loss);
}

/** From T = 10,000 on the paper's curve is flat at ≈0.9988: its large-T (and T = ∞) value. */
export const PAPER_LARGE_T_LOSS = 0.9988;
