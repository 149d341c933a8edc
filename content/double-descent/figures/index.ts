/** Every figure module, in the order the figures appear in the post. */
import type { Figure } from '../../../pipeline/post/figure.ts';
import doubleDescent from './double-descent.ts';
import dimensionality from './dimensionality.ts';
import norms from './norms.ts';
import paperConvention from './paper-convention.ts';
import epsilon from './epsilon.ts';
import regimePanels from './regime-panels.ts';
import regimeExplorer from './regime-explorer.ts';
import sparseFailureRate from './sparse-failure-rate.ts';

export const figures: Figure[] = [doubleDescent, paperConvention, epsilon, regimePanels, regimeExplorer, dimensionality, norms, sparseFailureRate];
