/** Every figure module, in the order the figures appear in the article. */
import type { Figure } from './types.ts';
import memorizationPanels from './memorization-panels.ts';
import relu from './relu.ts';
import trainedN4 from './trained-n4.ts';
import trainedN5 from './trained-n5.ts';

export const figures: Figure[] = [memorizationPanels, relu, trainedN4, trainedN5];
