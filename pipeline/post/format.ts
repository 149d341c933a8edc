/**
 * The provenance line under every figure, and the number formats shared by provenance
 * lines and by the `numbers` the prose quotes, so a value reads the same in both places.
 */
import type { LoadedRun } from '../store/types.ts';
import type { RunSet } from './figure.ts';
import { sha256 } from '../store/provenance.ts';

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** 3 → "³", -12 → "⁻¹²". */
export function superscript(exponent: number): string {
  return String(exponent).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/**
 * A loss value, compact: between 10⁻³ and 10⁴ three significant digits ("0.160",
 * "1.02"); outside that range two significant digits in scientific notation
 * ("3.1 × 10⁻⁵"), since for a near-zero loss the order of magnitude is what matters.
 * `significant` overrides both.
 */
export function formatLoss(x: number, significant?: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e4) return x.toPrecision(significant ?? 3).replace('-', '−');
  const [mantissa, exponent] = x.toExponential((significant ?? 2) - 1).split('e');
  return `${mantissa.replace('-', '−')} × 10${superscript(Number(exponent))}`;
}

/**
 * "min–max" of a set of losses, with just enough significant digits (formatLoss's default, then 4 to 7) for the two
 * ends to differ, so seeds that agree closely do not print as "0.160–0.160". If they agree
 * to 7 digits, the single value.
 */
export function formatLossRange(min: number, max: number): string {
  for (const digits of [undefined, 4, 5, 6, 7]) {
    const low = formatLoss(min, digits);
    const high = formatLoss(max, digits);
    if (low !== high) return `${low}–${high}`;
  }
  return formatLoss(min, 7);
}

/**
 * The decimal place a measured value is known to, from its error: the error keeps one
 * significant digit, two when that digit is 1 or 2 (so 0.14 stays 0.14, not 0.1, a 40 %
 * change of the error itself). Returns the power of ten of the last digit to print.
 */
export function errorPlace(error: number): number {
  if (!(error > 0) || !Number.isFinite(error)) throw new Error(`errorPlace: the error must be a finite number > 0, got ${error}`);
  let place = Math.floor(Math.log10(error));
  if (Math.floor(error / 10 ** place) < 3) place -= 1;
  return place;
}

/** `x` rounded to the digit 10^place, printed with exactly that many decimals and thousands separators. */
function atPlace(x: number, place: number): string {
  if (place < 0) {
    const text = x.toFixed(-place);
    const [whole, fraction] = text.replace('-', '').split('.');
    const signed = /^[0.]*$/.test(whole + fraction) ? '' : x < 0 ? '−' : '';
    return `${signed}${formatInteger(Number(whole))}.${fraction}`;
  }
  return formatInteger(Math.round(x / 10 ** place) * 10 ** place);
}

/**
 * A measured value with no more digits than its error allows (errorPlace): 451.7 with
 * error 28 → "452"; with error 60 → "450"; 1.000473 with error 0.00012 → "1.00047". `formatWithError` adds the error.
 */
export function formatMeasured(value: number, error: number): string {
  return atPlace(value, errorPlace(error));
}

/** "452 ± 28", "450 ± 60", "1.00047 ± 0.00012": the value and its error, both at the error's last digit. */
export function formatWithError(value: number, error: number): string {
  const place = errorPlace(error);
  return `${atPlace(value, place)} ± ${atPlace(error, place)}`;
}

/** Degrees with one decimal and the degree sign: 89.94 → "89.9°". */
export function formatDegrees(degrees: number, decimals = 1): string {
  return `${fixed(degrees, decimals)}°`;
}

/** An angle given in radians, shown in degrees. */
export function formatRadiansAsDegrees(radians: number, decimals = 1): string {
  return formatDegrees((radians * 180) / Math.PI, decimals);
}

/** A ratio such as a regularity score: 0.9734 → "0.97". */
export function formatRatio(x: number, decimals = 2): string {
  return fixed(x, decimals);
}

/** An integer with comma thousands separators, independent of the machine's locale: 50000 → "50,000". */
export function formatInteger(n: number): string {
  const sign = n < 0 ? '−' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** Fixed decimals, with a true minus sign and no "-0.0". */
function fixed(x: number, decimals: number): string {
  const text = x.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

/** The first 8 hex digits of a run's provenance hash. */
export function hash8(hash: string): string {
  return hash.slice(0, 8);
}

/** "seed 3", or "seed 3 (data 1, init 3)" when a sweep overrides one stream. */
export function seedLabel(run: LoadedRun): string {
  const { seed, dataSeed, initSeed } = run.meta.config;
  if (dataSeed === undefined && initSeed === undefined) return `seed ${seed}`;
  return `seed ${seed} (data ${dataSeed ?? seed}, init ${initSeed ?? seed})`;
}

/**
 * The non-default loss convention of a run ("mean loss", "Adam ε 1e-4", both), or '' for
 * today's defaults (sum over outputs, ε = 1e-8), which provenance lines leave unsaid.
 */
export function lossConventionLabel(config: { lossReduction?: string; adamEps?: number }): string {
  const parts: string[] = [];
  if (config.lossReduction === 'mean') parts.push('mean loss over outputs');
  if (config.adamEps !== undefined) parts.push(`Adam ε ${config.adamEps.toExponential()}`);
  return parts.join(' · ');
}

/** One run: "n4-seed0 #1a2b3c4d · seed 0 · 10,000 steps · final loss 3.1 × 10⁻⁵". */
export function runProvenance(run: LoadedRun, extra?: string): string {
  const parts = [
    `${run.experiment.id} #${hash8(run.hash)}`,
    seedLabel(run),
    `${formatInteger(run.meta.steps)} steps`,
    `final loss ${formatLoss(run.meta.finalLoss)}`,
  ];
  const convention = lossConventionLabel(run.meta.config);
  if (convention) parts.push(convention);
  if (extra) parts.push(extra);
  return parts.join(' · ');
}

/**
 * The provenance line of a figure: one entry per run, joined with "; ".
 * `extra(run)` appends figure-specific facts to a run's entry (e.g. a regularity score);
 * `note` is appended once at the end.
 */
export function provenanceLine(
  runs: readonly LoadedRun[],
  options: { extra?: (run: LoadedRun) => string | undefined; note?: string } = {},
): string {
  const entries = runs.map((run) => runProvenance(run, options.extra?.(run)));
  if (options.note) entries.push(options.note);
  return entries.join('; ');
}

/** The runs with these experiment ids, in this order; throws naming any that are missing. */
export function selectRuns(runs: RunSet, ids: readonly string[]): LoadedRun[] {
  const missing = ids.filter((id) => !runs.has(id));
  if (missing.length > 0) throw new Error(`missing runs: ${missing.join(', ')}`);
  return ids.map((id) => runs.get(id) as LoadedRun);
}

/**
 * One short hash standing for many runs: sha256 of their provenance hashes concatenated
 * in the order given (the same scheme as failure-common.ts's combinedHash). Sweep figures
 * and the claims ledger quote it instead of hundreds of hashes; each run's own hash is
 * listed in runs.csv (section 13).
 */
export function combinedRunHash(hashes: readonly string[]): string {
  return sha256(hashes.join(''));
}

/**
 * Provenance of a whole sweep in one line: how many runs, their id range, seeds, steps,
 * final-loss range, and the combined hash of their provenance hashes.
 */
export function sweepProvenance(label: string, runs: readonly LoadedRun[]): string {
  if (runs.length === 0) return `${label}: no runs`;
  const seeds = [...new Set(runs.map((run) => run.meta.config.seed))].sort((a, b) => a - b);
  const steps = [...new Set(runs.map((run) => run.meta.steps))].map(formatInteger).join(', ');
  const losses = runs.map((run) => run.meta.finalLoss);
  return [
    `${label}: ${runs.length} runs ${runs[0].experiment.id} … ${runs[runs.length - 1].experiment.id}`,
    `seeds ${seeds[0]}–${seeds[seeds.length - 1]}`,
    `${steps} steps each`,
    `final loss ${formatLossRange(Math.min(...losses), Math.max(...losses))}`,
    `combined hash #${hash8(combinedRunHash(runs.map((run) => run.hash)))}`,
  ].join(' · ');
}
