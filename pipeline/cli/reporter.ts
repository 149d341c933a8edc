/**
 * Console reporting for the CLIs: one status line per run, and a progress bar with
 * ETA (cli-progress) for any training that lasts more than a moment. Off a terminal
 * (CI logs) the bar prints a plain line every 15 s instead of redrawing.
 */
import cliProgress from 'cli-progress';
import type { Reporter } from '../stages/runs.ts';

const BAR_DELAY_MS = 1500;
const UPDATE_EVERY_MS = 100;

export function consoleReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  return {
    line: (text) => stream.write(`${text}\n`),
    progress(label, totalSteps, startStep) {
      const started = Date.now();
      let bar: cliProgress.SingleBar | null = null;
      let lastUpdate = 0;
      return {
        update(step, loss) {
          const now = Date.now();
          if (now - lastUpdate < UPDATE_EVERY_MS && step < totalSteps) return;
          lastUpdate = now;
          if (!bar) {
            if (now - started < BAR_DELAY_MS) return;
            bar = new cliProgress.SingleBar(
              {
                format: `  ${label} [{bar}] {percentage}% | {value}/{total} steps | loss {loss} | ETA {eta_formatted}`,
                stream,
                noTTYOutput: true,
                notTTYSchedule: 15_000,
                etaBuffer: 50,
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(totalSteps, startStep, { loss: '…' });
          }
          bar.update(step, { loss: loss.toPrecision(4) });
        },
        done() {
          bar?.stop();
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
