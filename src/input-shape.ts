/**
 * Checks on the shape of a parsed input, shared by every reader: how deep its objects and arrays
 * nest (checked without recursion, so a document nested 100,000 levels is refused, not a stack
 * overflow in a later recursive pass), and how many error lines one message lists.
 */
import { InputError } from './errors.js';
import { limit, raiseHint } from './limits.js';

/** Throw an InputError when `value` nests objects/arrays deeper than the nesting_depth limit. */
export function checkNestingDepth(value: unknown, file: string): void {
  const max = limit('nesting_depth');
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) {
      throw new InputError(`at ${path || '/'}: objects and arrays nest more than ${max} levels deep: ${raiseHint('nesting_depth')}`, file);
    }
    // Only the first child of each level goes into the path, to keep the message short.
    for (const [k, child] of Object.entries(v as object)) stack.push({ v: child, depth: depth + 1, path: path.length < 200 ? `${path}/${k}` : path });
  }
}

/**
 * The first errors_shown items described, one line each, and a count of the rest (describing
 * only those shown: placing an error can cost a walk of the document).
 */
export function shownLines<T>(items: readonly T[], describe: (item: T) => string): string[] {
  const max = limit('errors_shown');
  const lines = items.slice(0, max).map(describe);
  if (items.length > max) lines.push(`... and ${items.length - max} more (only ${max} are shown: --set-limit errors_shown=N shows more)`);
  return lines;
}
