/**
 * Component kinds known to rnnsim. A user adds a component by writing a class that extends
 * Component, declaring its ComponentKind, and registering a factory here (or calling
 * registerComponentKind from their own module before loading a config): nothing in the engine
 * changes, and the config schema picks the new kind up from its declaration.
 */
import type { ComponentKind, ParamValues } from '../engine/component.js';
import type { Component } from '../engine/component.js';
import type { ComponentContext } from './context.js';
import { DotProductUnit, dotProductUnitKind } from './dot-product-unit.js';
import { Dram, dramKind } from './dram.js';
import { MultifunctionUnit, multifunctionUnitKind } from './multifunction-unit.js';
import { SparsePe, sparsePeKind } from './sparse-pe.js';
import { SramBuffer, sramBufferKind } from './sram-buffer.js';
import { SystolicArray, systolicArrayKind } from './systolic-array.js';

export interface ComponentFactory {
  readonly kind: ComponentKind;
  create(name: string, params: ParamValues, ctx: ComponentContext): Component;
}

const factories = new Map<string, ComponentFactory>();

export function registerComponentKind(factory: ComponentFactory): void {
  if (factories.has(factory.kind.kind)) throw new Error(`component kind '${factory.kind.kind}' is already registered`);
  factories.set(factory.kind.kind, factory);
}

export function componentFactory(kind: string): ComponentFactory | undefined {
  return factories.get(kind);
}

export function componentKinds(): ComponentKind[] {
  return [...factories.values()].map((f) => f.kind);
}

registerComponentKind({ kind: dotProductUnitKind, create: (n, p, c) => new DotProductUnit(n, p, c) });
registerComponentKind({ kind: multifunctionUnitKind, create: (n, p, c) => new MultifunctionUnit(n, p, c) });
registerComponentKind({ kind: sramBufferKind, create: (n, p, c) => new SramBuffer(n, p, c) });
registerComponentKind({ kind: dramKind, create: (n, p, c) => new Dram(n, p, c) });
registerComponentKind({ kind: systolicArrayKind, create: (n, p, c) => new SystolicArray(n, p, c) });
import { Gpu, gpuKind } from './gpu.js'; registerComponentKind({ kind: gpuKind, create: (n, p, c) => new Gpu(n, p, c) });
registerComponentKind({ kind: sparsePeKind, create: (n, p, c) => new SparsePe(n, p, c) });
import { Mvau, mvauKind } from './mvau.js'; registerComponentKind({ kind: mvauKind, create: (n, p, c) => new Mvau(n, p, c) });
import { PrecisionSelectUnit, precisionSelectUnitKind } from './precision-select-unit.js'; registerComponentKind({ kind: precisionSelectUnitKind, create: (n, p, c) => new PrecisionSelectUnit(n, p, c) });
