/**
 * Integer codes of one layer-direction's parameters in a weight format. Built from the float
 * parameters at the layer's static weight format (round half-even, saturate); a lower-precision
 * copy is derived from those codes by dropping fractional bits (round half-even, or half up as
 * the config says: QuantizationConfig.reductionRounding), as hardware that stores the
 * full-precision word and rounds it for a low-precision step would.
 */
import { quantizeArray, requantizeArray, type FixedFormat, type Rounding } from './fixed-point.js';
import type { DirectionParams } from './rnn-model.js';

export interface IntegerParams {
  readonly format: FixedFormat;
  readonly wIh: Int32Array;
  readonly wHh: Int32Array;
  readonly bIh: Int32Array;
  readonly bHh: Int32Array;
  readonly wHr: Int32Array | null;
}

export function quantizeParams(p: DirectionParams, format: FixedFormat): IntegerParams {
  return {
    format,
    wIh: quantizeArray(p.wIh, format),
    wHh: quantizeArray(p.wHh, format),
    bIh: quantizeArray(p.bIh, format),
    bHh: quantizeArray(p.bHh, format),
    wHr: p.wHr === null ? null : quantizeArray(p.wHr, format),
  };
}

export function reduceParams(p: IntegerParams, format: FixedFormat, rounding: Rounding = 'half_even'): IntegerParams {
  const from = p.format.fracBits;
  const reduce = (a: Int32Array): Int32Array => requantizeArray(a, from, format, undefined, rounding);
  return {
    format,
    wIh: reduce(p.wIh),
    wHh: reduce(p.wHh),
    bIh: reduce(p.bIh),
    bHh: reduce(p.bHh),
    wHr: p.wHr === null ? null : reduce(p.wHr),
  };
}

/** The same codes as doubles: the operands of the batched kernels (batch-kernels.ts). */
export interface FloatCodeParams {
  readonly format: FixedFormat;
  readonly wIh: Float64Array;
  readonly wHh: Float64Array;
  readonly bIh: Float64Array;
  readonly bHh: Float64Array;
  readonly wHr: Float64Array | null;
}

function asDoubles(p: IntegerParams): FloatCodeParams {
  return {
    format: p.format,
    wIh: Float64Array.from(p.wIh),
    wHh: Float64Array.from(p.wHh),
    bIh: Float64Array.from(p.bIh),
    bHh: Float64Array.from(p.bHh),
    wHr: p.wHr === null ? null : Float64Array.from(p.wHr),
  };
}

/** Per layer-direction cache of parameter codes by weight fractional bits. */
export class IntegerParamsCache {
  private readonly byFrac = new Map<number, IntegerParams>();
  private readonly doublesByFrac = new Map<number, FloatCodeParams>();
  private full: IntegerParams | null = null;

  constructor(
    private readonly params: DirectionParams,
    private readonly staticFormat: FixedFormat,
    /** How lower-precision copies are rounded from the static codes. */
    private readonly rounding: Rounding = 'half_even',
  ) {}

  get(format: FixedFormat): IntegerParams {
    if (this.full === null) {
      this.full = quantizeParams(this.params, this.staticFormat);
      this.byFrac.set(this.staticFormat.fracBits, this.full);
    }
    let p = this.byFrac.get(format.fracBits);
    if (p === undefined) {
      p = reduceParams(this.full, format, this.rounding);
      this.byFrac.set(format.fracBits, p);
    }
    return p;
  }

  /** The codes of get(format) as doubles (cached likewise). */
  getDoubles(format: FixedFormat): FloatCodeParams {
    let p = this.doublesByFrac.get(format.fracBits);
    if (p === undefined) {
      p = asDoubles(this.get(format));
      this.doublesByFrac.set(format.fracBits, p);
    }
    return p;
  }

  /** Forget all codes (call after the float parameters changed). */
  clear(): void {
    this.full = null;
    this.byFrac.clear();
    this.doublesByFrac.clear();
  }
}
