/** Section 1's memorization grid: the runs the panels draw and the ledger tests, in column order. */
export const MEMO_T = [3, 5, 6, 8, 10, 15, 30];
export const MEMO_IDS = MEMO_T.map((T) => `memo-T${T}`);
