/**
 * Console reporting for the CLIs: one summary line per group of runs, warnings, and one
 * progress bar with ETA (cli-progress) over all the training a command does, in
 * estimated cost (stages/cost.ts), so small and big runs weigh what they take. Per-run
 * lines are details: shown with --verbose (or by the training stage when few runs train).
 * Off a terminal (CI logs) the bar prints a plain line every 15 s instead of redrawing.
 */
import cliProgress from 'cli-progress';
import { formatSeconds, type Reporter } from '../stages/runs.ts';

const BAR_DELAY_MS = 1500;
const UPDATE_EVERY_MS = 100;

/** The progress bar's ETA: cli-progress passes a non-finite value until it has a rate. */
export function formatEta(seconds: number): string {
  return Number.isFinite(seconds) && seconds >= 0 ? formatSeconds(seconds) : '?';
}

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
                formatTime: formatEta,
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

/** A stop flag for training, polled between steps. */
export interface InterruptFlag {
  (): boolean;
  /**
   * While a run's data are generated and its model built, the process runs synchronous
   * code and no signal handler can run until it ends; there is nothing to save yet
   * either, so during that time a signal ends the process at once (default disposition).
   */
  preparing(on: boolean): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const PARENT_POLL_MS = 250;

/**
 * Stop flag set by the first Ctrl-C / SIGTERM / SIGHUP, or when the process that started
 * this one exits (`npm run train` stopped with SIGTERM exits npm and leaves the trainer
 * orphaned, re-parented to init); a second signal exits at once.
 */
export function interruptFlag(): InterruptFlag {
  let stopRequested = false;
  const stop = (why: string) => {
    stopRequested = true;
    process.stderr.write(`\n${why}: finishing the current step and saving a checkpoint (press Ctrl-C again to quit at once)\n`);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) process.exit(130);
    stop(signal);
  };
  let listening = false;
  const listen = (on: boolean) => {
    if (on === listening) return;
    listening = on;
    for (const signal of SIGNALS) on ? process.on(signal, onSignal) : process.removeListener(signal, onSignal);
  };
  listen(true);
  const parent = process.ppid;
  setInterval(() => {
    if (!stopRequested && process.ppid !== parent) stop(`the parent process (${parent}) exited`);
  }, PARENT_POLL_MS).unref();
  // A terminal or pipe that went away with the parent must not end the process (EPIPE)
  // before it has saved its checkpoint.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  return Object.assign(() => stopRequested, { preparing: (on: boolean) => listen(!on) });
}
