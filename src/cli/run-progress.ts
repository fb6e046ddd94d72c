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
  /** The run is done: the bar, if shown, ends full. */
  finish(): void;
  /** The run ended early (an error): the bar, if shown, stays where it was. */
  stop(): void;
}

export function runProgress(label: string): RunProgress {
  if (!process.stderr.isTTY) return { options: {}, finish: () => undefined, stop: () => undefined };
  const started = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    options: {
      progress: (done, total) => {
        if (!bar) {
          if (performance.now() - started < SHOW_AFTER_MS) return;
          // The cursor is left visible: the run is synchronous, so nothing could show it again after Ctrl-C.
          bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} steps, {eta_formatted} left`, stream: process.stderr }, cliProgress.Presets.shades_classic);
          bar.start(total, done);
        } else bar.update(done);
      },
    },
    finish: () => {
      bar?.update(bar.getTotal());
      bar?.stop();
    },
    stop: () => bar?.stop(),
  };
}
