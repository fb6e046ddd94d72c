/**
 * A trace's operands against the datapath that computes them. A 16-bit trace on an 8-bit
 * multiplier array used to run: weights were stored and moved at 16 bits while the multipliers
 * ran at 8, a design that computes nothing the trace describes. Now a trace wider than the
 * datapath is refused, naming the parameter and the trace's field, unless the config asks for
 * `narrow_datapath: requantize`: the run then takes the operands at the datapath's width, as if
 * the trace had been quantized to it (storage, traffic and compute all at that width; the
 * trace's accuracy no longer describes the run, which the summary records).
 *
 * Each dataflow declares which component parameters set its widths (DataflowKind.datapath).
 */
import type { ArchitectureConfig } from '../config/load-architecture.js';
import { InputError } from '../errors.js';

export interface OperandWidths {
  readonly weightBits: number;
  readonly activationBits: number;
}

/** What a run computes at: the trace's widths, or the datapath's where it is narrower and the config allows requantizing. */
export interface FittedWidths extends OperandWidths {
  /** Set when an operand was requantized to the datapath: the widths the trace recorded. */
  readonly requantizedFrom?: OperandWidths;
}

export const NARROW_DATAPATH_CHOICES = ['refuse', 'requantize'] as const;
export type NarrowDatapath = (typeof NARROW_DATAPATH_CHOICES)[number];

/**
 * The widths `config` runs the trace's operands at. Throws an InputError naming the config file,
 * the line of the width parameter and the trace file when the datapath is narrower and the
 * config does not say `narrow_datapath: requantize`.
 */
export function fitToDatapath(config: ArchitectureConfig, trace: OperandWidths, traceFile: string): FittedWidths {
  let weightBits = trace.weightBits;
  let activationBits = trace.activationBits;
  for (const decl of config.dataflow.datapath ?? []) {
    const value = config.roles[decl.role]?.params[decl.param];
    // A user's own component kind in that role may not have the parameter: nothing to compare.
    if (typeof value !== 'number') continue;
    const boundsWeights = decl.operands !== 'activations';
    const boundsActivations = decl.operands !== 'weights';
    const wider: string[] = [];
    if (boundsWeights && trace.weightBits > value) wider.push(`weights at ${trace.weightBits} bits (precision.weight_bits)`);
    if (boundsActivations && trace.activationBits > value) wider.push(`activations at ${trace.activationBits} bits (precision.activation_bits)`);
    if (wider.length === 0) continue;
    if (config.narrowDatapath !== 'requantize') {
      const key = ['components', decl.role, decl.param];
      throw new InputError(
        `${config.where(key)}: ${decl.param} = ${value} bits is narrower than the trace ${traceFile}, which has ${wider.join(' and ')}. ` +
          `Run a trace at ${value} bits or fewer (rnnsim trace model --quant, rnnsim trace shape --weight-bits/--activation-bits), widen the datapath, ` +
          `or set narrow_datapath: requantize to run the trace as if it had been quantized to ${value} bits`,
        config.file,
      );
    }
    if (boundsWeights) weightBits = Math.min(weightBits, value);
    if (boundsActivations) activationBits = Math.min(activationBits, value);
  }
  const changed = weightBits !== trace.weightBits || activationBits !== trace.activationBits;
  return changed ? { weightBits, activationBits, requantizedFrom: { weightBits: trace.weightBits, activationBits: trace.activationBits } } : { weightBits, activationBits };
}
