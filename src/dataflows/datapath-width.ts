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
import { isGemmTrace, type AnyTraceHeader } from '../traces/header.js';

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
export function fitToDatapath(config: ArchitectureConfig, trace: OperandWidths, traceFile: string, options: { readonly gemm: boolean }): FittedWidths {
  let weightBits = trace.weightBits;
  let activationBits = trace.activationBits;
  for (const decl of config.dataflow.datapath ?? []) {
    const widthBits = config.roles[decl.role]?.params[decl.param];
    // A user's own component kind in that role may not have the parameter: nothing to compare.
    if (typeof widthBits !== 'number') continue;
    const boundsWeights = decl.operands !== 'activations';
    const boundsActivations = decl.operands !== 'weights';
    const wider: string[] = [];
    if (boundsWeights && trace.weightBits > widthBits) wider.push(`weights at ${trace.weightBits} bits (precision.weight_bits)`);
    if (boundsActivations && trace.activationBits > widthBits) wider.push(`activations at ${trace.activationBits} bits (precision.activation_bits)`);
    if (wider.length === 0) continue;
    const key = ['components', decl.role, decl.param];
    const what = `${config.where(key)}: ${decl.param} = ${widthBits} bits is narrower than the trace ${traceFile}, which has ${wider.join(' and ')}`;
    if (config.narrowDatapath !== 'requantize') {
      const remake = options.gemm ? 'rnnsim trace gemm --weight-bits/--activation-bits' : 'rnnsim trace model --quant, rnnsim trace shape --weight-bits/--activation-bits';
      throw new InputError(
        `${what}. Run a trace at ${widthBits} bits or fewer (${remake}), widen the datapath, ` +
          `or set narrow_datapath: requantize to run the trace as if it had been quantized to ${widthBits} bits`,
        config.file,
      );
    }
    if (config.dataflow.prepareWorkload) {
      // DPS and delta decide from the payload's recorded values, which exist at the trace's width only.
      throw new InputError(
        `${what}, and the ${config.dataflow.kind} dataflow replays the values the trace recorded at that width, so narrow_datapath: requantize cannot apply: record the trace at ${widthBits} bits or widen the datapath`,
        config.file,
      );
    }
    if (boundsWeights) weightBits = Math.min(weightBits, widthBits);
    if (boundsActivations) activationBits = Math.min(activationBits, widthBits);
  }
  const changed = weightBits !== trace.weightBits || activationBits !== trace.activationBits;
  return changed ? { weightBits, activationBits, requantizedFrom: { weightBits: trace.weightBits, activationBits: trace.activationBits } } : { weightBits, activationBits };
}

/** The operand widths `config` runs a trace at, from its header (refused if wider than the datapath, unless the config requantizes). */
export function fitTraceToDatapath(config: ArchitectureConfig, header: AnyTraceHeader, traceFile: string): FittedWidths {
  return fitToDatapath(config, { weightBits: header.precision.weight_bits, activationBits: header.precision.activation_bits }, traceFile, { gemm: isGemmTrace(header) });
}
