/**
 * A progress bar for one long simulation, on standard error when it is a terminal: it appears
 * only once a run has taken 2 s (a short run prints nothing) and counts step records made out of
 * those the run will make. With fast-forward, skipped steps arrive in bursts.
 */
import cliProgress from 'cli-progress';
import type { SimulateOptions } from '../simulate.js';

const SHOW_AFTER_MS = 2000;

export interface RunProgress {
  readonly options: SimulateOptions;
  stop(): void;
}

export function runProgress(label: string): RunProgress {
  if (!process.stderr.isTTY) return { options: {}, stop: () => undefined };
  const started = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    options: {
      progress: (done, total) => {
        if (!bar) {
          if (performance.now() - started < SHOW_AFTER_MS) return;
          bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} steps, {eta_formatted} left`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(total, done);
        } else bar.update(done);
      },
    },
    stop: () => bar?.stop(),
  };
}
