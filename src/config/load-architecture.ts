/**
 * Loading an architecture config: YAML (errors with line and column), DRAM presets merged in,
 * the generated JSON Schema (errors with the key path, what was expected with its unit, and
 * the value found), then the checks a schema cannot express (each role filled by a component
 * of the right kind). What comes out is fully resolved: every parameter has a value.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolveParams, type ParamValues } from '../engine/component.js';
import { componentKinds, dataflowKind, dataflowKinds, registeredKind } from '../kinds.js';
import type { DataflowKind, RoleConfig } from '../dataflows/dataflow-kind.js';
import { loadDramPreset, type DramPreset } from '../energy/dram-presets.js';
import { readYamlFile, validateAgainstSchemaObject, type LoadedYaml } from '../energy/yaml-loader.js';
import { InputError } from '../errors.js';
import type { NarrowDatapath } from '../dataflows/datapath-width.js';
import { architectureSchema } from './architecture-schema.js';
import { applyOverrides, overridesText, type Override } from './overrides.js';

export interface TechnologySettings {
  readonly node_nm: number;
  readonly voltage_v?: number;
  readonly sram_model?: 'cacti' | 'horowitz';
  readonly sram_cells?: 'itrs-hp' | 'itrs-lstp' | 'itrs-lop';
  readonly sram_pricing?: 'cacti_geometry' | 'port_curve';
  readonly sram_banking?: 'macro' | 'per_bank';
  readonly logic_leakage?: 'aladdin' | 'none';
  readonly sram_outside_grid?: 'port_curve' | 'error';
  readonly multiplier_model?: 'horowitz' | 'aladdin';
  readonly adder_model?: 'horowitz' | 'aladdin';
}

interface RawConfig {
  name: string;
  description?: string;
  clock_mhz: number;
  narrow_datapath?: NarrowDatapath;
  technology: TechnologySettings;
  dataflow: { kind: string } & Record<string, unknown>;
  components: Record<string, { kind: string } & Record<string, unknown>>;
}

export interface ArchitectureConfig {
  readonly file: string;
  readonly sha256: string;
  readonly name: string;
  readonly description: string;
  readonly clockMhz: number;
  /** What a trace wider than the datapath gets: refused, or requantized to it (src/dataflows/datapath-width.ts). */
  readonly narrowDatapath: NarrowDatapath;
  readonly technology: TechnologySettings;
  readonly dataflow: DataflowKind;
  readonly dataflowParams: ParamValues;
  /** Each role's component: its kind and resolved parameters. */
  readonly roles: Readonly<Record<string, RoleConfig>>;
  /** The DRAM preset the config named, if any (for the sources in the report). */
  readonly dramPreset?: DramPreset;
  /** "line L, column C (at a.b.c)" for a key path of the config file (or the --set that set it). */
  where(keyPath: readonly (string | number)[]): string;
  /** The overrides applied to the file, as "key=value" lines (empty without any). */
  readonly overrides: readonly string[];
}

export interface LoadArchitectureOptions {
  /** Values set on top of the file (--set, sweep points), validated as if they were in it. */
  readonly overrides?: readonly Override[];
}

/** Fill a dram block's missing fields from its preset before validation, so the schema sees them all. */
function mergeDramPresets(raw: unknown, loaded: LoadedYaml): DramPreset | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const components = (raw as Record<string, unknown>).components;
  if (components === null || typeof components !== 'object') return undefined;
  let used: DramPreset | undefined;
  for (const [role, block] of Object.entries(components as Record<string, unknown>)) {
    if (block === null || typeof block !== 'object') continue;
    const b = block as Record<string, unknown>;
    if (b.kind !== 'dram' || b.preset === undefined || b.preset === 'none') continue;
    if (typeof b.preset !== 'string') continue; // the schema reports the type
    let preset: DramPreset;
    try {
      preset = loadDramPreset(b.preset);
    } catch (err) {
      throw new InputError(`${loaded.where(['components', role, 'preset'])}: ${(err as Error).message}`, loaded.file);
    }
    const fromPreset: Record<string, number> = {
      channels: preset.channels,
      bandwidth_gb_per_s: preset.bandwidth_gb_per_s,
      // Weight streams sweep large matrices once: most accesses open a new row.
      access_latency_ns: preset.row_miss_latency_ns,
      burst_bytes: preset.burst_bytes,
      energy_pj_per_bit: preset.energy_pj_per_bit,
    };
    // Background power from the preset's IDD currents (DRAMsim3's state powers plus refresh),
    // else the file's single legacy figure.
    if (preset.background !== null) fromPreset.background_power_mw = preset.background.total_mw;
    else if (preset.background_power_mw !== null) fromPreset.background_power_mw = preset.background_power_mw;
    for (const [k, v] of Object.entries(fromPreset)) if (b[k] === undefined) b[k] = v;
    used = preset;
  }
  return used;
}

let cachedSchema: { readonly signature: string; readonly schema: object } | undefined;

/** The generated schema, made again only when the registered kinds change (its validator is compiled once per schema object). */
function currentSchema(): object {
  const signature = `${componentKinds().map((k) => k.kind).join(',')}|${dataflowKinds().map((d) => d.kind).join(',')}`;
  if (cachedSchema?.signature !== signature) cachedSchema = { signature, schema: architectureSchema() };
  return cachedSchema.schema;
}

export function loadArchitecture(file: string, options: LoadArchitectureOptions = {}): ArchitectureConfig {
  const overrides = options.overrides ?? [];
  const loaded = applyOverrides(readYamlFile(file), overrides);
  const dramPreset = mergeDramPresets(loaded.data, loaded);
  const raw = validateAgainstSchemaObject<RawConfig>(loaded, currentSchema(), 'the architecture schema (schemas/architecture.schema.json)');

  const dataflow = dataflowKind(raw.dataflow.kind);
  if (!dataflow) throw new InputError(`${loaded.where(['dataflow', 'kind'])}: unknown dataflow '${raw.dataflow.kind}'`, file);
  const dataflowParams = resolveParams(dataflow.params, raw.dataflow, 'dataflow');

  const roles: Record<string, RoleConfig> = {};
  for (const [role, decl] of Object.entries(dataflow.roles)) {
    const block = raw.components[role];
    const implementers = componentKinds().filter((k) => k.implements === decl.interface).map((k) => k.kind);
    if (!block) {
      throw new InputError(`${loaded.where(['components'])}: the ${dataflow.kind} dataflow needs a component '${role}' implementing ${decl.interface} (${decl.description}; kinds: ${implementers.join(', ')})`, file);
    }
    const registration = registeredKind(block.kind);
    if (!registration) throw new InputError(`${loaded.where(['components', role, 'kind'])}: unknown component kind '${block.kind}'`, file);
    if (registration.kind.implements !== decl.interface) {
      throw new InputError(`${loaded.where(['components', role, 'kind'])}: role '${role}' needs a component implementing ${decl.interface} (${implementers.join(', ')}), found ${block.kind}, which implements ${registration.kind.implements}`, file);
    }
    roles[role] = { kind: block.kind, params: resolveParams(registration.kind.params, block, `components.${role}`) };
  }
  for (const role of Object.keys(raw.components)) {
    // Own keys only: a role named toString or constructor is not a role of every dataflow.
    if (!Object.hasOwn(dataflow.roles, role)) {
      throw new InputError(`${loaded.where(['components', role])}: the ${dataflow.kind} dataflow has no role '${role}'; its roles are ${Object.keys(dataflow.roles).join(', ')}`, file);
    }
  }
  return {
    file,
    // With overrides, the hash covers them too: the same file with other values is another config.
    sha256: overrides.length === 0 ? createHash('sha256').update(readFileSync(file)).digest('hex') : createHash('sha256').update(readFileSync(file)).update(`\n--set\n${overridesText(overrides)}`).digest('hex'),
    name: raw.name,
    description: raw.description ?? '',
    clockMhz: raw.clock_mhz,
    narrowDatapath: raw.narrow_datapath ?? 'refuse',
    technology: raw.technology,
    dataflow,
    dataflowParams,
    roles,
    dramPreset,
    where: (keyPath) => loaded.where(keyPath),
    overrides: overridesText(overrides).split('\n').filter((l) => l !== ''),
  };
}
