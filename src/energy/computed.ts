/**
 * A number computed from table entries, with everything needed to audit it: the entries and
 * rules it came from (each with its source and mark) and the steps applied.
 */
import type { Mark } from './tech-table-file.js';

export interface TableInput {
  /** File and key path of the entry, e.g. "45nm.yaml: sram.cacti.points[4].read_energy_pj". */
  readonly entry: string;
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly mark: Mark;
  readonly note?: string;
}

export interface Computed {
  readonly value: number;
  readonly inputs: readonly TableInput[];
  readonly steps: readonly string[];
  /** True when any step went outside the range of the table points. */
  readonly extrapolated: boolean;
}

const MARK_STRENGTH: Readonly<Record<Mark, number>> = { V: 3, S: 2, D: 1, A: 0, assumed: 0 };

/**
 * The weakest mark among the inputs; a value computed from V or S entries (anything but a
 * table point returned as is) counts as derived, D.
 */
export function overallMark(computed: Computed): 'V' | 'S' | 'D' | 'A' {
  let weakest = 3;
  for (const input of computed.inputs) weakest = Math.min(weakest, MARK_STRENGTH[input.mark]);
  const transformed = computed.inputs.length > 1 || computed.steps.some((step) => !step.startsWith('table point'));
  if (transformed) weakest = Math.min(weakest, MARK_STRENGTH.D);
  return (['A', 'D', 'S', 'V'] as const)[weakest]!;
}

/** The computed value times a factor, e.g. a node-scaling factor or a width ratio. */
export function scaled(computed: Computed, factor: number, step: string, factorInput?: TableInput): Computed {
  return {
    value: computed.value * factor,
    inputs: factorInput ? [...computed.inputs, factorInput] : computed.inputs,
    steps: [...computed.steps, step],
    extrapolated: computed.extrapolated,
  };
}

export function sumOf(parts: readonly Computed[], step: string): Computed {
  return {
    value: parts.reduce((total, part) => total + part.value, 0),
    inputs: parts.flatMap((part) => part.inputs),
    steps: [...parts.flatMap((part) => part.steps), step],
    extrapolated: parts.some((part) => part.extrapolated),
  };
}
