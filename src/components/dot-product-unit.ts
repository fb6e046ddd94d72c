/**
 * Dot-product unit (DPU): N multipliers at P bits feeding an adder tree and an accumulator,
 * as in E-PUR's compute units. A dot product of length K takes ceil(K/N) issue cycles at P
 * bits; the result leaves the pipeline `pipeline_latency_cycles` after the last issue.
 *
 * Multi-precision (dynamic precision selection, docs/dps.md). `multi_precision`:
 *  - 'fixed': one P-bit product per multiplier per cycle whatever the operands' precision.
 *  - 'composable' (Bit Fusion-style): each P-bit multiplier is (P/p_min)^2 p_min-bit "bricks"
 *    whose partial products are shifted and added. At precision p the unit uses the smallest
 *    supported width q = p_min * 2^k >= p and packs floor(P/q) products per lane per cycle:
 *    N * P/q products per cycle, linear in 1/q. The bricks could give (P/q)^2 products, but a
 *    lane's operand registers (and the SRAM words feeding them) carry P bits per operand: the
 *    operand bandwidth, not the bricks, sets the rate (assumed design point, docs/dps.md).
 *  - 'bit_serial' (Stripes-style): N*P serial lanes, each a P-bit weight ANDed with one
 *    activation bit per cycle and added into a partial sum; a group of N*P products takes p
 *    cycles, so ceil(K / (N*P)) * p cycles per dot product.
 * Actions: fixed counts `multiply` (P-bit); composable counts `brick_multiply` ((q/p_min)^2 per
 * product) and `compose_add` ((q/p_min)^2 - 1 per product); bit-serial counts `serial_step` (p
 * per product). Adder tree and accumulator as before (priced at the full width: conservative).
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { ComponentContext } from './context.js';
import type { Cycle } from '../engine/simulator.js';
import type { Repeatable, RepeatRequest, StateKey } from '../engine/steady-state.js';

export const dotProductUnitKind = defineComponentKind({
  kind: 'dot_product_unit',
  implements: 'dot_product_unit',
  description: 'N-wide dot-product unit: multipliers, adder tree and accumulator, pipelined; optionally multi-precision (composable or bit-serial)',
  params: {
    multipliers: { type: 'integer', unit: 'count', minimum: 1, maximum: 65536, default: 16, description: 'multipliers working in parallel (N)' },
    precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: 'operand width of weights and activations (P, the highest precision)' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'accumulator width' },
    pipeline_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 1, maximum: 64, default: 4, description: 'cycles from the last issue of a dot product to its result' },
    multi_precision: {
      type: 'string',
      unit: '-',
      enum: ['fixed', 'composable', 'bit_serial'],
      default: 'fixed',
      description: "'fixed' (P-bit multipliers only), 'composable' (Bit Fusion-style bricks: N*P/q products per cycle at q bits) or 'bit_serial' (Stripes-style: p cycles per N*P products)",
    },
    min_precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: "composable: brick width p_min (P/p_min must be a power of two); ignored by 'fixed' and 'bit_serial'" },
    operand_rounding: {
      type: 'string',
      unit: '-',
      enum: ['none', 'increment'],
      default: 'none',
      description: "'increment': operands below precision_bits arrive with one bit more than the step's precision and are rounded half up in the operand path, one incrementer per multiplier lane (the msb_first weight layout of dynamic precision); 'none': operands arrive at the step's precision",
    },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles issuing multiply-accumulates' },
    macs: { unit: 'count', description: 'multiply-accumulates performed (useful products)' },
    issue_slots: { unit: 'count', description: 'multiplier slots issued (busy cycles x multipliers)' },
    macs_below_full_precision: { unit: 'count', description: 'products computed below precision_bits' },
    precision_bit_macs: { unit: 'bit x count', description: 'sum over products of their precision (mean precision = this / macs)' },
    precision_switches: { unit: 'count', description: 'times consecutive dot products changed precision (the mode register was rewritten)' },
  },
  actions: {
    multiply: { description: 'one P-bit x P-bit product (fixed mode)' },
    brick_multiply: { description: 'one p_min-bit x p_min-bit brick product (composable mode)' },
    compose_add: { description: 'one shift-add composing brick products (composable mode, 2P bits)' },
    serial_step: { description: 'one P-bit AND-and-add of one activation bit (bit-serial mode)' },
    tree_add: { description: 'one addition in the adder tree (2P bits)' },
    accumulate: { description: 'one accumulator update (accumulator_bits add and register write)' },
    precision_switch: { description: 'one write of the precision mode register (no cycles: issue of the next tile reads the new mode)' },
    operand_round: { description: 'one operand rounded half up below precision_bits (operand_rounding: increment; two per product: weight and activation)' },
  },
});

export type MultiPrecisionMode = DotProductUnit['params']['multi_precision'];

export class DotProductUnit extends Component<typeof dotProductUnitKind.params> implements Repeatable {
  readonly unit: Resource;
  readonly multipliers: number;
  readonly precisionBits: number;
  readonly latencyCycles: number;
  readonly mode: MultiPrecisionMode;
  /** Brick width of a composable unit; the full precision otherwise. */
  readonly minPrecisionBits: number;
  private macs = 0;
  private macsBelow = 0;
  private bitMacs = 0;
  private switches = 0;
  /** Precision of the last dot products (0 before any). */
  private lastBits = 0;
  /** Indices of the counted actions (Component.actionId). */
  private readonly ids: {
    readonly multiply: number;
    readonly brick: number;
    readonly compose: number;
    readonly serial: number;
    readonly tree: number;
    readonly accumulate: number;
    readonly precisionSwitch: number;
    readonly round: number;
  };
  /** Whether reduced operands are rounded in the operand path (counted per operand). */
  readonly roundsOperands: boolean;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof dotProductUnitKind.params>) {
    super(dotProductUnitKind, identity);
    const p = this.params;
    this.multipliers = p.multipliers;
    this.precisionBits = p.precision_bits;
    this.latencyCycles = p.pipeline_latency_cycles;
    this.mode = p.multi_precision;
    this.minPrecisionBits = this.mode === 'composable' ? p.min_precision_bits : this.precisionBits;
    if (this.mode === 'composable') {
      const ratio = this.precisionBits / this.minPrecisionBits;
      if (!Number.isInteger(ratio) || ratio < 1 || (ratio & (ratio - 1)) !== 0) {
        throw new Error(`${this.name}: composable multipliers need precision_bits / min_precision_bits to be a power of two, found ${this.precisionBits} / ${this.minPrecisionBits}`);
      }
    }
    this.unit = new Resource(`${this.name}.pipeline`, ctx.sim);
    this.ids = {
      multiply: this.actionId('multiply'),
      brick: this.actionId('brick_multiply'),
      compose: this.actionId('compose_add'),
      serial: this.actionId('serial_step'),
      tree: this.actionId('tree_add'),
      accumulate: this.actionId('accumulate'),
      precisionSwitch: this.actionId('precision_switch'),
      round: this.actionId('operand_round'),
    };
    this.roundsOperands = p.operand_rounding === 'increment';
  }

  /** Width the composable unit runs `bits`-bit operands at: p_min * 2^k >= bits, at most P. */
  composedWidth(bits: number): number {
    let q = this.minPrecisionBits;
    while (q < bits && q < this.precisionBits) q *= 2;
    return q;
  }

  /** Brick products per product at `bits` (1 unless composable). */
  bricksPerProduct(bits: number): number {
    return this.mode === 'composable' ? (this.composedWidth(bits) / this.minPrecisionBits) ** 2 : 1;
  }

  private checkBits(bits: number): void {
    if (!Number.isInteger(bits) || bits < 1 || bits > this.precisionBits) {
      throw new Error(`${this.name}: precision ${bits} bits is outside 1..${this.precisionBits} (precision_bits)`);
    }
  }

  /** Products per cycle at `bits` bits (composable / fixed). */
  productsPerCycle(bits: number = this.precisionBits): number {
    if (this.mode === 'composable') return this.multipliers * Math.floor(this.precisionBits / this.composedWidth(bits));
    return this.multipliers;
  }

  /** Peak products per cycle at `bits` bits (the rate PE utilization is measured against). */
  peakProductsPerCycle(bits: number = this.precisionBits): number {
    if (this.mode === 'bit_serial') return (this.multipliers * this.precisionBits) / bits;
    return this.productsPerCycle(bits);
  }

  /** Issue cycles for `count` dot products of length `length` at `bits` bits (default P). */
  issueCycles(count: number, length: number, bits: number = this.precisionBits): number {
    this.checkBits(bits);
    if (this.mode === 'bit_serial') return count * Math.ceil(length / (this.multipliers * this.precisionBits)) * bits;
    return count * Math.ceil(length / this.productsPerCycle(bits));
  }

  /** Count the actions of `count` dot products of length `length` at `bits` bits (default P). */
  recordDotProducts(count: number, length: number, bits: number = this.precisionBits): void {
    this.checkBits(bits);
    const products = count * length;
    // The adder tree reduces each issue group of products to one; groups of g products need g-1 adds.
    const group = this.mode === 'bit_serial' ? this.multipliers * this.precisionBits : this.productsPerCycle(bits);
    const chunks = Math.ceil(length / group);
    if (this.lastBits !== 0 && bits !== this.lastBits) {
      this.switches++;
      this.countAt(this.ids.precisionSwitch, 1);
    }
    this.lastBits = bits;
    this.macs += products;
    this.bitMacs += products * bits;
    if (bits < this.precisionBits) {
      this.macsBelow += products;
      // Each product's weight and activation are rounded from the bit below the step's precision.
      if (this.roundsOperands) this.countAt(this.ids.round, 2 * products);
    }
    const ids = this.ids;
    if (this.mode === 'fixed') this.countAt(ids.multiply, products);
    else if (this.mode === 'composable') {
      const bricks = this.bricksPerProduct(bits);
      this.countAt(ids.brick, products * bricks);
      this.countAt(ids.compose, products * (bricks - 1));
    } else this.countAt(ids.serial, products * bits);
    this.countAt(ids.tree, count * (length - chunks));
    this.countAt(ids.accumulate, count * chunks);
  }

  // Steady-state fast-forward (src/engine/steady-state.ts).
  appendState(now: Cycle, out: StateKey): void {
    // The precision of the last dot products decides whether the next ones switch.
    out.push(this.lastBits);
    this.unit.appendState(now, out);
  }

  appendCounters(out: number[]): void {
    this.appendActionCounts(out);
    out.push(this.macs, this.macsBelow, this.bitMacs, this.switches);
    this.unit.appendCounters(out);
  }

  repeat(r: RepeatRequest, offset: number): number {
    const at = this.repeatActionCounts(r.times, r.delta, offset);
    this.macs += r.times * r.delta[at];
    this.macsBelow += r.times * r.delta[at + 1];
    this.bitMacs += r.times * r.delta[at + 2];
    this.switches += r.times * r.delta[at + 3];
    return this.unit.repeat(r, at + 4);
  }

  get macsPerformed(): number {
    return this.macs;
  }

  stats(): Record<string, number> {
    return {
      busy_cycles: this.unit.busyCycles,
      macs: this.macs,
      issue_slots: this.unit.busyCycles * this.multipliers,
      macs_below_full_precision: this.macsBelow,
      precision_bit_macs: this.bitMacs,
      precision_switches: this.switches,
    };
  }
}
