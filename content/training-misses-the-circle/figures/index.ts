/** Every figure module, in the order the figures appear in the article. */
import type { Figure } from '../../../pipeline/post/figure.ts';
import symmetricFailure from './symmetric-failure.ts';
import failureRate from './failure-rate.ts';
import failureLength from './failure-length.ts';
import asymmetricRecovery from './asymmetric-recovery.ts';
import lrChaos from './lr-chaos.ts';
import memorizationPanels from './memorization-panels.ts';
import evenVsFailure from './even-vs-failure.ts';
import relu from './relu.ts';
import projection3d from './projection-3d.ts';
import biasShift from './bias-shift.ts';
import axial3d from './axial-3d.ts';
import reluClamp from './relu-clamp.ts';
import reluLine2d from './relu-line-2d.ts';
import reluRegions3d from './relu-regions-3d.ts';
import changeOfBasis from './change-of-basis.ts';
import trainedN3 from './trained-n3.ts';
import trainedN4 from './trained-n4.ts';
import trainedN5 from './trained-n5.ts';
import twoMBound from './two-m-bound.ts';
import wtwN5 from './wtw-n5.ts';
import lossVsAngle from './loss-vs-angle.ts';
import tgonConstruction from './tgon-construction.ts';
import memorizedTgons from './memorized-tgons.ts';
import wtwCirculant from './wtw-circulant.ts';
import latentZones from './latent-zones.ts';

export const figures: Figure[] = [memorizationPanels, evenVsFailure, projection3d, relu, biasShift, axial3d, reluClamp, reluLine2d, reluRegions3d, trainedN3, trainedN4, changeOfBasis, twoMBound, trainedN5, wtwN5, lossVsAngle, tgonConstruction, memorizedTgons, wtwCirculant, latentZones, symmetricFailure, failureRate, failureLength, asymmetricRecovery, lrChaos];
