/**
 * Progress of a long training run on stderr: a cli-progress bar when stderr is a terminal,
 * otherwise (logs, CI, nohup) one plain line every few seconds.
 */
import cliProgress from 'cli-progress';

export class TrainingProgress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;
  private readonly start = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly lineIntervalMs = 5000,
  ) {
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} steps | {status} | eta {eta_formatted}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { status: '' });
    }
  }

  update(done: number, status: string): void {
    if (this.bar) {
      this.bar.update(done, { status });
      return;
    }
    const now = Date.now();
    if (now - this.lastLine >= this.lineIntervalMs || done === this.total) {
      this.lastLine = now;
      const elapsed = (now - this.start) / 1000;
      process.stderr.write(`${this.label}: step ${done}/${this.total} (${elapsed.toFixed(0)} s) ${status}\n`);
    }
  }

  /** A message that should appear even with a bar (e.g. validation results). */
  log(message: string): void {
    if (this.bar) process.stderr.write('\n');
    process.stderr.write(`${this.label}: ${message}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
