/** Registration lines of dynamic precision selection: its unit (component kind) and E-PUR with it (dataflow kind 'epur_dps'). */
import { registerComponentKind } from '../../components/registry.js';
import { registerDataflowKind } from '../../dataflows/registry.js';
import { withTechnique } from '../../dataflows/epur/kind.js';
import { PrecisionSelectUnit, precisionSelectUnitKind } from './precision-select-unit.js';
import { pricePrecisionSelectUnit } from './price.js';
import { dpsTechnique } from './technique.js';

declare module '../../components/interfaces.js' {
  interface RoleInterfaces {
    precision_select_unit: PrecisionSelectUnit;
  }
}

registerComponentKind({ kind: precisionSelectUnitKind, create: (ctx, id) => new PrecisionSelectUnit(ctx, id), price: pricePrecisionSelectUnit });
registerDataflowKind(withTechnique(dpsTechnique));
