/**
 * Interpolation between table points and extrapolation beyond them. Every function reports
 * which points it used and, in words, what it did, so the resolved table can show it.
 */
import type { BitScaling } from './tech-table-file.js';

export interface Interpolated {
  readonly value: number;
  /** Indices of the table points the value came from. */
  readonly usedIndices: readonly number[];
  /** What was done, in words, for the audit trail. */
  readonly step: string;
  /** True when the argument lies outside the points' range. */
  readonly extrapolated: boolean;
}

export interface BitPoint {
  readonly bits: number;
  readonly value: number;
}

const BIT_EXPONENT: Readonly<Record<BitScaling, number>> = { linear: 1, quadratic: 2 };

/**
 * Between two points: linear in bits (linear) or in bits^2 (quadratic), i.e.
 * v = v0 + (v1 - v0) * (b^p - b0^p) / (b1^p - b0^p). Outside the points: the nearest point
 * times (b / b_nearest)^p. An adder's energy is about linear in width, an array multiplier's
 * about quadratic (Horowitz 8 to 32 bit: 15.5x for 4x the width).
 */
export function interpolateInBits(points: readonly BitPoint[], bits: number, scaling: BitScaling): Interpolated {
  const p = BIT_EXPONENT[scaling];
  const rule = scaling === 'linear' ? 'bits' : 'bits^2';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const exact = points.findIndex((point) => point.bits === bits);
  if (exact >= 0) {
    return { value: points[exact]!.value, usedIndices: [exact], step: `table point at ${bits} bits`, extrapolated: false };
  }
  if (bits < first.bits || bits > last.bits) {
    const index = bits < first.bits ? 0 : points.length - 1;
    const nearest = points[index]!;
    return {
      value: nearest.value * (bits / nearest.bits) ** p,
      usedIndices: [index],
      step: `extrapolated from the ${nearest.bits}-bit point proportionally to ${rule}: x (${bits}/${nearest.bits})^${p}`,
      extrapolated: true,
    };
  }
  const upper = points.findIndex((point) => point.bits > bits);
  const lo = points[upper - 1]!;
  const hi = points[upper]!;
  const t = (bits ** p - lo.bits ** p) / (hi.bits ** p - lo.bits ** p);
  return {
    value: lo.value + (hi.value - lo.value) * t,
    usedIndices: [upper - 1, upper],
    step: `interpolated linearly in ${rule} between the ${lo.bits}- and ${hi.bits}-bit points (weight ${t.toFixed(4)})`,
    extrapolated: false,
  };
}

export interface SizePoint {
  readonly sizeBytes: number;
  readonly value: number;
}

/** How to go beyond the outermost points of a size curve. */
export type SizeExtrapolation =
  | { readonly kind: 'depth_exponent'; readonly exponent: number }
  | { readonly kind: 'last_segment_power_law' };

/**
 * Between points: linear in log2(size) (CACTI curves are close to straight on a log size
 * axis between the sampled sizes). Outside: the nearest point times (size / point size)^e,
 * with e given (Accelergy's depth^0.78 for energy, 1 for area) or taken from the power law
 * through the two nearest points.
 */
export function interpolateInLogSize(points: readonly SizePoint[], sizeBytes: number, outside: SizeExtrapolation): Interpolated {
  const exact = points.findIndex((point) => point.sizeBytes === sizeBytes);
  if (exact >= 0) {
    return { value: points[exact]!.value, usedIndices: [exact], step: `table point at ${sizeBytes} bytes`, extrapolated: false };
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (sizeBytes < first.sizeBytes || sizeBytes > last.sizeBytes) {
    const below = sizeBytes < first.sizeBytes;
    const index = below ? 0 : points.length - 1;
    const nearest = points[index]!;
    let exponent: number;
    let usedIndices: number[] = [index];
    let how: string;
    if (outside.kind === 'depth_exponent') {
      exponent = outside.exponent;
      how = `depth exponent ${exponent}`;
    } else if (points.length === 1) {
      throw new Error('last_segment_power_law needs at least two points');
    } else {
      const otherIndex = below ? 1 : points.length - 2;
      const other = points[otherIndex]!;
      exponent = Math.log(nearest.value / other.value) / Math.log(nearest.sizeBytes / other.sizeBytes);
      usedIndices = below ? [0, 1] : [otherIndex, index];
      how = `power law through the ${other.sizeBytes}- and ${nearest.sizeBytes}-byte points (exponent ${exponent.toFixed(4)})`;
    }
    return {
      value: nearest.value * (sizeBytes / nearest.sizeBytes) ** exponent,
      usedIndices,
      step: `extrapolated ${below ? 'below' : 'beyond'} the ${nearest.sizeBytes}-byte point: x (${sizeBytes}/${nearest.sizeBytes})^${exponent.toFixed(4)} (${how})`,
      extrapolated: true,
    };
  }
  const upper = points.findIndex((point) => point.sizeBytes > sizeBytes);
  const lo = points[upper - 1]!;
  const hi = points[upper]!;
  const t = Math.log2(sizeBytes / lo.sizeBytes) / Math.log2(hi.sizeBytes / lo.sizeBytes);
  return {
    value: lo.value + (hi.value - lo.value) * t,
    usedIndices: [upper - 1, upper],
    step: `interpolated linearly in log2(size) between the ${lo.sizeBytes}- and ${hi.sizeBytes}-byte points (weight ${t.toFixed(4)})`,
    extrapolated: false,
  };
}

/**
 * A correction factor known at a few sizes: linear in log2(size) between them, held at the
 * nearest one outside (a ratio of two curves has no trend worth extending).
 */
export function interpolateFactorInLogSize(points: readonly SizePoint[], sizeBytes: number): Interpolated {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (sizeBytes <= first.sizeBytes || sizeBytes >= last.sizeBytes) {
    const index = sizeBytes <= first.sizeBytes ? 0 : points.length - 1;
    const held = points[index]!.sizeBytes !== sizeBytes;
    return {
      value: points[index]!.value,
      usedIndices: [index],
      step: held ? `factor held at its ${points[index]!.sizeBytes}-byte value` : `factor at the ${sizeBytes}-byte point`,
      extrapolated: false,
    };
  }
  return interpolateInLogSize(points, sizeBytes, { kind: 'depth_exponent', exponent: 0 });
}
