/**
 * Errors a user can fix (a bad config, trace or flag) are InputErrors and exit with code 1.
 * Anything else is a bug in rnnsim and exits with code 2.
 */
export class InputError extends Error {
  constructor(
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'InputError';
  }
}

/**
 * A config value that cannot work, found after the config was loaded (for instance a buffer
 * too small for what a dataflow must hold). It carries the key path; src/simulate.ts turns it
 * into an InputError naming the config file, the line and the key.
 */
export class ConfigValueError extends InputError {
  constructor(
    message: string,
    readonly keyPath: readonly (string | number)[],
  ) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

export const EXIT_BAD_INPUT = 1;
export const EXIT_INTERNAL = 2;
