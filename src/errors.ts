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

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_INTERNAL = 2;
