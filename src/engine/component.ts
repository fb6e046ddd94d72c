/**
 * Components describe themselves, SST-style: every kind declares its parameters (type, unit,
 * default, allowed range), its statistics and the actions it counts, and the interface it
 * implements (the role a dataflow can give it). The config schema and the reference docs are
 * generated from these declarations; parameter values are typed from them once, when a
 * component is built (ParamsOf), so no code casts them back. Energy is not here: components
 * count actions, and src/energy/ prices them from the technology tables (Accelergy-style).
 */

import { addRepeated } from './steady-state.js';

export type ParamType = 'integer' | 'number' | 'boolean' | 'string';

export interface ParamDecl {
  readonly type: ParamType;
  /** Unit of the value ("cycles", "bits", "KiB", "GB/s", "count", "-" for words). */
  readonly unit: string;
  readonly description: string;
  readonly default?: number | boolean | string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly enum?: readonly string[];
}

export type ParamDecls = Readonly<Record<string, ParamDecl>>;

/** The TypeScript type of one declared parameter's value (any value for an undeclared, erased kind). */
export type ParamValueOf<D extends ParamDecl> = ParamType extends D['type']
  ? ParamValue
  : D extends { readonly enum: readonly (infer E)[] }
  ? E
  : D extends { readonly type: 'boolean' }
    ? boolean
    : D extends { readonly type: 'string' }
      ? string
      : number;

/** Resolved parameter values of a declaration, typed. */
export type ParamsOf<P extends ParamDecls> = { readonly [K in keyof P]: ParamValueOf<P[K]> };

export type ParamValue = number | boolean | string;
export type ParamValues = Readonly<Record<string, ParamValue>>;

export interface StatDecl {
  readonly unit: string;
  readonly description: string;
}

export interface ActionDecl {
  readonly description: string;
}

/** What a component kind declares about itself. */
export interface ComponentKind<P extends ParamDecls = ParamDecls> {
  /** Name used as `kind:` in configs, e.g. "dot_product_unit". */
  readonly kind: string;
  readonly description: string;
  /**
   * The interface the kind implements (src/components/interfaces.ts), which is what a dataflow's
   * role asks for: any registered kind implementing it can fill the role.
   */
  readonly implements: string;
  readonly params: P;
  readonly stats: Readonly<Record<string, StatDecl>>;
  readonly actions: Readonly<Record<string, ActionDecl>>;
}

/** Declare a component kind; `const` keeps the literal parameter types for ParamsOf. */
export function defineComponentKind<const P extends ParamDecls>(kind: ComponentKind<P>): ComponentKind<P> {
  return kind;
}

/** Who a component is: its instance name, the role it fills and its resolved parameters. */
export interface ComponentIdentity<P extends ParamDecls> {
  /** Instance name in results, e.g. "cu3.weight_buffer". */
  readonly name: string;
  /** The dataflow role it fills, e.g. "weight_buffer" (replicated instances share it). */
  readonly role: string;
  readonly params: ParamsOf<P>;
}

/**
 * Base of every simulated component: a name, a role, typed parameters and action counters.
 * Subclasses add the operations a dataflow calls and report their declared statistics.
 *
 * Action counts live in a typed array indexed in declaration order: hot paths resolve an
 * action's index once (actionId) and count with countAt; count(name) is the same by name.
 */
export abstract class Component<P extends ParamDecls = ParamDecls> {
  readonly name: string;
  readonly role: string;
  readonly params: ParamsOf<P>;
  private readonly actionNames: readonly string[];
  private readonly actionIndex: Readonly<Record<string, number>>;
  private readonly counts: Float64Array;

  constructor(
    readonly kind: ComponentKind<P>,
    identity: ComponentIdentity<P>,
  ) {
    this.name = identity.name;
    this.role = identity.role;
    this.params = identity.params;
    this.actionNames = Object.keys(kind.actions);
    this.actionIndex = Object.fromEntries(this.actionNames.map((a, i) => [a, i]));
    this.counts = new Float64Array(this.actionNames.length);
  }

  /** The index of a declared action, for countAt. */
  protected actionId(action: string): number {
    const i = this.actionIndex[action];
    if (i === undefined) throw new Error(`${this.name}: action '${action}' is not declared by ${this.kind.kind}`);
    return i;
  }

  /** Count `n` occurrences of a declared action. */
  protected count(action: string, n: number): void {
    this.countAt(this.actionId(action), n);
  }

  /** Count `n` occurrences of the action with index `id` (from actionId). */
  protected countAt(id: number, n: number): void {
    if (!(n >= 0)) throw new Error(`${this.name}: negative or NaN count ${n} for action '${this.actionNames[id]}'`);
    this.counts[id] += n;
  }

  /** The count of one action so far. */
  protected countOf(id: number): number {
    return this.counts[id];
  }

  /** For steady-state fast-forward (src/engine/steady-state.ts): the action counts as counters. */
  protected appendActionCounts(out: number[]): void {
    for (let i = 0; i < this.counts.length; i++) out.push(this.counts[i]);
  }

  /** Add `times` x the counts' deltas (laid out as appendActionCounts); returns the offset past them. */
  protected repeatActionCounts(times: number, delta: ArrayLike<number>, offset: number): number {
    return addRepeated(this.counts, times, delta, offset);
  }

  actionCounts(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.actionNames.length; i++) out[this.actionNames[i]] = this.counts[i];
    return out;
  }

  /** Declared statistics, by name, in their declared units. */
  abstract stats(): Record<string, number>;
}

/** Fill defaults; the config schema has already checked types, ranges and unknown keys. */
export function resolveParams<P extends ParamDecls>(params: P, given: Readonly<Record<string, unknown>>, where: string): ParamsOf<P> {
  const out: Record<string, ParamValue> = {};
  for (const [key, decl] of Object.entries(params)) {
    const value = given[key] ?? decl.default;
    if (value === undefined) throw new Error(`${where}: missing required parameter '${key}' (${decl.description}, ${decl.unit})`);
    out[key] = value as ParamValue;
  }
  return out as ParamsOf<P>;
}

/** JSON Schema of one parameter block (a component's or a dataflow's), generated from its declarations. */
export function paramsSchema(kind: string, description: string, params: ParamDecls): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    kind: { const: kind, description },
  };
  const required = ['kind'];
  for (const [key, d] of Object.entries(params)) {
    const p: Record<string, unknown> = {
      type: d.type,
      description: `${d.description} [${d.unit}]`,
    };
    if (d.default !== undefined) p.default = d.default;
    else required.push(key);
    if (d.minimum !== undefined) p.minimum = d.minimum;
    if (d.maximum !== undefined) p.maximum = d.maximum;
    if (d.exclusiveMinimum !== undefined) p.exclusiveMinimum = d.exclusiveMinimum;
    if (d.enum !== undefined) p.enum = [...d.enum];
    properties[key] = p;
  }
  return { type: 'object', description, properties, required, additionalProperties: false };
}
