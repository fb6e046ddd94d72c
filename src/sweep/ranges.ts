/**
 * Values of a range axis: linear ({from, to, step} or {from, to, count}) or logarithmic
 * ({from, to, factor} or {from, to, count}). Each value is computed from its index (never by
 * repeated addition), and rounded to 12 significant digits so that 0.1 + 0.2 steps print as
 * 0.3: the same spec gives the same values, and so the same point keys, everywhere.
 */
import { InputError } from '../errors.js';

export interface RangeSpec {
  readonly from: number;
  readonly to: number;
  readonly scale?: 'linear' | 'log';
  readonly step?: number;
  readonly factor?: number;
  readonly count?: number;
}

/** Values beyond this many are refused (a sweep of more points is not what anyone meant). */
export const MAX_RANGE_VALUES = 100_000;

export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

export function rangeValues(range: RangeSpec, options: { readonly integer: boolean }): number[] {
  const { from, to } = range;
  const scale = range.scale ?? 'linear';
  if (!(to >= from)) throw new InputError(`'to' (${to}) must not be below 'from' (${from})`);
  const given = (['step', 'factor', 'count'] as const).filter((k) => range[k] !== undefined);
  if (given.length !== 1) throw new InputError(`give exactly one of ${scale === 'log' ? "'factor' or 'count'" : "'step' or 'count'"}; found ${given.length === 0 ? 'none' : given.join(' and ')}`);
  let values: number[];
  if (scale === 'linear') {
    if (range.factor !== undefined) throw new InputError("'factor' is for a log range (scale: log); a linear range takes 'step' or 'count'");
    if (range.count !== undefined) {
      const n = range.count;
      values = Array.from({ length: n }, (_, i) => (i === n - 1 ? to : from + ((to - from) * i) / (n - 1)));
    } else {
      const step = range.step!;
      const n = Math.floor((to - from) / step + 1e-9) + 1;
      if (n > MAX_RANGE_VALUES) throw new InputError(`the range has ${n} values, more than ${MAX_RANGE_VALUES}`);
      values = Array.from({ length: n }, (_, i) => from + step * i);
    }
  } else {
    if (!(from > 0)) throw new InputError(`a log range needs 'from' > 0; found ${from}`);
    if (range.step !== undefined) throw new InputError("'step' is for a linear range; a log range takes 'factor' or 'count'");
    if (range.count !== undefined) {
      const n = range.count;
      const ratio = to / from;
      values = Array.from({ length: n }, (_, i) => (i === n - 1 ? to : from * ratio ** (i / (n - 1))));
    } else {
      const factor = range.factor!;
      const n = Math.floor(Math.log(to / from) / Math.log(factor) + 1e-9) + 1;
      if (n > MAX_RANGE_VALUES) throw new InputError(`the range has ${n} values, more than ${MAX_RANGE_VALUES}`);
      values = Array.from({ length: n }, (_, i) => from * factor ** i);
    }
  }
  values = values.map((v) => (options.integer ? Math.round(v) : tidy(v)));
  // Rounding to integers can make neighbours equal: keep each value once, in order.
  return values.filter((v, i) => values.indexOf(v) === i);
}
