/**
 * JSON parsing that reports where a problem is: line and column for syntax errors, and a JSON
 * pointer for numbers JSON.parse silently turns into Infinity (1e999). JSON has no NaN, so a
 * NaN in a header is a syntax error with a line and column.
 */
import { InputError } from '../errors.js';

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parse JSON text; a syntax error becomes an InputError naming the file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    // V8 says "... at position N" (Node 20) or "(line L column C)" (newer); end of input has neither.
    const lc = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const where = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : lineAndColumn(text, pos ? Number(pos[1]) : text.length);
    throw new InputError(`invalid JSON at line ${where.line}, column ${where.column}: ${message}`, file);
  }
}

/** Escape one JSON-pointer segment (RFC 6901). */
function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Throw an InputError at the first number that is not finite (JSON.parse maps 1e999 to Infinity). */
export function rejectNonFiniteNumbers(value: unknown, file: string, pointer = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InputError(`at ${pointer || '/'}: expected a finite number, found ${value} (the literal overflows a double)`, file);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectNonFiniteNumbers(v, file, `${pointer}/${i}`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) rejectNonFiniteNumbers(v, file, `${pointer}/${pointerSegment(k)}`);
  }
}
