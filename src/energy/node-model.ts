/**
 * Prices primitives at one technology node. The base node reads its table's points; a
 * derived node asks its parent and scales (or, for CACTI SRAM with direct points at this
 * node, corrects the parent's curve so the direct points come out exactly).
 */
import path from 'node:path';
import { scaled, type Computed, type TableInput } from './computed.js';
import {
  interpolateFactorInLogSize,
  interpolateInBits,
  interpolateInLogSize,
  type SizeExtrapolation,
} from './interpolate.js';
import type {
  ArithmeticPrimitiveName,
  BaseTechTableData,
  CactiCurve,
  DepthExponentRule,
  DerivedTechTableData,
  ScaleFactor,
  Sourced,
  SramModel,
} from './tech-table-file.js';
import { InputError } from '../errors.js';

export type ArithmeticModelName = 'horowitz' | 'aladdin';
export type SramQuantity = 'read_energy_pj' | 'write_energy_pj' | 'leakage_mw' | 'area_mm2' | 'access_ns';

export const SRAM_QUANTITY_UNIT: Readonly<Record<SramQuantity, string>> = {
  read_energy_pj: 'pJ',
  write_energy_pj: 'pJ',
  leakage_mw: 'mW',
  area_mm2: 'mm^2',
  access_ns: 'ns',
};

export interface NodeModel {
  readonly nodeNm: number;
  /** The base table's data: settings, voltage, SRAM port width, multifunction unit. */
  readonly base: BaseTechTableData;
  arithmeticEnergyPj(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed;
  arithmeticAreaUm2(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed;
  registerEnergyPjPerBit(): Computed;
  registerAreaUm2PerBit(): Computed;
  /** At the table's SRAM port width (64 bits); the caller scales to its word width. */
  sramAtPort(quantity: SramQuantity, model: SramModel, sizeBytes: number): Computed;
}

function input(file: string, keyPath: string, value: number, unit: string, entry: Sourced): TableInput {
  return {
    entry: `${path.basename(file)}: ${keyPath}`,
    value,
    unit,
    source: entry.source,
    mark: entry.mark,
    ...(entry.note ? { note: entry.note } : {}),
  };
}

export class BaseNodeModel implements NodeModel {
  readonly nodeNm: number;

  constructor(
    readonly base: BaseTechTableData,
    private readonly file: string,
  ) {
    this.nodeNm = base.node_nm;
  }

  arithmeticEnergyPj(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed {
    const data = this.base.arithmetic[primitive];
    const points = data.models[model].energy;
    const result = interpolateInBits(points.map((p) => ({ bits: p.bits, value: p.energy_pj })), bits, data.bit_scaling);
    return {
      value: result.value,
      inputs: result.usedIndices.map((i) =>
        input(this.file, `arithmetic.${primitive}.models.${model}.energy[${i}].energy_pj`, points[i]!.energy_pj, 'pJ', points[i]!),
      ),
      steps: [result.step],
      extrapolated: result.extrapolated,
    };
  }

  arithmeticAreaUm2(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed {
    const data = this.base.arithmetic[primitive];
    const points = data.models[model].area;
    const result = interpolateInBits(points.map((p) => ({ bits: p.bits, value: p.area_um2 })), bits, data.bit_scaling);
    return {
      value: result.value,
      inputs: result.usedIndices.map((i) =>
        input(this.file, `arithmetic.${primitive}.models.${model}.area[${i}].area_um2`, points[i]!.area_um2, 'um^2', points[i]!),
      ),
      steps: [result.step],
      extrapolated: result.extrapolated,
    };
  }

  registerEnergyPjPerBit(): Computed {
    const entry = this.base.register.energy;
    return {
      value: entry.energy_pj_per_bit,
      inputs: [input(this.file, 'register.energy.energy_pj_per_bit', entry.energy_pj_per_bit, 'pJ/bit', entry)],
      steps: ['table point'],
      extrapolated: false,
    };
  }

  registerAreaUm2PerBit(): Computed {
    const entry = this.base.register.area;
    return {
      value: entry.area_um2_per_bit,
      inputs: [input(this.file, 'register.area.area_um2_per_bit', entry.area_um2_per_bit, 'um^2/bit', entry)],
      steps: ['table point'],
      extrapolated: false,
    };
  }

  sramAtPort(quantity: SramQuantity, model: SramModel, sizeBytes: number): Computed {
    const sram = this.base.sram;
    if (model === 'horowitz' && (quantity === 'read_energy_pj' || quantity === 'write_energy_pj')) {
      const points = sram.horowitz.points;
      const rule = sram.extrapolation.energy;
      const result = interpolateInLogSize(
        points.map((p) => ({ sizeBytes: p.size_bytes, value: p.read_energy_pj })),
        sizeBytes,
        { kind: 'depth_exponent', exponent: rule.depth_exponent },
      );
      const inputs = result.usedIndices.map((i) =>
        input(this.file, `sram.horowitz.points[${i}].read_energy_pj`, points[i]!.read_energy_pj, 'pJ', points[i]!),
      );
      if (result.extrapolated) inputs.push(input(this.file, 'sram.extrapolation.energy.depth_exponent', rule.depth_exponent, 'exponent', rule));
      const steps = [result.step];
      if (quantity === 'write_energy_pj') {
        inputs.push({
          entry: `${path.basename(this.file)}: sram.horowitz`,
          value: 1,
          unit: 'write/read ratio',
          source: 'assumed: Horowitz gives read energy only; a write is priced as a read',
          mark: 'A',
        });
        steps.push('write priced as a read (assumed)');
      }
      return { value: result.value, inputs, steps, extrapolated: result.extrapolated };
    }
    // CACTI, and Horowitz's missing quantities (leakage, area, access time), come from CACTI.
    const computed = this.cactiCurveValue(quantity, sizeBytes);
    return model === 'horowitz' ? { ...computed, steps: [...computed.steps, `Horowitz gives no ${quantity}; CACTI value used`] } : computed;
  }

  private cactiCurveValue(quantity: SramQuantity, sizeBytes: number): Computed {
    const sram = this.base.sram;
    const points = sram.cacti.points;
    const { outside, rule, rulePath } = this.extrapolationFor(quantity);
    const result = interpolateInLogSize(
      points.map((p) => ({ sizeBytes: p.size_bytes, value: p[quantity] })),
      sizeBytes,
      outside,
    );
    const inputs = result.usedIndices.map((i) =>
      input(this.file, `sram.cacti.points[${i}].${quantity}`, points[i]![quantity], SRAM_QUANTITY_UNIT[quantity], points[i]!),
    );
    if (result.extrapolated) {
      const ruleValue = 'depth_exponent' in rule ? rule.depth_exponent : Number.NaN;
      inputs.push(input(this.file, rulePath, ruleValue, 'exponent', rule));
    }
    return { value: result.value, inputs, steps: [result.step], extrapolated: result.extrapolated };
  }

  private extrapolationFor(quantity: SramQuantity): { outside: SizeExtrapolation; rule: Sourced | DepthExponentRule; rulePath: string } {
    const rules = this.base.sram.extrapolation;
    const byExponent = (rule: DepthExponentRule, name: string) => ({
      outside: { kind: 'depth_exponent', exponent: rule.depth_exponent } as const,
      rule,
      rulePath: `sram.extrapolation.${name}.depth_exponent`,
    });
    switch (quantity) {
      case 'read_energy_pj':
      case 'write_energy_pj':
        return byExponent(rules.energy, 'energy');
      case 'area_mm2':
        return byExponent(rules.area, 'area');
      case 'leakage_mw':
        return byExponent(rules.leakage, 'leakage');
      case 'access_ns':
        return { outside: { kind: 'last_segment_power_law' }, rule: rules.access_time, rulePath: 'sram.extrapolation.access_time.rule' };
    }
  }
}

export class DerivedNodeModel implements NodeModel {
  readonly nodeNm: number;
  readonly base: BaseTechTableData;

  constructor(
    private readonly parent: NodeModel,
    private readonly data: DerivedTechTableData,
    private readonly file: string,
  ) {
    this.nodeNm = data.node_nm;
    this.base = parent.base;
    const direct = data.sram_direct;
    if (direct && direct.port_bits !== this.base.sram.cacti.port_bits) {
      throw new InputError(
        `sram_direct.port_bits is ${direct.port_bits}, expected ${this.base.sram.cacti.port_bits} like the base table's CACTI points`,
        file,
      );
    }
  }

  private factorInput(name: keyof DerivedTechTableData['derives_from']['scale'], factor: ScaleFactor): TableInput {
    return input(this.file, `derives_from.scale.${name}.factor`, factor.factor, 'ratio', factor);
  }

  private scaleBy(computed: Computed, name: 'energy' | 'area' | 'leakage' | 'access_time'): Computed {
    const factor = this.data.derives_from.scale[name];
    if (!factor) {
      // readTechTableFile guarantees leakage and access_time when there is no sram_direct.
      throw new InputError(`derives_from.scale.${name} is required to price this quantity`, this.file);
    }
    return scaled(
      computed,
      factor.factor,
      `x ${factor.factor} (${name}, ${this.parent.nodeNm} nm to ${this.nodeNm} nm)`,
      this.factorInput(name, factor),
    );
  }

  arithmeticEnergyPj(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed {
    return this.scaleBy(this.parent.arithmeticEnergyPj(primitive, model, bits), 'energy');
  }

  arithmeticAreaUm2(primitive: ArithmeticPrimitiveName, model: ArithmeticModelName, bits: number): Computed {
    return this.scaleBy(this.parent.arithmeticAreaUm2(primitive, model, bits), 'area');
  }

  registerEnergyPjPerBit(): Computed {
    return this.scaleBy(this.parent.registerEnergyPjPerBit(), 'energy');
  }

  registerAreaUm2PerBit(): Computed {
    return this.scaleBy(this.parent.registerAreaUm2PerBit(), 'area');
  }

  sramAtPort(quantity: SramQuantity, model: SramModel, sizeBytes: number): Computed {
    const isEnergy = quantity === 'read_energy_pj' || quantity === 'write_energy_pj';
    if (model === 'horowitz') {
      if (isEnergy) return this.scaleBy(this.parent.sramAtPort(quantity, 'horowitz', sizeBytes), 'energy');
      const computed = this.sramAtPort(quantity, 'cacti', sizeBytes);
      return { ...computed, steps: [...computed.steps, `Horowitz gives no ${quantity}; CACTI value used`] };
    }
    if (this.data.sram_direct) return this.correctedByDirectPoints(this.data.sram_direct, quantity, sizeBytes);
    const factorName = isEnergy ? 'energy' : quantity === 'area_mm2' ? 'area' : quantity === 'leakage_mw' ? 'leakage' : 'access_time';
    return this.scaleBy(this.parent.sramAtPort(quantity, 'cacti', sizeBytes), factorName);
  }

  /**
   * Direct CACTI points at this node win: value = parent curve x (direct / parent) where the
   * ratio is interpolated in log2(size) between the direct points and held outside them.
   */
  private correctedByDirectPoints(direct: CactiCurve, quantity: SramQuantity, sizeBytes: number): Computed {
    const parentAtDirect = direct.points.map((point) => this.parent.sramAtPort(quantity, 'cacti', point.size_bytes));
    const ratios = direct.points.map((point, i) => ({ sizeBytes: point.size_bytes, value: point[quantity] / parentAtDirect[i]!.value }));
    const factor = interpolateFactorInLogSize(ratios, sizeBytes);
    const parentValue = this.parent.sramAtPort(quantity, 'cacti', sizeBytes);
    const unit = SRAM_QUANTITY_UNIT[quantity];
    const inputs: TableInput[] = [...parentValue.inputs];
    for (const i of factor.usedIndices) {
      const point = direct.points[i]!;
      inputs.push(input(this.file, `sram_direct.points[${i}].${quantity}`, point[quantity], unit, point));
      for (const parentInput of parentAtDirect[i]!.inputs) {
        if (!inputs.some((existing) => existing.entry === parentInput.entry)) inputs.push(parentInput);
      }
    }
    const ratioText = factor.usedIndices
      .map((i) => `${direct.points[i]![quantity]} / ${parentAtDirect[i]!.value.toPrecision(4)} = ${ratios[i]!.value.toFixed(4)} at ${direct.points[i]!.size_bytes} B`)
      .join('; ');
    return {
      value: parentValue.value * factor.value,
      inputs,
      steps: [
        ...parentValue.steps,
        `x ${factor.value.toFixed(4)}: ${this.nodeNm} nm direct CACTI point / ${this.parent.nodeNm} nm curve (${ratioText}); ${factor.step}`,
      ],
      extrapolated: parentValue.extrapolated,
    };
  }
}
