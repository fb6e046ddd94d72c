/** Registration lines of the delta unit: its component kind and E-PUR with it (dataflow kind 'epur_delta'). */
import { registerComponentKind } from '../../components/registry.js';
import { registerDataflowKind } from '../../dataflows/registry.js';
import { withTechnique } from '../../dataflows/epur/kind.js';
import { DeltaUnit, deltaUnitKind } from './delta-unit.js';
import { priceDeltaUnit } from './price.js';
import { deltaTechnique } from './technique.js';

declare module '../../components/interfaces.js' {
  interface RoleInterfaces {
    delta_unit: DeltaUnit;
  }
}

registerComponentKind({ kind: deltaUnitKind, create: (ctx, id) => new DeltaUnit(ctx, id), price: priceDeltaUnit });
registerDataflowKind(withTechnique(deltaTechnique));
