/**
 * The committed run store is reproducible, part 1 of 2: every run a post uses has a sound
 * entry, and half of the cheap runs retrain bitwise equal to it (tests/fixtures/reproducibility.ts).
 */
import { reproducibilitySuite } from '../fixtures/reproducibility.ts';

reproducibilitySuite(1, 2);
