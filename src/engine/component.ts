/**
 * Components describe themselves, SST-style: every kind declares its parameters (type, unit,
 * default, allowed range, where the default comes from), its statistics and the actions it
 * counts. The config schema and the reference docs are generated from these declarations, and
 * energy comes from multiplying action counts by a separate technology table (Accelergy-style).
 */

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

export interface StatDecl {
  readonly unit: string;
  readonly description: string;
}

export interface ActionDecl {
  readonly description: string;
}

export type ParamValue = number | boolean | string;
export type ParamValues = Record<string, ParamValue>;

/** What a component kind declares about itself. */
export interface ComponentKind {
  /** Name used as `kind:` in configs, e.g. "dot_product_unit". */
  readonly kind: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamDecl>>;
  readonly stats: Readonly<Record<string, StatDecl>>;
  readonly actions: Readonly<Record<string, ActionDecl>>;
}

/** Energy and area of one component instance, resolved against a technology table. */
export interface CostModel {
  /** Dynamic energy of one occurrence of each declared action. */
  readonly energyPerActionPj: Readonly<Record<string, number>>;
  readonly leakageMw: number;
  readonly areaMm2: number;
}

/**
 * Base of every simulated component: a name, its resolved parameters, and action counters.
 * Subclasses add the operations a dataflow calls and report statistics.
 */
export abstract class Component {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly kind: ComponentKind,
  ) {
    for (const action of Object.keys(kind.actions)) this.counts.set(action, 0);
  }

  /** Count `n` occurrences of a declared action. */
  protected count(action: string, n: number): void {
    const current = this.counts.get(action);
    if (current === undefined) throw new Error(`${this.name}: action '${action}' is not declared by ${this.kind.kind}`);
    if (!(n >= 0)) throw new Error(`${this.name}: negative or NaN count ${n} for action '${action}'`);
    this.counts.set(action, current + n);
  }

  actionCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Declared statistics, by name, in their declared units. */
  abstract stats(): Record<string, number>;

  /** Energy per action, leakage and area from the technology table. */
  abstract cost(): CostModel;
}

/** Fill defaults and check ranges; the config schema has already checked types and unknown keys. */
export function resolveParams(kind: ComponentKind, given: Readonly<Record<string, unknown>>, where: string): ParamValues {
  const out: ParamValues = {};
  for (const [key, decl] of Object.entries(kind.params)) {
    const value = given[key] ?? decl.default;
    if (value === undefined) throw new Error(`${where}: missing required parameter '${key}' (${decl.description}, ${decl.unit})`);
    out[key] = value as ParamValue;
  }
  return out;
}

/** JSON Schema for one component kind's parameter block, generated from its declarations. */
export function paramsSchema(kind: ComponentKind): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    kind: { const: kind.kind, description: kind.description },
  };
  const required = ['kind'];
  for (const [key, d] of Object.entries(kind.params)) {
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
  return { type: 'object', description: kind.description, properties, required, additionalProperties: false };
}
