/**
 * The candidate-policy grid flags of `rnnsim dps calibrate` and `rnnsim dps evaluate`: the
 * count_above deltas and shares and the max_abs thresholds (src/dps/calibrate.ts candidateGrid).
 */
import { InputError } from '../errors.js';
import { DEFAULT_GRID, type GridAxes } from '../dps/calibrate.js';
import { stringOption, type CommandOption, type OptionValues } from './command.js';

export const GRID_OPTIONS: readonly CommandOption[] = [
  { name: 'grid-deltas', type: 'string', default: '1/64,1/16,1/4', description: 'candidate cell-state change thresholds of the count_above statistic, comma-separated', unit: 'cell-state units' },
  { name: 'grid-shares', type: 'string', default: DEFAULT_GRID.shares.join(','), description: 'candidate shares of changed cell-state elements above which a step goes up a precision', unit: 'fraction' },
  { name: 'grid-max-abs', type: 'string', default: DEFAULT_GRID.maxAbs.join(','), description: 'candidate thresholds of the max_abs statistic (empty: none)', unit: 'cell-state units' },
];

/** Comma-separated non-negative numbers or fractions ("0.05,0.2" or "1/64"). */
export function numberList(options: OptionValues, name: string, fallback: readonly number[]): number[] {
  const v = stringOption(options, name);
  if (v === undefined) return [...fallback];
  return v.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:\/\s*(\d+(?:\.\d*)?)\s*)?$/.exec(part);
    const n = m ? Number(m[1]) / (m[2] !== undefined ? Number(m[2]) : 1) : NaN;
    if (!Number.isFinite(n)) throw new InputError(`--${name}: expected comma-separated non-negative numbers (e.g. 0.05,0.2 or 1/64), found '${part}'`);
    return n;
  });
}

export function gridFromOptions(options: OptionValues): GridAxes {
  const maxAbsText = stringOption(options, 'grid-max-abs');
  const grid: GridAxes = {
    deltas: numberList(options, 'grid-deltas', DEFAULT_GRID.deltas),
    shares: numberList(options, 'grid-shares', DEFAULT_GRID.shares),
    maxAbs: maxAbsText !== undefined && maxAbsText.trim() === '' ? [] : numberList(options, 'grid-max-abs', DEFAULT_GRID.maxAbs),
  };
  if (grid.shares.some((f) => f > 1)) throw new InputError('--grid-shares: shares are fractions of the cell state, 0..1');
  return grid;
}
