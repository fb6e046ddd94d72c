/**
 * What every dataflow's run stands on, written once: the simulator, the components of each role
 * created through the registry by the kind the config names (so a config can swap the
 * implementation behind a role), the accounts of the compute units (busy cycles and stalls by
 * cause), the element-wise operations of dataflows with no element-wise component, and the
 * phase log (which layer, direction and phase ran when). src/simulate.ts turns it, with the
 * dataflow's outcome, into the checked result.
 */
import { Simulator } from '../engine/simulator.js';
import type { Component } from '../engine/component.js';
import type { ComponentContext } from '../components/context.js';
import { registeredKind } from '../components/registry.js';
import type { InterfaceName, RoleInterfaces } from '../components/interfaces.js';
import type { RoleConfig, RoleDecl, StepRecord } from './dataflow-kind.js';
import { StallAccount } from './stall-accounting.js';
import { PhaseLog } from './phase-log.js';

/** A compute unit as the run accounts for it: busy cycles and stalls by cause. */
export class ComputeUnitAccount {
  readonly stalls = new StallAccount();
  private busyCycles = 0;

  constructor(
    readonly name: string,
    /** Where busy cycles come from when a component counts them (a DPU's pipeline resource). */
    private readonly busySource?: () => number,
  ) {}

  addBusy(cycles: number): void {
    if (this.busySource) throw new Error(`internal: ${this.name} takes its busy cycles from its component`);
    this.busyCycles += cycles;
  }

  get busy(): number {
    return this.busySource ? this.busySource() : this.busyCycles;
  }
}

export type ElementOps = Record<'sigmoid' | 'tanh' | 'multiply' | 'add', number>;

export class RunContext {
  readonly sim = new Simulator();
  readonly components: Component[] = [];
  readonly computeUnits: ComputeUnitAccount[] = [];
  readonly phases: PhaseLog;
  /** Element-wise work done without an element-wise component (a GPU kernel, say). */
  readonly elementOpsWithoutComponent: ElementOps = { sigmoid: 0, tanh: 0, multiply: 0, add: 0 };
  readonly componentContext: ComponentContext;
  /** One record per recurrent step, in the order the dataflow finishes them (timesteps.csv). */
  readonly steps: StepRecord[] = [];

  constructor(
    private readonly roleDecls: Readonly<Record<string, RoleDecl>>,
    private readonly roles: Readonly<Record<string, RoleConfig>>,
    readonly clockMhz: number,
  ) {
    this.componentContext = { sim: this.sim, clockMhz };
    this.phases = new PhaseLog(this.sim, this.components, this.computeUnits);
  }

  /**
   * Build the component of `role` (of the kind the config puts there), named `name` (default:
   * the role), checked to implement `iface`.
   */
  create<I extends InterfaceName>(role: string, iface: I, options: { readonly name?: string } = {}): RoleInterfaces[I] {
    const decl = this.roleDecls[role];
    if (!decl) throw new Error(`internal: the dataflow declares no role '${role}'`);
    if (decl.interface !== iface) throw new Error(`internal: role '${role}' is declared as ${decl.interface}, asked for as ${iface}`);
    const config = this.roles[role];
    if (!config) throw new Error(`internal: the config fills no role '${role}'`);
    const registration = registeredKind(config.kind);
    if (!registration) throw new Error(`internal: component kind '${config.kind}' is not registered`);
    const component = registration.create(this.componentContext, { name: options.name ?? role, role, params: config.params });
    this.components.push(component);
    return component as unknown as RoleInterfaces[I];
  }

  /** Open the account of a compute unit; busy cycles are added by the dataflow or read from `busy`. */
  computeUnit(name: string, busy?: () => number): ComputeUnitAccount {
    const account = new ComputeUnitAccount(name, busy);
    this.computeUnits.push(account);
    return account;
  }

  /** Element-wise operations performed without an element-wise component, `elements` times each. */
  recordElementOps(elements: number, perElement: Readonly<ElementOps>): void {
    for (const k of Object.keys(perElement) as Array<keyof ElementOps>) this.elementOpsWithoutComponent[k] += elements * perElement[k];
  }
}
