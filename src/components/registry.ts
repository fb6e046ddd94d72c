/**
 * Component kinds known to rnnsim, SST/Ramulator-style: each kind registers itself with its
 * declaration, a factory and its pricing, and a dataflow creates the component of each role by
 * the kind the config names there (src/dataflows/run-context.ts). A user adds a component by
 * writing its class and its price function and registering them (here, or from their own
 * folder before loading a config); the config schema picks the new kind up from its declaration.
 */
import type { Component, ComponentIdentity, ComponentKind, ParamDecls } from '../engine/component.js';
import type { ComponentContext } from './context.js';
import type { Primitives } from '../energy/price.js';
import type { ComponentPrice } from '../energy/prices/component-price.js';
import { DotProductUnit, dotProductUnitKind } from './dot-product-unit.js';
import { Dram, dramKind } from './dram.js';
import { MultifunctionUnit, multifunctionUnitKind } from './multifunction-unit.js';
import { SparsePe, sparsePeKind } from './sparse-pe.js';
import { SramBuffer, sramBufferKind } from './sram-buffer.js';
import { SystolicArray, systolicArrayKind } from './systolic-array.js';
import { Gpu, gpuKind } from './gpu.js';
import { Mvau, mvauKind } from './mvau.js';
import { priceDotProductUnit } from '../energy/prices/dot-product-unit.js';
import { priceDram } from '../energy/prices/dram.js';
import { priceMultifunctionUnit } from '../energy/prices/multifunction-unit.js';
import { priceSparsePe } from '../energy/prices/sparse-pe.js';
import { priceSramBuffer } from '../energy/prices/sram-buffer.js';
import { priceSystolicArray } from '../energy/prices/systolic-array.js';
import { priceGpu } from '../energy/prices/gpu.js';
import { priceMvau } from '../energy/prices/mvau.js';

export interface ComponentRegistration<P extends ParamDecls, C extends Component<P>> {
  readonly kind: ComponentKind<P>;
  create(ctx: ComponentContext, identity: ComponentIdentity<P>): C;
  price(component: C, primitives: Primitives): ComponentPrice;
}

/** A registration with its types erased, as the registry stores it. */
export interface RegisteredKind {
  readonly kind: ComponentKind;
  create(ctx: ComponentContext, identity: ComponentIdentity<ParamDecls>): Component;
  price(component: Component, primitives: Primitives): ComponentPrice;
}

const kinds = new Map<string, RegisteredKind>();

export function registerComponentKind<P extends ParamDecls, C extends Component<P>>(registration: ComponentRegistration<P, C>): void {
  const name = registration.kind.kind;
  if (kinds.has(name)) throw new Error(`component kind '${name}' is already registered`);
  kinds.set(name, registration as unknown as RegisteredKind);
}

export function registeredKind(kind: string): RegisteredKind | undefined {
  return kinds.get(kind);
}

export function componentKinds(): ComponentKind[] {
  return [...kinds.values()].map((f) => f.kind);
}

/** The pricing of a component, by its kind's registration. */
export function priceComponent(component: Component, primitives: Primitives): ComponentPrice {
  const r = kinds.get(component.kind.kind);
  if (!r) throw new Error(`internal: component kind '${component.kind.kind}' is not registered`);
  return r.price(component, primitives);
}

registerComponentKind({ kind: dotProductUnitKind, create: (ctx, id) => new DotProductUnit(ctx, id), price: priceDotProductUnit });
registerComponentKind({ kind: multifunctionUnitKind, create: (ctx, id) => new MultifunctionUnit(ctx, id), price: priceMultifunctionUnit });
registerComponentKind({ kind: sramBufferKind, create: (ctx, id) => new SramBuffer(ctx, id), price: priceSramBuffer });
registerComponentKind({ kind: dramKind, create: (ctx, id) => new Dram(ctx, id), price: priceDram });
registerComponentKind({ kind: systolicArrayKind, create: (ctx, id) => new SystolicArray(ctx, id), price: priceSystolicArray });
registerComponentKind({ kind: gpuKind, create: (ctx, id) => new Gpu(ctx, id), price: priceGpu });
registerComponentKind({ kind: sparsePeKind, create: (_ctx, id) => new SparsePe(id), price: priceSparsePe });
registerComponentKind({ kind: mvauKind, create: (ctx, id) => new Mvau(ctx, id), price: priceMvau });
