/** How the section 9 figures mark outcome classes: one look per class, shared so they agree. */
import type { Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { outcomeColors } from './failure-common.ts';

/** One look per outcome class, used wherever the section 9 figures mark classes. */
export const OUTCOME_STYLE: Record<Outcome, { label: string; color: string; symbol: 'circle' | 'triangle' | 'times' | 'square' | 'diamond' | 'star' | 'plus' }> = {
  even: { label: 'even T-gon', color: outcomeColors.even, symbol: 'circle' },
  'several-radii': { label: 'several radii', color: outcomeColors['several-radii'], symbol: 'triangle' },
  uneven: { label: 'one circle, uneven', color: outcomeColors.uneven, symbol: 'diamond' },
  'symmetric-failure': { label: 'symmetric failure', color: outcomeColors['symmetric-failure'], symbol: 'times' },
  'small-feature': { label: 'small feature', color: outcomeColors['small-feature'], symbol: 'star' },
  'switched-off': { label: 'switched off', color: outcomeColors['switched-off'], symbol: 'plus' },
  other: { label: 'other', color: '#6a6a6a', symbol: 'square' },
};
