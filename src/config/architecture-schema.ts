/**
 * The JSON Schema of architecture configs, generated from the declarations of the registered
 * component and dataflow kinds (so a new kind is in the schema the moment it is registered).
 * schemas/architecture.schema.json is this output, committed for editors' autocompletion; a
 * test keeps the two identical (`rnnsim schema` rewrites it).
 */
import { paramsSchema } from '../engine/component.js';
import { componentKinds, dataflowKinds } from '../kinds.js';
import { NARROW_DATAPATH_CHOICES } from '../dataflows/datapath-width.js';

function dataflowSchema(): Record<string, unknown> {
  const variants = dataflowKinds().map((d) => paramsSchema(d.kind, d.description, d.params));
  return { type: 'object', description: 'how the workload is mapped onto the components', required: ['kind'], properties: { kind: { type: 'string' } }, discriminator: { propertyName: 'kind' }, oneOf: variants };
}

function componentSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'a component filling one role of the dataflow',
    required: ['kind'],
    properties: { kind: { type: 'string' } },
    discriminator: { propertyName: 'kind' },
    oneOf: componentKinds().map((k) => presetAware(paramsSchema(k.kind, k.description, k.params))),
  };
}

/**
 * A kind with a `preset` parameter (dram) takes the fields a preset supplies from the preset:
 * rnnsim merges the preset in before validating, but an editor validates the file as written,
 * so the schema must accept either a preset or every field (else it shows false "missing
 * property" errors on every config that names a preset).
 */
function presetAware(variant: Record<string, unknown>): Record<string, unknown> {
  const properties = variant.properties as Record<string, unknown>;
  const required = variant.required as string[];
  if (!('preset' in properties)) return variant;
  const fromPreset = required.filter((k) => k !== 'kind');
  if (fromPreset.length === 0) return variant;
  return {
    ...variant,
    required: ['kind'],
    anyOf: [
      { description: 'a preset (configs/dram/<preset>.yaml) fills the fields not given', required: ['preset'], properties: { preset: { not: { const: 'none' } } } },
      // (the branch names its properties again, as ajv's strict mode asks of a `required` list)
      { description: 'without a preset, every field is given', required: fromPreset, properties: Object.fromEntries(fromPreset.map((k) => [k, true])) },
    ],
  };
}

export function architectureSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:rnnsim:schema:architecture:1',
    title: 'rnnsim architecture config',
    description: 'An accelerator: clock, technology, dataflow and the components filling its roles. Generated from the component and dataflow declarations; do not edit by hand (run `rnnsim schema`).',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'clock_mhz', 'technology', 'dataflow', 'components'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', maxLength: 200, description: 'short name used in results and as a folder name (starts with a letter or digit)' },
      description: { type: 'string' },
      clock_mhz: { type: 'number', minimum: 1, maximum: 100000, description: 'accelerator clock [MHz]; 1 MHz to 100 GHz (plausibility bounds, assumed)' },
      narrow_datapath: {
        enum: [...NARROW_DATAPATH_CHOICES],
        description:
          "a trace whose weights or activations are wider than the datapath (e.g. a 16-bit trace on 8-bit multipliers): refuse (the default) or requantize (run it as if it had been quantized to the datapath's width: storage, traffic and compute at that width; the trace's accuracy no longer applies)",
      },
      technology: {
        type: 'object',
        additionalProperties: false,
        required: ['node_nm'],
        description: 'technology node and the energy/area table settings (configs/tech/<node>nm.yaml)',
        properties: {
          node_nm: { type: 'number', exclusiveMinimum: 0, description: 'process node [nm]; configs/tech/<node_nm>nm.yaml must exist' },
          voltage_v: { type: 'number', exclusiveMinimum: 0, description: 'supply voltage [V]; dynamic energy scales with its square' },
          sram_model: { enum: ['cacti', 'horowitz'], description: 'which SRAM energy source the table uses' },
          sram_cells: { enum: ['itrs-hp', 'itrs-lstp', 'itrs-lop'], description: 'SRAM cell type: itrs-hp (high performance, the table default), itrs-lstp (low standby power) or itrs-lop (low operating power; sram_pricing cacti_geometry only)' },
          sram_pricing: {
            enum: ['cacti_geometry', 'port_curve'],
            description:
              "how buffers are priced: cacti_geometry (the table default) from CACTI tables at the buffer's own size, word width, banks and ports; port_curve from 64-bit-port CACTI points scaled linearly in word width, banks as independent arrays (the model before issue 13)",
          },
          sram_banking: { enum: ['macro', 'per_bank'], description: "with cacti_geometry: a banked buffer as CACTI's whole macro, the H-tree to its banks included (the table default), or as independent arrays of size/banks" },
          sram_outside_grid: {
            enum: ['port_curve', 'error'],
            description: "with cacti_geometry, a buffer outside the CACTI grid (words over 512 bits, over 16 MiB, an ungenerated bank count, banks under 32 words, macros under 16 KiB): port_curve (the table default) prices it on the port curve and says so (energy.csv, tech-resolved.json, rnnsim check); error refuses it",
          },
          logic_leakage: { enum: ['aladdin', 'none'], description: "leakage of datapath logic and registers: aladdin (the table default; Aladdin's synthesized units per um^2) or none" },
          multiplier_model: { enum: ['horowitz', 'aladdin'], description: 'which multiplier energy source the table uses' },
          adder_model: { enum: ['horowitz', 'aladdin'], description: 'which adder energy source the table uses' },
        },
      },
      dataflow: dataflowSchema(),
      components: {
        type: 'object',
        description: 'role name -> component; the dataflow says which roles it needs and of which kind',
        additionalProperties: componentSchema(),
      },
    },
  };
}
