/**
 * Explorable figures: a figure with controls (a slider over a list of values, a toggle,
 * a step scrubber) whose picture is a pure function of the control values.
 *
 * The module splits the work in two so the same code draws at build time and in the
 * reader's browser:
 * - `data(runs)`, run by the pipeline only, reads the run store and returns what the
 *   figure needs for EVERY control value, as plain JSON; the pipeline writes it beside
 *   the SVG (figures/<slug>/<id>.data.json) and hashes it into the manifest;
 * - `draw(data, values)` lives in its own module beside the figure (<id>.draw.ts),
 *   imports only Plot and pipeline/render/compose.ts-level helpers, and returns the SVG.
 *   The page ships that module and the data file; the static SVG in the page is
 *   draw(data, defaults), drawn here from the same JSON the browser reads.
 *
 * So a slider never shows a number that the run store did not give: the browser only
 * selects among values the pipeline exported.
 */
import type { Figure, FigureOutput, RunSet } from './figure.ts';
// Node draws in jsdom: importing the renderer here plugs it in for every draw module.
import '../render/render.ts';

export type ControlValue = number | string | boolean;
export type ControlValues = Record<string, ControlValue>;

export const CONTROL_KINDS = ['slider', 'toggle', 'scrubber'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/** One control, declared as plain data (it is written to the manifest and read by the page). */
export interface Control {
  /** Key of this control's value in the values handed to draw(): letters and digits, starting with a letter. */
  id: string;
  /** What the control sets, as the reader sees it ("T (training examples)"). */
  label: string;
  /** slider: one of a list of values; toggle: off/on; scrubber: steps through an ordered list (a trajectory). */
  kind: ControlKind;
  /** Every value the control can take, in order; a toggle has exactly two, [off, on]. */
  values: readonly ControlValue[];
  /** The value the page opens with (and the static SVG shows). */
  default: ControlValue;
  /** How each value reads next to the control and to a screen reader; String(value) when absent. */
  valueLabels?: readonly string[];
}

/** What data() returns: the JSON the figure draws from, plus the figure's provenance and numbers. */
export interface ExploreData<D> {
  data: D;
  provenance: string;
  numbers: Record<string, string>;
}

/** A draw module's default export: pure, synchronous, from the exported data and the control values to an SVG. */
export type DrawFunction<D> = (data: D, values: ControlValues) => string;

export interface ExplorableFigure<D = unknown> extends Figure {
  controls: readonly Control[];
  data(runs: RunSet): ExploreData<D>;
  /** The default export of <id>.draw.ts beside the figure module (the pipeline checks it is that one). */
  draw: DrawFunction<D>;
}

export interface ExploreOutput extends FigureOutput {
  /** The data file's text, exactly as the browser will read it. */
  dataJson: string;
}

export function isExplorable(figure: Figure): figure is ExplorableFigure {
  return 'controls' in figure && (figure as { controls?: unknown }).controls !== undefined;
}

/** The default value of every control. */
export function defaultValues(controls: readonly Control[]): ControlValues {
  return Object.fromEntries(controls.map((control) => [control.id, control.default]));
}

/** Most combinations of control values one figure may have: each is drawn once at build time to check it. */
export const MAX_COMBINATIONS = 2_000;
/** Largest data file per figure: the reader downloads it when the figure scrolls into view. */
export const MAX_DATA_BYTES = 1_000_000;

const CONTROL_ID = /^[a-zA-Z][a-zA-Z0-9]*$/;

/**
 * The first mistake in a figure's control declaration, as "<field> …; fix: …", or null.
 * The field is named as it is written (controls[1].default), so the author finds it.
 */
export function controlsProblem(controls: unknown): string | null {
  if (!Array.isArray(controls) || controls.length === 0) return 'controls is not a non-empty list; fix: declare controls: [{ id, label, kind, values, default }]';
  if (controls.length > 4) return `controls has ${controls.length} entries; fix: keep to 4 or fewer (a reader cannot follow more at once)`;
  const seen = new Set<string>();
  let combinations = 1;
  for (const [k, control] of controls.entries()) {
    const at = `controls[${k}]`;
    if (typeof control !== 'object' || control === null) return `${at} is not an object; fix: write { id, label, kind, values, default }`;
    const c = control as Record<string, unknown>;
    if (typeof c.id !== 'string' || !CONTROL_ID.test(c.id)) return `${at}.id is ${JSON.stringify(c.id)}; fix: use letters and digits, starting with a letter (e.g. "T")`;
    if (seen.has(c.id)) return `${at}.id "${c.id}" is used twice; fix: give each control its own id`;
    seen.add(c.id);
    if (typeof c.label !== 'string' || c.label.trim() === '') return `${at}.label is missing; fix: say what the control sets, e.g. label: "training examples T"`;
    if (!CONTROL_KINDS.includes(c.kind as ControlKind)) return `${at}.kind is ${JSON.stringify(c.kind)}; fix: use one of ${CONTROL_KINDS.map((kind) => `"${kind}"`).join(', ')}`;
    if (!Array.isArray(c.values) || c.values.length === 0) return `${at}.values is not a non-empty list; fix: list every value the control can take`;
    const bad = c.values.findIndex((value) => !(typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))));
    if (bad >= 0) return `${at}.values[${bad}] is ${JSON.stringify(c.values[bad]) ?? String(c.values[bad])}; fix: values are finite numbers, strings or booleans`;
    if (new Set(c.values).size !== c.values.length) return `${at}.values repeats a value; fix: list each value once`;
    if (c.kind === 'toggle' && c.values.length !== 2) return `${at}.values has ${c.values.length} entries for a toggle; fix: give exactly two, [off, on] (e.g. [false, true])`;
    if (!c.values.includes(c.default as ControlValue)) {
      return `${at}.default is ${JSON.stringify(c.default) ?? 'missing'}, which is not in its values (${c.values.slice(0, 6).map((v) => JSON.stringify(v)).join(', ')}${c.values.length > 6 ? ', …' : ''}); fix: make default one of its values`;
    }
    if (c.valueLabels !== undefined && (!Array.isArray(c.valueLabels) || c.valueLabels.length !== c.values.length || !c.valueLabels.every((label) => typeof label === 'string'))) {
      return `${at}.valueLabels must be ${c.values.length} strings, one per value; fix: give one label per value, or leave valueLabels out`;
    }
    combinations *= c.values.length;
  }
  if (combinations > MAX_COMBINATIONS) return `controls have ${combinations} combinations of values; fix: keep to ${MAX_COMBINATIONS} or fewer (fewer values or fewer controls)`;
  return null;
}

/** Every combination of control values, first control slowest (for the build-time check). */
export function allValueCombinations(controls: readonly Control[]): ControlValues[] {
  return controls.reduce<ControlValues[]>((partial, control) => partial.flatMap((values) => control.values.map((value) => ({ ...values, [control.id]: value }))), [{}]);
}

/**
 * An explorable figure: `render` (what the pipeline and the snapshot tests call) draws the
 * default values from the data as the browser will read it, JSON round trip included.
 */
export function explorableFigure<D>(spec: Omit<ExplorableFigure<D>, 'render'>): ExplorableFigure<D> {
  return {
    ...spec,
    render(runs: RunSet): ExploreOutput {
      const problem = controlsProblem(spec.controls);
      if (problem) throw new Error(problem);
      const { data, provenance, numbers } = spec.data(runs);
      const dataJson = JSON.stringify(data);
      const svg = spec.draw(JSON.parse(dataJson) as D, defaultValues(spec.controls));
      return { svg, provenance, numbers, dataJson };
    },
  };
}
