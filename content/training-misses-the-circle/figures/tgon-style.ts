/** How the section 9 figures mark outcome classes: one look per class, shared so they agree. */
import type { Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { colors } from '../../../pipeline/render/theme.ts';

/** One look per outcome class, used wherever the section 9 figures mark classes. */
export const OUTCOME_STYLE: Record<Outcome, { label: string; color: string; symbol: 'circle' | 'triangle' | 'times' | 'square' }> = {
  even: { label: 'even T-gon', color: colors.feature, symbol: 'circle' },
  'several-radii': { label: 'several radii', color: '#e08214', symbol: 'triangle' },
  'symmetric-failure': { label: 'symmetric failure', color: colors.accent, symbol: 'times' },
  other: { label: 'other', color: '#6a6a6a', symbol: 'square' },
};
