/**
 * npm run bench -- [--seconds 3] [--cases 10000x100,10000x1000,10000x10000,5x5] [--curve 10000x300,10000x3000] [--active 1000:2000,10000:300] [--tree 10000x100,…] [--threads N]
 * Training speed of every engine and backend present, and of PyTorch (Debian's
 * python3-torch) as a peer, measured in this one invocation so the ratios compare like
 * with like. Each measurement runs in its own process (clean peak-memory numbers) on
 * sparse(n, 0.999) data (S = 0.5 for small n) with m = 2, full batch, the article's AdamW
 * loop. `--curve` adds T values measured for fused and PyTorch only (the cost curve).
 * `--active T:steps` trains post 2's configuration (n = 10000) for that many steps, then
 * times the fused engine's active-output kernel against its dense kernel (the one it is
 * bitwise equal to) on those parameters, alternating evaluations. `--tree` measures the
 * tree engine (dual-tree sums, pipeline/train/tree.ts) beside the fused engine and PyTorch.
 * Prints tables and writes bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunConfig } from '../experiments/types.ts';
import { benchConfig, paperSettingConfig } from './benchConfigs.ts';
import { trainingExamples } from '../data/datasets.ts';
import { createFusedModel, fusedEngine } from '../train/fused.ts';
import type { WasmModel } from '../train/fusedWasm.ts';
import type { Engine } from '../train/engine.ts';
import { train } from '../train/loop.ts';
import { createTreeEngineModel, treeEngine } from '../train/tree.ts';
import { applyThreadsOption } from './threads.ts';

// Not imported from store/provenance.ts: that pulls in the TypeScript compiler, which
// would dominate the measured processes' peak memory.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

interface Measurement {
  engine: string;
  n: number;
  T: number;
  threads: number;
  stepsPerSecond: number | null;
  steps: number;
  peakRssMiB: number;
  note?: string;
}

const M = 2;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    cases: { type: 'string', default: '10000x100,10000x1000,10000x10000,5x5' },
    curve: { type: 'string', default: '10000x300,10000x3000' },
    active: { type: 'string', default: '1000:2000,10000:300' },
    tree: { type: 'string', default: '10000x100,10000x1000,10000x10000,10000x100000,100000x10000' },
    threads: { type: 'string' },
    // Only the explorable figures' redraw bench (scripts/bench-explore.ts), on the built site.
    explore: { type: 'boolean' },
    // Internal: measure one engine on one case in this process and print JSON.
    one: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [options]

Training speed (steps/s, effective GFLOP/s, peak memory) of every engine and backend
present and of PyTorch (Debian's python3-torch, installed when missing and root), measured
in this one run, each in its own process; then a bitwise exactness check across thread
counts and a checkpoint resume. Prints tables and writes bench/results.json.

Options:
  --seconds <s>      time per measurement (default: 3)
  --cases <n×T,…>    sizes for every engine (default: 10000x100,10000x1000,10000x10000,5x5)
  --curve <n×T,…>    extra sizes for fused and PyTorch only (default: 10000x300,10000x3000)
  --tree <n×T,…>     sizes for the tree engine beside fused and PyTorch
                     (default: 10000x100,10000x1000,10000x10000,10000x100000,100000x10000)
  --threads <n>      threads for the fused engine (default: every core)
  --explore          only the explorable figures' redraw time in Chromium, CPU
                     throttled 4x, with their script and data sizes
                     (scripts/bench-explore.ts; needs the built site in dist/)
  -h, --help         show this help and exit

Examples:
  npm run bench                                  # about three minutes
  npm run bench -- --seconds 1 --cases 5x5 --curve ''   # a quick look
  npm run bench -- --explore                     # explorable figures, after npm run build
`);
  process.exit(0);
}
if (values.explore) {
  const explore = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'bench-explore.ts')], { stdio: 'inherit', cwd: REPO_ROOT });
  process.exit(explore.status ?? 1);
}
const seconds = Number(values.seconds);
applyThreadsOption(values.threads);
const threads = fusedEngine.threads;
// tfjs's pure-JS backend takes minutes per step beyond this much work; it is skipped there.
const TFJS_CPU_MAX_WORK = 1e7;
// PyTorch holds X and the outputs as dense T × n float32 matrices (several copies with
// autograd): beyond this many entries it needs more memory than a laptop has; marked, not run.
const TORCH_MAX_ENTRIES = 3e8;
// The dense fused kernel at more work per step than this takes minutes for its few timed steps.
const DENSE_MAX_WORK = 2e9;
// The tfjs backends this bench tries (the native ones only when installed by hand; WebGPU
// only on a hardware adapter, or a software one with WEBGPU_ALLOW_SOFTWARE=1).
const TFJS_LABELS = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'];

async function measureHere(engineLabel: string, n: number, T: number): Promise<Measurement> {
  const config = benchConfig(n, T);
  let engine: Engine = fusedEngine;
  const used = engineLabel === 'fused-1-thread' ? 1 : engineLabel === 'fused' ? fusedEngine.threads : 1;
  if (engineLabel === 'fused-1-thread') fusedEngine.threads = 1;
  let label = engineLabel;
  if (engineLabel === 'tree' || engineLabel === 'tree-forced') {
    // 'tree': the engine as training uses it (small problems go to the fused kernel);
    // 'tree-forced': the trees at any size, to show where they stop paying.
    engine = engineLabel === 'tree' ? treeEngine : { ...treeEngine, createModel: async (examples, m) => createTreeEngineModel(examples, m, { alwaysTree: true }) };
  } else if (engineLabel === 'webgpu') {
    const { chooseAdapter } = await import('../train/webgpu/device.ts');
    const chosen = await chooseAdapter().catch(() => null);
    if (!chosen) return { engine: engineLabel, n, T, threads: 1, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: 'no hardware GPU adapter (WEBGPU_ALLOW_SOFTWARE=1 times the software one)' };
    engine = (await import('../train/webgpu/engine.ts')).webgpuEngine;
    label = `webgpu (${chosen.name}${chosen.software ? ', software' : ''})`;
  } else if (!engineLabel.startsWith('fused')) {
    // Imported only here, so the fused engine's peak memory does not include TensorFlow.js.
    const tfjs = await import('../train/tfjs.ts');
    if (!(await tfjs.useBackend(engineLabel as Parameters<typeof tfjs.useBackend>[0]))) return { engine: engineLabel, n, T, threads: used, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: engineLabel === 'tfjs-webgpu' ? 'no hardware GPU adapter' : 'not installed' };
    engine = tfjs.tfjsEngine;
    label = await tfjs.backendDescription();
  }
  // One short run first, so data generation and JIT warm-up are not timed. The tree
  // engine's JavaScript loops need a few evaluations before V8 optimises them (the first
  // take up to 8× longer), so it warms up for up to six steps or `seconds`.
  let warm = 0;
  let backend = '';
  const warmStart = performance.now();
  const warmSteps = engineLabel.startsWith('tree') ? 6 : 1;
  await train(config, engine, null, { shouldStop: () => warm++ >= warmSteps || (warm > 1 && performance.now() - warmStart > seconds * 1000), onModel: (model) => (backend = model.backend) });
  if (engineLabel.startsWith('tree')) label = `${engineLabel} (${backend})`;
  let steps = 0;
  let start = 0;
  const outcome = await train(config, engine, null, {
    onProgress: () => {
      if (steps++ === 0) start = performance.now();
    },
    // At least two timed steps (the clock starts after the first), then until `seconds` pass.
    shouldStop: () => steps >= 3 && performance.now() - start > seconds * 1000,
  });
  const elapsed = (performance.now() - start) / 1000;
  return { engine: label, n, T, threads: used, stepsPerSecond: (outcome.state.step - 1) / elapsed, steps: outcome.state.step, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** Active-output kernel against the dense kernel, on the parameters post 2's schedule reaches after `warmSteps`. */
interface ActiveComparison {
  n: number;
  T: number;
  step: number;
  threads: number;
  activeFraction: number | null;
  visitedFraction: number | null;
  activeMs: number | null;
  denseMs: number | null;
  identical: boolean;
  note?: string;
}

async function compareHere(T: number, warmSteps: number): Promise<ActiveComparison> {
  const config: RunConfig = { ...paperSettingConfig(T), lossPoints: 0 };
  const n = config.data.n;
  let done = 0;
  const { state } = await train(config, fusedEngine, null, { shouldStop: () => done++ >= warmSteps });
  const examples = trainingExamples(config);
  const active = createFusedModel(examples, M, { kernel: 'wasm', threads, denseAbove: Infinity }) as WasmModel;
  const dense = createFusedModel(examples, M, { kernel: 'dense', threads });
  const grads = () => ({ W: new Float64Array(M * n), b: new Float64Array(n) });
  const a = grads();
  const d = grads();
  const bytes = (x: Float64Array) => Buffer.from(x.buffer);
  // First evaluations: warm-up, and the bitwise comparison.
  const identical = active.lossAndGradient(state.params, a) === dense.lossAndGradient(state.params, d) && bytes(a.W).equals(bytes(d.W)) && bytes(a.b).equals(bytes(d.b));
  const activity = active.activity();
  let activeMs = 0;
  let denseMs = 0;
  let rounds = 0;
  // Alternate, so load on a shared machine hits both alike.
  while (rounds < 3 || activeMs + denseMs < 2 * seconds * 1000) {
    let start = performance.now();
    active.lossAndGradient(state.params, a);
    activeMs += performance.now() - start;
    start = performance.now();
    dense.lossAndGradient(state.params, d);
    denseMs += performance.now() - start;
    rounds++;
  }
  active.dispose();
  dense.dispose();
  return { n, T, step: state.step, threads, activeFraction: activity?.activeFraction ?? null, visitedFraction: activity?.visitedFraction ?? null, activeMs: activeMs / rounds, denseMs: denseMs / rounds, identical };
}

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
let torchChecked = false;

/** Installs Debian's python3-torch when it is missing and we are root; otherwise says how. */
function ensureTorch(): string | null {
  const probe = () => spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (probe()) return null;
  const how = 'apt-get install -y python3-torch';
  if (torchChecked) return `python3-torch not installed (${how})`;
  torchChecked = true;
  if (process.getuid?.() !== 0) {
    process.stdout.write(`PyTorch peer skipped: python3-torch is not installed. Install it with: sudo ${how}\n`);
    return `python3-torch not installed (sudo ${how})`;
  }
  process.stdout.write(`installing python3-torch for the PyTorch peer (${how}) …\n`);
  spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', 'python3-torch'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return probe() ? null : `python3-torch could not be installed (${how})`;
}

function measureTorch(n: number, T: number): Measurement {
  if (n * T > TORCH_MAX_ENTRIES) return { engine: 'pytorch-cpu', n, T, threads, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: `not run: dense T × n matrices of ${((4 * n * T) / 2 ** 30).toFixed(0)} GiB each` };
  const missing = ensureTorch();
  if (missing) return { engine: 'pytorch-cpu', n, T, threads, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: missing };
  const child = spawnSync(PYTHON, [path.join(REPO_ROOT, 'pipeline/bench/torch_steps.py'), String(n), String(T), String(M), String(seconds), String(threads)], { encoding: 'utf8' });
  if (child.status !== 0) return { engine: 'pytorch-cpu', n, T, threads, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: `failed: ${child.stderr.trim().split('\n').pop()}` };
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  return { engine: 'pytorch-cpu', n, T, threads, stepsPerSecond: result.stepsPerSecond, steps: result.steps, peakRssMiB: result.peakRssMiB, note: `torch ${result.torch}` };
}

function measureInChild(engineLabel: string, n: number, T: number): Measurement {
  const args = [...process.execArgv, process.argv[1], '--one', `${engineLabel}:${n}x${T}`, '--seconds', String(seconds), '--threads', String(threads)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Measurement;
  } catch {
    const lines = child.stderr.trim().split('\n');
    const why = lines.find((l) => /^\s*\w*Error\b/.test(l)) ?? lines.pop();
    return { engine: engineLabel, n, T, threads: engineLabel === 'fused' ? threads : 1, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: `failed: ${why?.trim().slice(0, 120)}` };
  }
}

if (values.one?.startsWith('active:')) {
  const [T, steps] = values.one.slice('active:'.length).split('x').map(Number);
  process.stdout.write(`${JSON.stringify(await compareHere(T, steps))}\n`);
  process.exit(0);
}

if (values.one) {
  const [engineLabel, size] = values.one.split(':');
  const [n, T] = size.split('x').map(Number);
  process.stdout.write(`${JSON.stringify(await measureHere(engineLabel, n, T))}\n`);
  process.exit(0);
}

const parseCases = (list: string) => list.split(',').filter(Boolean).map((c) => c.split('x').map(Number) as [number, number]);
const results: Measurement[] = [];
const report = (r: Measurement) => {
  results.push(r);
  process.stdout.write(`${r.engine.padEnd(15)} n=${r.n} T=${r.T}: ${r.stepsPerSecond === null ? r.note : `${r.stepsPerSecond.toFixed(2)} steps/s, ${r.peakRssMiB.toFixed(0)} MiB`}\n`);
};
for (const [n, T] of parseCases(values.cases!)) {
  const labels = ['fused', ...(threads > 1 && n * T >= 1e6 ? ['fused-1-thread'] : []), 'webgpu', ...TFJS_LABELS];
  for (const label of labels) {
    if (label === 'tfjs-cpu' && n * T > TFJS_CPU_MAX_WORK) {
      report({ engine: label, n, T, threads: 1, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: 'skipped: minutes per step at this size' });
      continue;
    }
    report(measureInChild(label, n, T));
  }
  report(measureTorch(n, T));
}
for (const [n, T] of parseCases(values.curve!)) {
  report(measureInChild('fused', n, T));
  report(measureTorch(n, T));
}

const treeCases = parseCases(values.tree!);
for (const [n, T] of treeCases) {
  report(n * T > DENSE_MAX_WORK ? { engine: 'fused', n, T, threads, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: 'not run: minutes per step' } : measureInChild('fused', n, T));
  const tree = measureInChild('tree', n, T);
  report(tree);
  // Where the engine hands the problem to the fused kernel, also time the trees themselves.
  if (!tree.engine.includes('kdtree')) report(measureInChild('tree-forced', n, T));
  report(measureTorch(n, T));
}

const comparisons: ActiveComparison[] = [];
for (const [T, steps] of values.active!.split(',').filter(Boolean).map((c) => c.split(':').map(Number))) {
  const args = [...process.execArgv, process.argv[1], '--one', `active:${T}x${steps}`, '--seconds', String(seconds), '--threads', String(threads)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  let result: ActiveComparison;
  try {
    result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as ActiveComparison;
  } catch {
    result = { n: 10000, T, step: steps, threads, activeFraction: null, visitedFraction: null, activeMs: null, denseMs: null, identical: false, note: `failed: ${child.stderr.trim().split('\n').pop()?.slice(0, 120)}` };
  }
  comparisons.push(result);
  process.stdout.write(`active vs dense n=10000 T=${T} after ${steps} steps: ${result.activeMs === null ? result.note : `${result.activeMs.toFixed(2)} vs ${result.denseMs!.toFixed(2)} ms/eval, ${(result.denseMs! / result.activeMs).toFixed(1)}×, ${(100 * result.activeFraction!).toFixed(1)}% active, ${result.identical ? 'bitwise identical' : 'NOT IDENTICAL'}`}\n`);
}

/**
 * Exactness, shown next to the speed: the same short run on 1, 2 and 16 threads, and one
 * interrupted, saved with writeCheckpoint, read back and finished on another thread count,
 * must all end with bitwise-identical W, b and losses.
 */
async function exactnessCheck(which: 'fused' | 'tree'): Promise<{ engine: string; config: string; threadCounts: Record<string, string>; resumed: string; identical: boolean }> {
  // Imported here so measuring processes never load the store (and the TypeScript compiler it uses).
  const { writeCheckpoint, readCheckpoint } = await import('../store/runStore.ts');
  const { createHash } = await import('node:crypto');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const config: RunConfig = { ...benchConfig(10000, 2100), steps: 12, schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 3 } };
  const fingerprint = (state: Awaited<ReturnType<typeof train>>['state']) => {
    const hash = createHash('sha256');
    for (const a of [state.params.W, state.params.b, Float64Array.from(state.loss)]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return hash.digest('hex').slice(0, 16);
  };
  const saved = fusedEngine.threads;
  const runOn = async (count: number, resume: Awaited<ReturnType<typeof train>>['state'] | null, stopAt = Infinity) => {
    fusedEngine.threads = count;
    let checks = 0;
    // The tree engine with its trees on at any size (it hands small problems to the fused kernel).
    const engine: Engine = which === 'fused' ? fusedEngine : { ...treeEngine, createModel: async (examples, m) => createTreeEngineModel(examples, m, { threads: count, alwaysTree: true }) };
    return (await train(config, engine, resume, { shouldStop: () => ++checks > stopAt })).state;
  };
  const threadCounts: Record<string, string> = {};
  for (const count of [1, 2, 16]) threadCounts[count] = fingerprint(await runOn(count, null));
  const store = mkdtempSync(path.join(os.tmpdir(), 'bench-checkpoint-'));
  try {
    writeCheckpoint(store, 'bench', await runOn(2, null, 5));
    const resumed = fingerprint(await runOn(16, readCheckpoint(store, 'bench')));
    fusedEngine.threads = saved;
    const identical = new Set([...Object.values(threadCounts), resumed]).size === 1;
    return { engine: which === 'fused' ? 'fused' : 'tree (trees forced)', config: 'n = 10000, T = 2100 (3 blocks), 12 steps; resumed = stopped after 5 steps on 2 threads, checkpointed through the run store, finished on 16', threadCounts, resumed, identical };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

const exactness = await exactnessCheck('fused');
const treeExactness = await exactnessCheck('tree');
for (const check of [exactness, treeExactness]) {
  process.stdout.write(
    `\nexactness, ${check.engine} (${check.config}):\n${Object.entries(check.threadCounts).map(([k, v]) => `  ${k.padStart(2)} threads  ${v}`).join('\n')}\n  resumed     ${check.resumed}\n  ${check.identical ? 'bitwise identical' : 'NOT IDENTICAL'}\n`,
  );
}

// Effective work per step: forward and backward of the two n×m products for T examples.
const gflops = (r: Measurement) => (r.stepsPerSecond === null ? null : (10 * M * r.n * r.T * r.stepsPerSecond) / 1e9);
const rows = results.map((r) => {
  const torch = results.find((p) => p.engine === 'pytorch-cpu' && p.n === r.n && p.T === r.T);
  const ratio = r.stepsPerSecond !== null && torch?.stepsPerSecond ? r.stepsPerSecond / torch.stepsPerSecond : null;
  return { ...r, gflops: gflops(r), vsPytorch: ratio };
});
const mainCases = new Set(parseCases(values.cases!).map(([n, T]) => `${n}x${T}`));
const table = [
  '| engine | n | T | threads | steps/s | effective GFLOP/s | peak RSS (MiB) | × PyTorch |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows
    .filter((r) => mainCases.has(`${r.n}x${r.T}`))
    .map((r) =>
      r.stepsPerSecond === null
        ? `| ${r.engine} | ${r.n} | ${r.T} | ${r.threads} | — (${r.note}) | | | |`
        : `| ${r.engine} | ${r.n} | ${r.T} | ${r.threads} | ${r.stepsPerSecond.toFixed(2)} | ${r.gflops!.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.vsPytorch === null ? '—' : r.vsPytorch.toFixed(1)} |`,
    ),
].join('\n');
const curveTs = [...new Set(rows.filter((r) => r.n === 10000 && r.engine === 'fused').map((r) => r.T))].sort((a, b) => a - b);
const at = (engine: string, T: number) => rows.find((r) => r.engine === engine && r.n === 10000 && r.T === T);
const ms = (r: Measurement | undefined) => (r?.stepsPerSecond ? (1000 / r.stepsPerSecond).toFixed(1) : '—');
const curve = [
  '| T (n = 10000) | fused ms/step | fused GFLOP/s | fused peak RSS (MiB) | PyTorch ms/step | PyTorch peak RSS (MiB) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...curveTs.map((T) => {
    const f = at('fused', T);
    const p = at('pytorch-cpu', T);
    return `| ${T} | ${ms(f)} | ${f && gflops(f) !== null ? gflops(f)!.toFixed(2) : '—'} | ${f?.peakRssMiB.toFixed(0) ?? '—'} | ${ms(p)} | ${p?.stepsPerSecond ? p.peakRssMiB.toFixed(0) : '—'} |`;
  }),
].join('\n');
const cpu = os.cpus()[0];
/** Clock in MHz: what Node reports, else /proc/cpuinfo (virtual machines often report 0 to Node). */
function clockMHz(): number | null {
  if (cpu?.speed) return cpu.speed;
  try {
    const match = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? Math.round(Number(match[1])) : null;
  } catch {
    return null;
  }
}
const machine = { cpu: cpu?.model ?? 'unknown CPU', mhz: clockMHz(), threads: os.availableParallelism(), node: process.version };
const activeTable = [
  '| n | T | after step (post 2 schedule) | threads | active outputs | visited (pass 1) | active-output ms/eval | dense ms/eval | × dense | bitwise equal |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...comparisons.map((c) =>
    c.activeMs === null
      ? `| ${c.n} | ${c.T} | ${c.step} | ${c.threads} | — (${c.note}) | | | | | |`
      : `| ${c.n} | ${c.T} | ${c.step} | ${c.threads} | ${(100 * c.activeFraction!).toFixed(1)}% | ${(100 * c.visitedFraction!).toFixed(1)}% | ${c.activeMs.toFixed(2)} | ${c.denseMs!.toFixed(2)} | ${(c.denseMs! / c.activeMs).toFixed(1)} | ${c.identical ? 'yes' : 'NO'} |`,
  ),
].join('\n');
const treeRows = treeCases.map(([n, T]) => {
  const of = (prefix: string) => rows.find((r) => r.n === n && r.T === T && r.engine.startsWith(prefix));
  const fused = rows.find((r) => r.n === n && r.T === T && r.engine === 'fused');
  const tree = of('tree (');
  const forced = of('tree-forced (');
  const torch = of('pytorch-cpu');
  const rate = (r: Measurement | undefined) => (r === undefined ? '' : r.stepsPerSecond === null ? `— (${r.note})` : r.stepsPerSecond.toFixed(2));
  const ratio = (a: Measurement | undefined, b: Measurement | undefined) => (a?.stepsPerSecond && b?.stepsPerSecond ? `${(a.stepsPerSecond / b.stepsPerSecond).toFixed(1)}×` : '—');
  return `| ${n} | ${T} | ${rate(fused)} | ${rate(tree)} | ${tree?.engine.slice('tree ('.length, -1) ?? ''} | ${ratio(tree, fused)} | ${forced ? `${rate(forced)} (${ratio(forced, fused)})` : ''} | ${rate(torch)} |`;
});
const treeTable = [
  `| n | T | fused steps/s (${threads} threads) | tree steps/s | tree ran on | tree × fused | trees forced (× fused) | PyTorch steps/s |`,
  '| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ...treeRows,
].join('\n');
process.stdout.write(`\n${table}\n\n${curve}\n\n${treeTable}\n\n${activeTable}\n\nmachine: ${machine.cpu} at ${machine.mhz} MHz, ${machine.threads} hardware threads, node ${machine.node}; fused ran ${threads} threads\n`);
mkdirSync(path.join(REPO_ROOT, 'bench'), { recursive: true });
writeFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), `${JSON.stringify({ machine, fusedThreads: threads, secondsPerMeasurement: seconds, results: rows, activeVsDense: comparisons, exactness, treeExactness }, null, 2)}\n`);
