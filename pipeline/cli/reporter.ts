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
