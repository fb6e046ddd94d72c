/** Dataflow kinds known to rnnsim; a user adds one by registering its declaration. */
import type { DataflowKind } from './dataflow-kind.js';
import type { ParamDecls } from '../engine/component.js';
import { epurDataflowKind } from './epur/kind.js';
import { eseDataflowKind } from './ese/ese-kind.js';
import { systolicDataflowKind } from './systolic/systolic-kind.js';
import { gpuRooflineDataflowKind } from './gpu/gpu-kind.js';
import { finnDataflowKind } from './finn/finn-kind.js';

const kinds = new Map<string, DataflowKind>();

export function registerDataflowKind<P extends ParamDecls>(kind: DataflowKind<P>): void {
  if (kinds.has(kind.kind)) throw new Error(`dataflow kind '${kind.kind}' is already registered`);
  kinds.set(kind.kind, kind as unknown as DataflowKind);
}

export function dataflowKind(kind: string): DataflowKind | undefined {
  return kinds.get(kind);
}

export function dataflowKinds(): DataflowKind[] {
  return [...kinds.values()];
}

registerDataflowKind(epurDataflowKind);
registerDataflowKind(systolicDataflowKind);
registerDataflowKind(eseDataflowKind);
registerDataflowKind(gpuRooflineDataflowKind);
registerDataflowKind(finnDataflowKind);
