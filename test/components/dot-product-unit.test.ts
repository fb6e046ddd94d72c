import { describe, expect, it } from 'vitest';
import { DotProductUnit, dotProductUnitKind } from '../../src/components/dot-product-unit.js';
import { MultifunctionUnit, multifunctionUnitKind } from '../../src/components/multifunction-unit.js';
import { identityOf } from '../../src/components/context.js';
import { testContext } from '../helpers/context.js';

const dpuParams = { multipliers: 16, precision_bits: 16, accumulator_bits: 32, pipeline_latency_cycles: 5 };

describe('DotProductUnit', () => {
  it('a dot product of length 40 on 16 multipliers: 3 issue cycles, 40 multiplies, 37 tree adds, 3 accumulates', () => {
    const dpu = new DotProductUnit(testContext(), identityOf(dotProductUnitKind, 'dpu', dpuParams));
    // ceil(40/16) = 3 chunks: 16 + 16 + 8 products
    expect(dpu.issueCycles(1, 40)).toBe(3);
    dpu.recordDotProducts(1, 40);
    // tree adds per chunk of a products = a - 1: 15 + 15 + 7 = 37 = 40 - 3
    expect(dpu.actionCounts()).toEqual({ multiply: 40, brick_multiply: 0, compose_add: 0, serial_step: 0, tree_add: 37, accumulate: 3, precision_switch: 0, operand_round: 0 });
    expect(dpu.macsPerformed).toBe(40);
  });

  it('counts scale with the number of dot products; exact multiples of the width', () => {
    const dpu = new DotProductUnit(testContext(), identityOf(dotProductUnitKind, 'dpu', dpuParams));
    // 5 dot products of length 40: 5 x 3 = 15 cycles
    expect(dpu.issueCycles(5, 40)).toBe(15);
    // 7 of length 32: 7 x 2 = 14 cycles; of length 1: 1 cycle each
    expect(dpu.issueCycles(7, 32)).toBe(14);
    expect(dpu.issueCycles(4, 1)).toBe(4);
    dpu.recordDotProducts(5, 40); // 200 mul, 185 tree, 15 acc
    dpu.recordDotProducts(7, 32); // 224 mul, 7 x 30 = 210 tree, 14 acc
    dpu.recordDotProducts(4, 1); // 4 mul, 0 tree, 4 acc
    expect(dpu.actionCounts()).toEqual({ multiply: 428, brick_multiply: 0, compose_add: 0, serial_step: 0, tree_add: 395, accumulate: 33, precision_switch: 0, operand_round: 0 });
    expect(dpu.macsPerformed).toBe(428);
  });

  it('busy cycles and issue slots come from the pipeline resource', () => {
    const ctx = testContext();
    const dpu = new DotProductUnit(ctx, identityOf(dotProductUnitKind, 'dpu', dpuParams));
    dpu.unit.acquire(dpu.issueCycles(2, 40)); // 6 cycles
    dpu.unit.acquire(dpu.issueCycles(1, 17)); // 2 cycles, queued behind
    expect(dpu.stats()).toEqual({ busy_cycles: 8, macs: 0, issue_slots: 8 * 16, macs_below_full_precision: 0, precision_bit_macs: 0, precision_switches: 0 });
    expect(dpu.latencyCycles).toBe(5);
  });
});

describe('DotProductUnit precision switches', () => {
  it('counts one mode-register write each time consecutive dot products change precision', () => {
    const dpu = new DotProductUnit(testContext(), identityOf(dotProductUnitKind, 'dpu', { ...dpuParams, multi_precision: 'composable', min_precision_bits: 8 }));
    // 16, 16, 8, 8, 16, 8: switches at the 3rd, 5th and 6th call.
    for (const bits of [16, 16, 8, 8, 16, 8]) dpu.recordDotProducts(1, 16, bits);
    expect(dpu.stats().precision_switches).toBe(3);
    expect(dpu.actionCounts().precision_switch).toBe(3);
  });
});

describe('MultifunctionUnit', () => {
  it('issues ceil(elements / lanes) cycles and counts each listed operation per element', () => {
    const mfu = new MultifunctionUnit(testContext(), identityOf(multifunctionUnitKind, 'mfu', { lanes: 4, precision_bits: 16, lut_entries: 256, latency_cycles: 3 }));
    expect(mfu.issueCycles(10)).toBe(3); // ceil(10/4)
    expect(mfu.issueCycles(16)).toBe(4);
    mfu.recordElements(10, { multiply: 3, add: 5, tanh: 1 });
    mfu.recordElements(6, { sigmoid: 1 });
    expect(mfu.actionCounts()).toEqual({ sigmoid: 6, tanh: 10, multiply: 30, add: 50 });
    expect(mfu.stats().elements).toBe(16);
  });
});
