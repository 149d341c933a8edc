/**
 * Every claim the article tests, in article order. The claims ledger (section 12) is
 * generated from this list by pipeline/tables/claims-ledger.ts: each claim is evaluated
 * against its runs at build time, and a claim whose criterion fails is shown as failing.
 */
import type { Claim } from '../../../pipeline/post/claim.ts';
import { failureClaims } from './failure.ts';
import { freeDimensionClaims } from './free-dimensions.ts';
import { memorizationClaims, tgonClaims } from './tgons.ts';

export const claims: Claim[] = [...memorizationClaims, ...freeDimensionClaims, ...tgonClaims, ...failureClaims];
