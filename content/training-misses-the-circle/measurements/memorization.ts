/** Section 1's memorization grid: the runs the panels draw and the ledger tests, in column order. */
export const MEMO_T = [3, 5, 6, 8, 10, 15, 30];
export const MEMO_IDS = MEMO_T.map((T) => `memo-T${T}`);
/** The same runs trained under the double-descent paper's loss convention (the mean over outputs). */
export const MEMO_MEAN_IDS = MEMO_T.map((T) => `memo-mean-T${T}`);
