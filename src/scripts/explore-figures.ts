/**
 * Explorable figures in the reader's browser. The page holds each figure's static SVG
 * (drawn by the pipeline for the default control values) and its controls in a hidden
 * form (src/plugins/remark-article.ts). This script shows the controls, and when a figure
 * comes near the viewport loads its draw module (the same code that drew the static SVG,
 * bundled by Vite; Plot comes with the first one) and its data file. Every change of a
 * control redraws the figure from that data.
 *
 * A redraw is a string of SVG, parsed as XML (no script runs in a parsed SVG document)
 * and checked against the same allowlist as the pipeline's SVGs before it replaces the
 * figure: nothing reaches the page that the pipeline would not publish.
 */
import { svgTreeProblem } from '../../pipeline/render/svg-allowlist.ts';
import type { ControlValue, ControlValues, DrawFunction } from '../../pipeline/post/explorable.ts';

// One lazily loaded chunk per draw module, keyed "/content/<slug>/figures/<id>.draw.ts".
const drawModules = import.meta.glob<{ default: DrawFunction<unknown> }>('/content/*/figures/*.draw.ts');

interface ControlValuesList {
  id: string;
  values: ControlValue[];
}

/** What the figure's state is, for tests and styles: "idle" (static SVG), "loading", "ready", "error". */
type ExploreState = 'idle' | 'loading' | 'ready' | 'error';

function setState(figure: HTMLElement, state: ExploreState): void {
  figure.dataset.exploreState = state;
}

/** The control values the form shows now. */
function currentValues(form: HTMLFormElement, controls: ControlValuesList[]): ControlValues {
  const values: ControlValues = {};
  for (const control of controls) {
    const input = form.querySelector<HTMLInputElement>(`[data-control="${control.id}"]`)!;
    values[control.id] = input.type === 'checkbox' ? control.values[input.checked ? 1 : 0] : control.values[Number(input.value)];
  }
  return values;
}

/** The value each control shows in words: its <output>, and a range's aria-valuetext. */
function labelValues(form: HTMLFormElement, labels: Map<string, string[]>): void {
  for (const input of form.querySelectorAll<HTMLInputElement>('[data-control]')) {
    const id = input.dataset.control!;
    const words = labels.get(id)!;
    const text = input.type === 'checkbox' ? words[input.checked ? 1 : 0] : words[Number(input.value)];
    if (input.type === 'range') input.setAttribute('aria-valuetext', text);
    const output = form.querySelector<HTMLOutputElement>(`output[data-output-for="${id}"]`);
    if (output && output.textContent !== text) output.textContent = text;
  }
}

/** Replaces the figure's SVG with a redraw, if the redraw is a safe SVG; returns the problem otherwise. */
export function showSvg(figure: HTMLElement, svgText: string): string | null {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (parsed.querySelector('parsererror')) return 'the redraw is not well-formed SVG';
  const problem = svgTreeProblem(root);
  if (problem) return problem;
  const current = figure.querySelector('.figure-scroll > svg');
  if (!current) return 'the figure has no SVG to replace';
  const fresh = document.importNode(root, true);
  const keptStyle = current.querySelector(':scope > style');
  const freshStyle = fresh.querySelector(':scope > style');
  if (!keptStyle || !freshStyle || keptStyle.textContent !== freshStyle.textContent) {
    current.replaceWith(fresh);
    return null;
  }
  // Plot's stylesheet is the same at every redraw. Taking a <style> element out of the
  // page or putting one in makes the browser restyle the whole page (most of a redraw's
  // time on a long post), so the figure keeps its <svg> and <style> and everything else
  // is replaced around them, attributes included.
  for (const attribute of Array.from(current.attributes)) {
    if (!attribute.name.startsWith('xmlns') && !fresh.hasAttribute(attribute.name)) current.removeAttribute(attribute.name);
  }
  for (const attribute of Array.from(fresh.attributes)) {
    if (!attribute.name.startsWith('xmlns') && current.getAttribute(attribute.name) !== attribute.value) current.setAttribute(attribute.name, attribute.value);
  }
  for (const child of Array.from(current.childNodes)) if (child !== keptStyle) child.remove();
  const children = Array.from(fresh.childNodes);
  const at = children.indexOf(freshStyle);
  keptStyle.before(...children.slice(0, at));
  keptStyle.after(...children.slice(at + 1));
  return null;
}

/**
 * Loads a draw module with Plot in its build-time mode. Plot decides once, when its module
 * is first evaluated, whether to shift strokes by half a pixel for crisp lines: yes on a
 * screen of device pixel ratio 1, no above 1, and no in Node, where the static SVGs are
 * drawn. So that a redraw is the build's SVG on every screen (and the reader sees no jump
 * from the static figure to the first redraw), Plot is evaluated while the ratio reads 2,
 * and the ratio is restored at once.
 */
let plotLoaded: Promise<unknown> | null = null;
async function loadDrawModule(load: () => Promise<{ default: DrawFunction<unknown> }>): Promise<{ default: DrawFunction<unknown> }> {
  if (!plotLoaded) {
    const own = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
    Object.defineProperty(window, 'devicePixelRatio', { configurable: true, get: () => 2 });
    plotLoaded = load().finally(() => {
      if (own) Object.defineProperty(window, 'devicePixelRatio', own);
      else delete (window as { devicePixelRatio?: number }).devicePixelRatio;
    });
  }
  await plotLoaded;
  return load();
}

async function enhance(figure: HTMLElement): Promise<void> {
  const form = figure.querySelector<HTMLFormElement>('form.figure-controls');
  const drawKey = `/${figure.dataset.exploreDraw}`;
  const loadDraw = drawModules[drawKey];
  if (!form || !loadDraw || !figure.dataset.exploreData) return setState(figure, 'error');
  const controls = JSON.parse(figure.dataset.exploreControls ?? '[]') as ControlValuesList[];
  // The words for each value are the ones the HTML was written with (remark-article.ts).
  const labels = new Map<string, string[]>();
  setState(figure, 'loading');
  let draw: DrawFunction<unknown>;
  let data: unknown;
  try {
    const [module, response] = await Promise.all([loadDrawModule(loadDraw), fetch(new URL(figure.dataset.exploreData, document.baseURI))]);
    if (!response.ok) throw new Error(`${response.status} for ${figure.dataset.exploreData}`);
    draw = module.default;
    data = await response.json();
  } catch (error) {
    console.error(`explorable figure ${figure.id}: could not load (${(error as Error).message}); the static figure stays`);
    return setState(figure, 'error');
  }
  for (const control of controls) {
    const output = form.querySelector<HTMLOutputElement>(`output[data-output-for="${control.id}"]`);
    labels.set(control.id, JSON.parse(output?.dataset.valueLabels ?? 'null') ?? control.values.map(String));
  }
  const redraw = () => {
    labelValues(form, labels);
    const values = currentValues(form, controls);
    let problem: string | null;
    try {
      // Timed for `npm run bench -- --explore` (scripts/bench-explore.ts): drawing, then checking and swapping.
      const start = performance.now();
      const svg = draw(data, values);
      const drawn = performance.now();
      problem = showSvg(figure, svg);
      performance.measure('explore-draw', { start, end: drawn });
      performance.measure('explore-swap', { start: drawn, end: performance.now() });
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem) {
      console.error(`explorable figure ${figure.id} at ${JSON.stringify(values)}: ${problem}; the previous drawing stays`);
      setState(figure, 'error');
    } else setState(figure, 'ready');
  };
  form.addEventListener('input', redraw);
  form.addEventListener('submit', (event) => event.preventDefault());
  for (const button of form.querySelectorAll<HTMLButtonElement>('button[data-step]')) {
    button.addEventListener('click', () => {
      const input = form.querySelector<HTMLInputElement>(`#${button.dataset.for}`)!;
      const next = Math.min(Number(input.max), Math.max(Number(input.min), Number(input.value) + Number(button.dataset.step)));
      if (String(next) === input.value) return;
      input.value = String(next);
      redraw();
    });
  }
  for (const element of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')) element.disabled = false;
  setState(figure, 'ready');
}

/**
 * Moving a control changes text in its form (the value's <output>) and the slider's
 * thumb, and the browser then lays out the whole page again to find what moved: on a long
 * post, about a third of a redraw (DevTools' trace: a layout from the document root over
 * 38,000 layout objects for each move, 4 ms of 15 unthrottled). A box of fixed height
 * under size and layout containment is where layout stops, so the form gets its own
 * natural height, fixed, and measured again whenever its width changes (the controls wrap
 * differently): the page looks exactly as before. The outputs are wide enough for the
 * longest value (article.css), so a move never rewraps the controls.
 */
function containControls(form: HTMLFormElement): void {
  let width: number | null = null;
  new ResizeObserver(([entry]) => {
    if (entry.contentRect.width === width) return;
    width = entry.contentRect.width;
    form.style.removeProperty('contain');
    form.style.removeProperty('height');
    form.style.height = getComputedStyle(form).height;
    form.style.contain = 'size layout';
  }).observe(form);
}

function start(): void {
  const figures = [...document.querySelectorAll<HTMLElement>('figure[data-explore-draw]')];
  if (figures.length === 0) return;
  // The controls show at once (disabled until their figure has loaded), so the page does
  // not shift when a figure comes into view.
  for (const figure of figures) {
    const form = figure.querySelector<HTMLFormElement>('form.figure-controls');
    if (form) {
      form.removeAttribute('hidden');
      containControls(form);
    }
    setState(figure, 'idle');
  }
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        void enhance(entry.target as HTMLElement);
      }
    },
    { rootMargin: '400px 0px' },
  );
  for (const figure of figures) observer.observe(figure);
}

start();
