/**
 * The area of precision-scalable PEs relative to fixed-precision ones, from published synthesis
 * (configs/tech/precision-scalable-pe.yaml: Bit Fusion's synthesized PEs, Stripes' reported
 * overhead). A composable max/min PE is the published area where Bit Fusion synthesized that
 * pair; otherwise k x (max/min)^2 x the fixed min-bit PE, with k from the published pair with
 * the same number of bricks (the derivation is in the YAML file).
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import { readYamlFile } from './yaml-loader.js';
import { configsDir } from './package-paths.js';

interface PeEntry {
  readonly max_bits: number;
  readonly min_bits: number;
  readonly area_um2: number;
  readonly source: string;
}

interface ScalableTable {
  readonly bit_fusion: { readonly pes: readonly PeEntry[] };
  readonly stripes: { readonly source: string; readonly area_ratio: number };
}

interface Areas {
  readonly fixed: Readonly<Record<string, number>>;
  readonly composable: Readonly<Record<string, number>>;
  readonly stripes: ScalableTable['stripes'];
}

let cached: Areas | undefined;

function table(): Areas {
  if (cached) return cached;
  const file = path.join(configsDir(), 'tech', 'precision-scalable-pe.yaml');
  const data = readYamlFile(file).data as ScalableTable;
  const pes = data?.bit_fusion?.pes;
  const valid = Array.isArray(pes) && pes.every((e) => [e.max_bits, e.min_bits, e.area_um2].every((v) => typeof v === 'number' && v > 0));
  if (!valid || !(data.stripes?.area_ratio > 0)) throw new InputError('expected bit_fusion.pes (entries of max_bits, min_bits, area_um2 > 0) and stripes.area_ratio > 0', file);
  const fixed: Record<string, number> = {};
  const composable: Record<string, number> = {};
  for (const e of pes) {
    if (e.max_bits === e.min_bits) fixed[String(e.max_bits)] = e.area_um2;
    else composable[`${e.max_bits}/${e.min_bits}`] = e.area_um2;
  }
  cached = { fixed, composable, stripes: data.stripes };
  return cached;
}

export interface AreaRatio {
  /** Area of the scalable PE over the fixed max-bit PE. */
  readonly ratio: number;
  readonly how: string;
}

/** Area of a composable PE of `maxBits` built from `minBits` bricks, relative to a fixed maxBits PE. */
export function composableAreaRatio(maxBits: number, minBits: number): AreaRatio {
  const t = table();
  const fixed = (b: number): number => {
    const a = t.fixed[String(b)];
    if (a === undefined) throw new InputError(`no synthesized fixed ${b}-bit PE in configs/tech/precision-scalable-pe.yaml (have ${Object.keys(t.fixed).join(', ')} bits)`);
    return a;
  };
  if (maxBits === minBits) return { ratio: 1, how: 'fixed precision' };
  const published = t.composable[`${maxBits}/${minBits}`];
  if (published !== undefined) return { ratio: published / fixed(maxBits), how: `Bit Fusion synthesis ${maxBits}/${minBits}: ${published} / ${fixed(maxBits)} um^2` };
  const bricks = (maxBits / minBits) ** 2;
  const same = Object.entries(t.composable).find(([pair]) => {
    const [hi, lo] = pair.split('/').map(Number);
    return (hi / lo) ** 2 === bricks;
  });
  if (!same) throw new InputError(`no synthesized composable PE with ${bricks} bricks to derive ${maxBits}/${minBits} from (configs/tech/precision-scalable-pe.yaml)`);
  const [hi, lo] = same[0].split('/').map(Number);
  const k = same[1] / (((hi / lo) ** 2) * fixed(lo));
  const area = k * bricks * fixed(minBits);
  return { ratio: area / fixed(maxBits), how: `derived from Bit Fusion synthesis: k(${same[0]}) = ${k.toFixed(4)} x ${bricks} bricks x fixed ${minBits}-bit PE ${fixed(minBits)} um^2 / fixed ${maxBits}-bit PE ${fixed(maxBits)} um^2` };
}

/** Area of a bit-serial (Stripes-style) datapath relative to a bit-parallel one. */
export function bitSerialAreaRatio(): AreaRatio {
  const s = table().stripes;
  return { ratio: s.area_ratio, how: s.source };
}
