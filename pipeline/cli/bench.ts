/**
 * npm run bench -- [--seconds 8] [--cases 10000x30,10000x1000,5x5]
 * Training speed of every engine and backend present, and of PyTorch (Debian's
 * python3-torch) as a peer, measured in this one invocation so the ratios compare like
 * with like. Each measurement runs in its own process (clean peak-memory numbers) on
 * sparse(n, 0.999) data with m = 2, full batch, the article's AdamW loop.
 * Prints a table and writes bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunConfig } from '../experiments/types.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { fusedEngine } from '../train/fused.ts';
import { BACKEND_LABELS, type BackendLabel, tfjsEngine, useBackend } from '../train/tfjs.ts';
import { train } from '../train/loop.ts';

interface Measurement {
  engine: string;
  n: number;
  T: number;
  stepsPerSecond: number | null;
  steps: number;
  peakRssMiB: number;
  note?: string;
}

const M = 2;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    cases: { type: 'string', default: '10000x30,10000x1000,5x5' },
    // Internal: measure one engine on one case in this process and print JSON.
    one: { type: 'string' },
  },
});
const seconds = Number(values.seconds);

function benchConfig(n: number, T: number): RunConfig {
  const S = n >= 1000 ? 0.999 : 0.5;
  return { data: { family: 'sparse', n, S, T }, m: M, bias: true, steps: 1_000_000_000, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 1e-2, seed: 0, engine: 'fused', snapshots: 0 };
}

async function measureHere(engineLabel: string, n: number, T: number): Promise<Measurement> {
  const config = benchConfig(n, T);
  let engine = fusedEngine;
  if (engineLabel !== 'fused') {
    if (!(await useBackend(engineLabel as BackendLabel))) return { engine: engineLabel, n, T, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: 'not installed' };
    engine = tfjsEngine;
  }
  // One short run first, so data generation and JIT warm-up are not timed.
  let warm = 0;
  await train(config, engine, null, { shouldStop: () => warm++ >= 2 });
  let steps = 0;
  let start = 0;
  const outcome = await train(config, engine, null, {
    onProgress: () => {
      if (steps++ === 0) start = performance.now();
    },
    shouldStop: () => steps > 1 && performance.now() - start > seconds * 1000,
  });
  const elapsed = (performance.now() - start) / 1000;
  return { engine: engineLabel, n, T, stepsPerSecond: (outcome.state.step - 1) / elapsed, steps: outcome.state.step, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function measureTorch(n: number, T: number): Measurement {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const child = spawnSync(python, [path.join(REPO_ROOT, 'pipeline/bench/torch_steps.py'), String(n), String(T), String(M), String(seconds), String(os.availableParallelism())], { encoding: 'utf8' });
  if (child.status !== 0) return { engine: 'pytorch-cpu', n, T, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: 'python3-torch not installed (apt-get install python3-torch)' };
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  return { engine: `pytorch-cpu`, n, T, stepsPerSecond: result.stepsPerSecond, steps: result.steps, peakRssMiB: result.peakRssMiB, note: `torch ${result.torch}, ${os.availableParallelism()} threads` };
}

function measureInChild(engineLabel: string, n: number, T: number): Measurement {
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--one', `${engineLabel}:${n}x${T}`, '--seconds', String(seconds)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Measurement;
  } catch {
    return { engine: engineLabel, n, T, stepsPerSecond: null, steps: 0, peakRssMiB: 0, note: `failed: ${child.stderr.trim().split('\n').pop()}` };
  }
}

if (values.one) {
  const [engineLabel, size] = values.one.split(':');
  const [n, T] = size.split('x').map(Number);
  process.stdout.write(`${JSON.stringify(await measureHere(engineLabel, n, T))}\n`);
  process.exit(0);
}

const cases = values.cases!.split(',').map((c) => c.split('x').map(Number) as [number, number]);
const results: Measurement[] = [];
for (const [n, T] of cases) {
  for (const engineLabel of ['fused', ...BACKEND_LABELS]) {
    const result = measureInChild(engineLabel, n, T);
    results.push(result);
    process.stdout.write(`${engineLabel.padEnd(14)} n=${n} T=${T}: ${result.stepsPerSecond === null ? result.note : `${result.stepsPerSecond.toFixed(2)} steps/s`}\n`);
  }
  const torch = measureTorch(n, T);
  results.push(torch);
  process.stdout.write(`${'pytorch-cpu'.padEnd(14)} n=${n} T=${T}: ${torch.stepsPerSecond === null ? torch.note : `${torch.stepsPerSecond.toFixed(2)} steps/s`}\n`);
}

// Effective work per step: forward and backward of the two n×m products for T examples.
const gflops = (r: Measurement) => (r.stepsPerSecond === null ? null : (10 * M * r.n * r.T * r.stepsPerSecond) / 1e9);
const rows = results.map((r) => {
  const torch = results.find((p) => p.engine === 'pytorch-cpu' && p.n === r.n && p.T === r.T);
  const ratio = r.stepsPerSecond !== null && torch?.stepsPerSecond ? r.stepsPerSecond / torch.stepsPerSecond : null;
  return { ...r, gflops: gflops(r), vsPytorch: ratio };
});
const table = [
  '| engine | n | T | steps/s | effective GFLOP/s | peak RSS (MiB) | × PyTorch |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) =>
    r.stepsPerSecond === null
      ? `| ${r.engine} | ${r.n} | ${r.T} | — (${r.note}) | | | |`
      : `| ${r.engine} | ${r.n} | ${r.T} | ${r.stepsPerSecond.toFixed(2)} | ${r.gflops!.toFixed(3)} | ${r.peakRssMiB.toFixed(0)} | ${r.vsPytorch === null ? '—' : r.vsPytorch.toFixed(2)} |`,
  ),
].join('\n');
process.stdout.write(`\n${table}\n\nmachine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} threads, node ${process.version}\n`);
mkdirSync(path.join(REPO_ROOT, 'bench'), { recursive: true });
writeFileSync(
  path.join(REPO_ROOT, 'bench', 'results.json'),
  `${JSON.stringify({ machine: { cpu: os.cpus()[0]?.model, threads: os.availableParallelism(), node: process.version }, secondsPerMeasurement: seconds, results: rows }, null, 2)}\n`,
);
