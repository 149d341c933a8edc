/**
 * Console reporting for the CLIs: one summary line per group of runs, warnings, and one
 * progress bar with ETA (cli-progress) over all the training a command does, in
 * estimated cost (stages/cost.ts), so small and big runs weigh what they take. Per-run
 * lines are details: shown with --verbose (or by the training stage when few runs train).
 * Off a terminal (CI logs) the bar prints a plain line every 15 s instead of redrawing.
 */
import cliProgress from 'cli-progress';
import type { Reporter } from '../stages/runs.ts';

const BAR_DELAY_MS = 1500;
const UPDATE_EVERY_MS = 100;

export interface ReporterOptions {
  verbose?: boolean;
  stream?: NodeJS.WriteStream;
}

export function consoleReporter({ verbose = false, stream = process.stdout }: ReporterOptions = {}): Reporter {
  let bar: cliProgress.SingleBar | null = null;
  const line = (text: string) => {
    // On a terminal the bar owns the last line: clear it, print above it, redraw it.
    if (bar && stream.isTTY) {
      stream.write(`\r\x1b[2K${text}\n`);
      bar.render(); // redrawn at once if it changed, else at its next update
    } else stream.write(`${text}\n`);
  };
  return {
    line,
    detail: (text) => {
      if (verbose) line(text);
    },
    progress(totalCost, totalRuns) {
      const started = Date.now();
      let lastUpdate = 0;
      return {
        update(costDone, runsDone) {
          const now = Date.now();
          if (now - lastUpdate < UPDATE_EVERY_MS && runsDone < totalRuns) return;
          lastUpdate = now;
          if (!bar) {
            if (now - started < BAR_DELAY_MS) return;
            bar = new cliProgress.SingleBar(
              {
                format: `  training [{bar}] {percentage}% | {runs}/${totalRuns} runs | ETA {eta_formatted}`,
                stream,
                noTTYOutput: true,
                notTTYSchedule: 15_000,
                etaBuffer: 100,
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(totalCost, 0, { runs: 0 });
          }
          bar.update(Math.min(costDone, totalCost), { runs: runsDone });
        },
        done() {
          bar?.stop();
          bar = null;
        },
      };
    },
  };
}

/** Stop flag set by the first Ctrl-C / SIGTERM; a second one exits at once. */
export function interruptFlag(): () => boolean {
  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write(`\n${signal}: finishing the current step and saving a checkpoint (press again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => stopRequested;
}
