/**
 * JSON parsing that reports where a problem is: line and column for syntax errors, and a JSON
 * pointer for numbers JSON.parse silently turns into Infinity (1e999). JSON has no NaN, so a
 * NaN in a header is a syntax error with a line and column.
 */
import { InputError } from '../errors.js';
import { checkNestingDepth } from '../input-shape.js';

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

/**
 * Offset and description of the first JSON syntax error in `text`, or undefined if it is valid.
 * V8's own messages do not always give a position ("Unexpected token 'N', ... is not valid
 * JSON"), so this small recursive-descent scanner locates the error itself.
 */
export function findJsonSyntaxError(text: string, options: { readonly duplicateKeys?: boolean } = {}): { offset: number; expected: string } | undefined {
  let i = 0;
  class Stop extends Error {
    constructor(readonly expected: string) {
      super(expected);
    }
  }
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (expected: string): never => {
    throw new Stop(expected);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a JSON value (object, array, string, number, true, false or null)');
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing double quote');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail('no control characters inside a string');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            fail('four hex digits after \\u');
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail('a valid escape after a backslash');
        }
      } else i++;
    }
  };
  const numberPattern = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const number = (): void => {
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (!m || m[0] === '' || m[0] === '-') fail('a JSON value (object, array, string, number, true, false or null)');
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      const keys = options.duplicateKeys ? new Set<string>() : undefined;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a double-quoted property name');
        const keyStart = i;
        string();
        if (keys) {
          const key = JSON.parse(text.slice(keyStart, i)) as string;
          if (keys.has(key)) {
            i = keyStart;
            fail(`each property name once per object; ${JSON.stringify(key)} appears again (JSON.parse would keep only the last)`);
          }
          keys.add(key);
        }
        ws();
        if (text[i] !== ':') fail("':' after the property name");
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail("',' or '}' after a property value");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail("',' or ']' after an array element");
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the document');
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return { offset: i, expected: err.expected };
    // Nesting too deep for this recursive scanner: the caller falls back to V8's message.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Parse JSON text; a syntax error becomes an InputError naming the file, line and column, too deep a nesting one naming the limit. */
export function parseJsonText(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    const found = findJsonSyntaxError(text);
    if (found) {
      const { line, column } = lineAndColumn(text, found.offset);
      const got = found.offset < text.length ? JSON.stringify(text.slice(found.offset, found.offset + 12)) : 'the end of the file';
      throw new InputError(`invalid JSON at line ${line}, column ${column}: expected ${found.expected}, found ${got}`, file);
    }
    // The scanner and V8 disagree (should not happen): fall back to V8's message and position.
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const { line, column } = lineAndColumn(text, pos ? Number(pos[1]) : text.length);
    throw new InputError(`invalid JSON at line ${line}, column ${column}: ${message}`, file);
  }
  // Before any recursive pass over the value (finite-number check, schema validation).
  checkNestingDepth(value, file);
  const duplicate = findJsonSyntaxError(text, { duplicateKeys: true });
  if (duplicate) {
    const { line, column } = lineAndColumn(text, duplicate.offset);
    throw new InputError(`invalid JSON at line ${line}, column ${column}: expected ${duplicate.expected}`, file);
  }
  return value;
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
