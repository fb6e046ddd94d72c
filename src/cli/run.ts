/** Process entry point: run the CLI on process.argv and set the exit code. */
import { main } from './main.js';
import { EXIT_INTERNAL } from '../errors.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rnnsim: internal error: ${String(err)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
