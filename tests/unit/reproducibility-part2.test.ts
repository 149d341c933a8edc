/**
 * The committed run store is reproducible, part 2 of 2: the other half of the cheap runs
 * retrain bitwise equal to the store (tests/fixtures/reproducibility.ts).
 */
import { reproducibilitySuite } from '../fixtures/reproducibility.ts';

reproducibilitySuite(2, 2);
