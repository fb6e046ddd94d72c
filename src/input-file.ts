/**
 * Reading a user's input file whole, bounded: at most the limit's bytes are ever read, so a huge
 * file, a device such as /dev/zero or an endless pipe is refused (InputError naming the file and
 * the limit) instead of filling memory. Pipes and process substitutions are read like files.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './errors.js';
import { limit, raiseHint, type LimitName } from './limits.js';

export interface ReadInputOptions {
  /** Which limit bounds the size: text inputs (default) or binary data. */
  readonly limitName?: Extract<LimitName, 'input_file_bytes' | 'data_file_bytes'>;
  /** What the file is, for messages ("trace header", "config"). */
  readonly what?: string;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EISDIR') return 'is a directory, expected a file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}

/** The bytes of `file`, or an InputError when it cannot be read or is larger than the limit. */
export function readInputBytes(file: string, options: ReadInputOptions = {}): Buffer {
  const limitName = options.limitName ?? 'input_file_bytes';
  const max = limit(limitName);
  const what = options.what ?? 'input';
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new InputError(`cannot read ${what}: ${reason(err)}`, file);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`cannot read ${what}: is a directory, expected a file`, file);
    if (st.isFile() && st.size > max) throw new InputError(`${what} is ${st.size} bytes, larger than rnnsim reads: ${raiseHint(limitName)}`, file);
    // A regular file is read to its size; anything else (pipe, device) in chunks up to the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new InputError(`cannot read ${what}: ${reason(err)}`, file);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) throw new InputError(`${what} is more than ${max} bytes, larger than rnnsim reads: ${raiseHint(limitName)}`, file);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** The text of `file` (UTF-8), bounded as readInputBytes. */
export function readInputText(file: string, options: ReadInputOptions = {}): string {
  return readInputBytes(file, options).toString('utf8');
}
