/**
 * The SRAM tables tools/cacti/generate.py writes (configs/tech/cacti/sram-<node>nm-<cells>.json):
 * one CACTI run per row, over total size, word width, read/write ports and bank count, for one
 * node and one cell type. Reading checks the shape and the units so a hand-edited or truncated
 * table fails with the file and the row, not with a wrong number later.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { configsDir } from './package-paths.js';

/** CACTI's SRAM cell/periphery device types: high performance, low standby power, low operating power. */
export type CactiCellType = 'itrs-hp' | 'itrs-lstp' | 'itrs-lop';
export const CACTI_CELL_TYPES: readonly CactiCellType[] = ['itrs-hp', 'itrs-lstp', 'itrs-lop'];

/** One CACTI run: a RAM of size_bytes in banks banks, word_bits per access, rw_ports ports per bank. */
export interface CactiRow {
  readonly size_bytes: number;
  readonly word_bits: number;
  readonly rw_ports: number;
  readonly banks: number;
  /** One read of one word, bank plus the H-tree to it (pJ). */
  readonly read_energy_pj: number;
  readonly write_energy_pj: number;
  /** Whole structure: banks x CACTI's standby leakage per bank, subthreshold + gate (mW). */
  readonly leakage_mw: number;
  /** Whole structure, all banks and the H-tree (mm^2). */
  readonly area_mm2: number;
  readonly access_ns: number;
  readonly cycle_ns: number;
  readonly htree_leakage_mw: number;
  readonly htree_gate_leakage_mw: number;
}

/** The numeric columns a lookup can ask for. */
export type CactiQuantity = 'read_energy_pj' | 'write_energy_pj' | 'leakage_mw' | 'area_mm2' | 'access_ns' | 'cycle_ns';
export const CACTI_QUANTITIES: readonly CactiQuantity[] = ['read_energy_pj', 'write_energy_pj', 'leakage_mw', 'area_mm2', 'access_ns', 'cycle_ns'];
export const CACTI_QUANTITY_UNIT: Readonly<Record<CactiQuantity, string>> = {
  read_energy_pj: 'pJ',
  write_energy_pj: 'pJ',
  leakage_mw: 'mW',
  area_mm2: 'mm^2',
  access_ns: 'ns',
  cycle_ns: 'ns',
};

export interface CactiProvenance {
  readonly repository: string;
  readonly commit: string;
  readonly version: string;
  readonly build: string;
}

export interface CactiSramTable {
  readonly file: string;
  readonly nodeNm: number;
  readonly cells: CactiCellType;
  readonly preset: string;
  readonly command: string;
  readonly cacti: CactiProvenance;
  readonly settings: Readonly<Record<string, string>>;
  /** CACTI's periphery supply at this node and cell type (V): the energies are at this voltage. Null in tables without it. */
  readonly supplyVoltageV: number | null;
  readonly rows: readonly CactiRow[];
  /** Grid points CACTI found no organisation for: [size_bytes, word_bits, rw_ports, banks, message]. */
  readonly noSolution: readonly (readonly [number, number, number, number, string])[];
}

const TABLE_FORMAT = 'rnnsim-cacti-sram/1';
const REQUIRED_COLUMNS: readonly (keyof CactiRow)[] = [
  'size_bytes',
  'word_bits',
  'rw_ports',
  'banks',
  'read_energy_pj',
  'write_energy_pj',
  'leakage_mw',
  'area_mm2',
  'access_ns',
  'cycle_ns',
  'htree_leakage_mw',
  'htree_gate_leakage_mw',
];
const COLUMN_UNITS: Readonly<Partial<Record<keyof CactiRow, string>>> = {
  size_bytes: 'bytes',
  word_bits: 'bits',
  read_energy_pj: 'pJ',
  write_energy_pj: 'pJ',
  leakage_mw: 'mW',
  area_mm2: 'mm^2',
  access_ns: 'ns',
  cycle_ns: 'ns',
};

export function cactiTablesDir(): string {
  return path.join(configsDir(), 'tech', 'cacti');
}

export function cactiTableFile(nodeNm: number, cells: CactiCellType): string {
  return path.join(cactiTablesDir(), `sram-${nodeNm}nm-${cells}.json`);
}

/** Nodes (nm) with a generated table for these cells, ascending. */
export function listCactiNodes(cells: CactiCellType): number[] {
  if (!existsSync(cactiTablesDir())) return [];
  return readdirSync(cactiTablesDir())
    .map((name) => new RegExp(`^sram-(\\d+(?:\\.\\d+)?)nm-${cells}\\.json$`).exec(name)?.[1])
    .filter((node): node is string => node !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

const cache = new Map<string, CactiSramTable>();

/** The shipped table for a node and cell type (read once, then cached). */
export function loadCactiSramTable(nodeNm: number, cells: CactiCellType): CactiSramTable {
  if (!CACTI_CELL_TYPES.includes(cells)) {
    throw new InputError(`SRAM cell type '${String(cells)}' is not one of ${CACTI_CELL_TYPES.join(', ')}`);
  }
  const file = cactiTableFile(nodeNm, cells);
  if (!existsSync(file)) {
    const nodes = listCactiNodes(cells);
    throw new InputError(
      `no CACTI SRAM table for ${nodeNm} nm ${cells} (expected configs/tech/cacti/${path.basename(file)}); generated nodes: ${nodes.map((n) => `${n} nm`).join(', ') || 'none'}`,
    );
  }
  return loadCactiSramTableFile(file);
}

export function loadCactiSramTableFile(file: string): CactiSramTable {
  const key = path.resolve(file);
  const known = cache.get(key);
  if (known) return known;
  const table = parseCactiSramTable(readJson(file), file);
  cache.set(key, table);
  return table;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw new InputError(`cannot read: ${reason}`, file);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`invalid JSON: ${(err as Error).message}`, file);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a parsed table; exported for tests of the error messages. */
export function parseCactiSramTable(data: unknown, file: string): CactiSramTable {
  const fail = (where: string, expected: string): never => {
    throw new InputError(`${where}: ${expected}`, file);
  };
  if (!isRecord(data)) return fail('(top level)', 'expected a JSON object');
  if (data['format'] !== TABLE_FORMAT) fail('format', `expected "${TABLE_FORMAT}", found ${JSON.stringify(data['format'])}`);
  const nodeNm = data['node_nm'];
  if (typeof nodeNm !== 'number' || !(nodeNm > 0)) return fail('node_nm', `expected a positive number of nm, found ${JSON.stringify(nodeNm)}`);
  const cells = data['cell_type'];
  if (typeof cells !== 'string' || !(CACTI_CELL_TYPES as readonly string[]).includes(cells)) {
    return fail('cell_type', `expected one of ${CACTI_CELL_TYPES.join(', ')}, found ${JSON.stringify(cells)}`);
  }
  const cacti = data['cacti'];
  if (!isRecord(cacti) || typeof cacti['commit'] !== 'string' || typeof cacti['repository'] !== 'string') {
    return fail('cacti', 'expected { repository, commit, version, build } naming the CACTI source the table was generated with');
  }
  if (typeof data['command'] !== 'string') fail('command', 'expected the command that regenerates the table');
  const settings = data['settings'];
  if (!isRecord(settings)) return fail('settings', 'expected the CACTI settings as an object');
  const supply = data['supply_voltage_v'];
  if (supply !== undefined && (typeof supply !== 'number' || !(supply > 0))) fail('supply_voltage_v', `expected a positive number of volts, found ${JSON.stringify(supply)}`);
  const columns = data['columns'];
  if (!Array.isArray(columns)) return fail('columns', 'expected an array of { name, unit, description }');
  const names = columns.map((c, i) => {
    if (!isRecord(c) || typeof c['name'] !== 'string' || typeof c['unit'] !== 'string') return fail(`columns[${i}]`, 'expected { name, unit, description }');
    const name = c['name'];
    const unit = COLUMN_UNITS[name as keyof CactiRow];
    if (unit !== undefined && c['unit'] !== unit) fail(`columns[${i}].unit`, `column ${name} must be in ${unit}, found ${JSON.stringify(c['unit'])}`);
    return name;
  });
  const indexOf = new Map(names.map((name, i) => [name, i]));
  for (const required of REQUIRED_COLUMNS) {
    if (!indexOf.has(required)) fail('columns', `missing column '${required}'`);
  }
  const rawRows = data['rows'];
  if (!Array.isArray(rawRows) || rawRows.length === 0) return fail('rows', 'expected a non-empty array of rows');
  const seen = new Set<string>();
  const rows = rawRows.map((raw, r): CactiRow => {
    if (!Array.isArray(raw) || raw.length !== names.length) return fail(`rows[${r}]`, `expected ${names.length} values (one per column)`);
    const value = (name: keyof CactiRow): number => {
      const v = raw[indexOf.get(name)!] as unknown;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`rows[${r}].${name}`, `expected a non-negative number, found ${JSON.stringify(v)}`);
      return v;
    };
    const row: CactiRow = {
      size_bytes: value('size_bytes'),
      word_bits: value('word_bits'),
      rw_ports: value('rw_ports'),
      banks: value('banks'),
      read_energy_pj: value('read_energy_pj'),
      write_energy_pj: value('write_energy_pj'),
      leakage_mw: value('leakage_mw'),
      area_mm2: value('area_mm2'),
      access_ns: value('access_ns'),
      cycle_ns: value('cycle_ns'),
      htree_leakage_mw: value('htree_leakage_mw'),
      htree_gate_leakage_mw: value('htree_gate_leakage_mw'),
    };
    for (const q of CACTI_QUANTITIES) {
      if (!(row[q] > 0)) fail(`rows[${r}].${q}`, `expected a positive value, found ${row[q]}`);
    }
    const key = `${row.size_bytes}/${row.word_bits}/${row.rw_ports}/${row.banks}`;
    if (seen.has(key)) fail(`rows[${r}]`, `duplicate point size_bytes=${row.size_bytes}, word_bits=${row.word_bits}, rw_ports=${row.rw_ports}, banks=${row.banks}`);
    seen.add(key);
    return row;
  });
  const rawFailures = data['no_solution'];
  if (!Array.isArray(rawFailures)) return fail('no_solution', 'expected an array (possibly empty)');
  const noSolution = rawFailures.map((f, i) => {
    if (!Array.isArray(f) || f.length !== 5) return fail(`no_solution[${i}]`, 'expected [size_bytes, word_bits, rw_ports, banks, message]');
    return f as unknown as readonly [number, number, number, number, string];
  });
  return {
    file,
    nodeNm,
    cells: cells as CactiCellType,
    preset: typeof data['preset'] === 'string' ? data['preset'] : 'unknown',
    command: data['command'] as string,
    cacti: {
      repository: cacti['repository'] as string,
      commit: cacti['commit'] as string,
      version: String(cacti['version'] ?? 'unknown'),
      build: String(cacti['build'] ?? 'unknown'),
    },
    settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
    supplyVoltageV: typeof supply === 'number' ? supply : null,
    rows,
    noSolution,
  };
}
