/**
 * SRAM figures from a CACTI table (cacti-sram-table.ts) at any size and word width inside its
 * grid, for one bank count and port count that the grid holds.
 *
 * Interpolation (only between generated points, never beyond them):
 *   - size: log-log between the two neighbouring grid sizes, v = v0 (s/s0)^k with
 *     k = ln(v1/v0) / ln(s1/s0) (CACTI's curves are close to power laws between the grid's
 *     x1.33 / x1.5 size steps);
 *   - word width: linear in bits between the two neighbouring grid widths (CACTI's energy and
 *     area grow about linearly with the number of columns read);
 *   - both: log-log in size at each of the two widths, then linear in width.
 * Bank and port counts are discrete: they must be grid values. Anything outside the grid, or
 * a grid corner CACTI found no organisation for, is an InputError naming what is missing.
 *
 * Organisation:
 *   - macro:    the whole banked buffer as CACTI prices it: an access is one bank plus the
 *               H-tree from the buffer's port to that bank; area and leakage cover all banks
 *               and the H-tree.
 *   - per_bank: `banks` independent arrays of size/banks with no wiring between them: an
 *               access is one such array; leakage and area are banks x one array.
 */
import { InputError } from '../errors.js';
import { CACTI_QUANTITIES, type CactiQuantity, type CactiRow, type CactiSramTable } from './cacti-sram-table.js';
import { displayPath } from './package-paths.js';

export type SramOrganisation = 'macro' | 'per_bank';
export const SRAM_ORGANISATIONS: readonly SramOrganisation[] = ['macro', 'per_bank'];

export interface SramQuery {
  /** Total capacity of the buffer (all banks). */
  readonly sizeBytes: number;
  /** Width of one access. */
  readonly wordBits: number;
  readonly banks: number;
  /** Read/write ports of each bank. */
  readonly portsPerBank: number;
  readonly organisation: SramOrganisation;
}

export type SramValues = Readonly<Record<CactiQuantity, number>>;

export interface SramLookup {
  readonly values: SramValues;
  /** The table rows the values came from (1, 2 or 4 grid points). */
  readonly rows: readonly CactiRow[];
  /** What was done to each quantity, in words, for the audit trail. */
  readonly steps: Readonly<Record<CactiQuantity, readonly string[]>>;
  /** True when the query is a grid point (values are the table's, times banks for per_bank). */
  readonly exact: boolean;
}

/**
 * The table's grid: sizes and widths over every row (the generator uses one grid for every
 * bank and port count; a point it left out is a missing corner, reported as such), and the
 * rows of each (ports, banks) slice by (size, width).
 */
interface Grid {
  readonly sizes: readonly number[];
  readonly widths: readonly number[];
  readonly slices: ReadonlyMap<string, ReadonlyMap<string, CactiRow>>;
}

const gridCache = new WeakMap<CactiSramTable, Grid>();

function gridOf(table: CactiSramTable): Grid {
  const known = gridCache.get(table);
  if (known) return known;
  const sizes = new Set<number>();
  const widths = new Set<number>();
  const slices = new Map<string, Map<string, CactiRow>>();
  for (const row of table.rows) {
    sizes.add(row.size_bytes);
    widths.add(row.word_bits);
    const key = `${row.rw_ports}/${row.banks}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = new Map();
      slices.set(key, slice);
    }
    slice.set(`${row.size_bytes}/${row.word_bits}`, row);
  }
  const grid = { sizes: [...sizes].sort((a, b) => a - b), widths: [...widths].sort((a, b) => a - b), slices };
  gridCache.set(table, grid);
  return grid;
}

function describeTable(table: CactiSramTable): string {
  return `${table.nodeNm} nm ${table.cells}`;
}

function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${what} must be a positive integer, got ${value}`);
}

/** Neighbouring grid values: [v, v] on a grid value, else the two around it, or null outside. */
function bracket(values: readonly number[], target: number): [number, number] | null {
  if (target < values[0]! || target > values[values.length - 1]!) return null;
  if (values.includes(target)) return [target, target];
  const upper = values.findIndex((v) => v > target);
  return [values[upper - 1]!, values[upper]!];
}

function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** v0 (s/s0)^k, k from the two points: a straight line on log-log axes. */
function logLog(s: number, s0: number, v0: number, s1: number, v1: number): number {
  if (s0 === s1) return v0;
  const k = Math.log(v1 / v0) / Math.log(s1 / s0);
  return v0 * (s / s0) ** k;
}

export function lookupSram(table: CactiSramTable, query: SramQuery): SramLookup {
  const { sizeBytes, wordBits, banks, portsPerBank, organisation } = query;
  checkPositiveInteger(sizeBytes, 'SRAM sizeBytes');
  checkPositiveInteger(wordBits, 'SRAM wordBits');
  checkPositiveInteger(banks, 'SRAM banks');
  checkPositiveInteger(portsPerBank, 'SRAM portsPerBank');
  if (!SRAM_ORGANISATIONS.includes(organisation)) {
    throw new InputError(`SRAM organisation '${String(organisation)}' is not one of ${SRAM_ORGANISATIONS.join(', ')}`);
  }
  const perBank = organisation === 'per_bank';
  if (perBank && sizeBytes % banks !== 0) {
    throw new InputError(`SRAM of ${sizeBytes} bytes does not split into ${banks} equal banks (per_bank organisation)`);
  }
  const targetSize = perBank ? sizeBytes / banks : sizeBytes;
  const tableBanks = perBank ? 1 : banks;
  const what = `${describeTable(table)} SRAM (${organisation}, ${banks} bank${banks > 1 ? 's' : ''}, ${portsPerBank} port${portsPerBank > 1 ? 's' : ''} per bank)`;
  const grid = gridOf(table);
  const slice = grid.slices.get(`${portsPerBank}/${tableBanks}`);
  if (!slice) {
    const ports = [...new Set(table.rows.map((r) => r.rw_ports))].sort((a, b) => a - b);
    const bankCounts = [...new Set(table.rows.filter((r) => r.rw_ports === portsPerBank).map((r) => r.banks))].sort((a, b) => a - b);
    const why = !ports.includes(portsPerBank)
      ? `the table has ${ports.join(', ')} read/write port(s) per bank, not ${portsPerBank}`
      : `the table has macros of ${bankCounts.join(', ')} bank(s) with ${portsPerBank} port(s), not ${tableBanks}`;
    throw new InputError(`${what}: ${why} (${displayPath(table.file)}); rnnsim does not extrapolate CACTI tables: extend the grid in tools/cacti/generate.py and regenerate`);
  }
  const sizes = bracket(grid.sizes, targetSize);
  const widths = bracket(grid.widths, wordBits);
  if (!sizes || !widths) {
    const outside = !sizes
      ? `${perBank ? 'bank size' : 'size'} ${formatBytes(targetSize)} is outside the generated sizes ${formatBytes(grid.sizes[0]!)} to ${formatBytes(grid.sizes[grid.sizes.length - 1]!)}`
      : `word width ${wordBits} bits is outside the generated widths ${grid.widths[0]} to ${grid.widths[grid.widths.length - 1]} bits`;
    throw new InputError(`${what}: ${outside} (${displayPath(table.file)}); rnnsim does not extrapolate CACTI tables: extend the grid in tools/cacti/generate.py and regenerate`);
  }
  const [s0, s1] = sizes;
  const [w0, w1] = widths;
  const corner = (s: number, w: number): CactiRow => {
    const row = slice.get(`${s}/${w}`);
    if (row) return row;
    const failed = table.noSolution.find((f) => f[0] === s && f[1] === w && f[2] === portsPerBank && f[3] === tableBanks);
    const reason = failed
      ? `CACTI found no organisation for it (${failed[4]})`
      : 'it is not in the generated grid (tools/cacti/generate.py leaves out banks of fewer than 32 words and banked macros under 16 KiB)';
    throw new InputError(
      `${what}: ${formatBytes(targetSize)} x ${wordBits} bits needs the grid point ${formatBytes(s)} x ${w} bits, and ${reason} (${displayPath(table.file)})`,
    );
  };
  const rows: CactiRow[] = [];
  const addRow = (row: CactiRow): CactiRow => {
    if (!rows.includes(row)) rows.push(row);
    return row;
  };
  const a0 = addRow(corner(s0, w0));
  const a1 = addRow(corner(s1, w0));
  const b0 = addRow(corner(s0, w1));
  const b1 = addRow(corner(s1, w1));
  const widthWeight = w0 === w1 ? 0 : (wordBits - w0) / (w1 - w0);
  const values = {} as Record<CactiQuantity, number>;
  for (const q of CACTI_QUANTITIES) {
    const atW0 = logLog(targetSize, s0, a0[q], s1, a1[q]);
    const atW1 = logLog(targetSize, s0, b0[q], s1, b1[q]);
    values[q] = atW0 + (atW1 - atW0) * widthWeight;
  }
  const steps: string[] = [];
  const exact = s0 === s1 && w0 === w1;
  const pointText = (s: number, w: number) => `${formatBytes(s)} x ${w} bits`;
  if (exact) {
    steps.push(`table point ${pointText(s0, w0)}, ${portsPerBank} port(s), ${tableBanks} bank(s) of the CACTI table (${describeTable(table)})`);
  } else {
    if (s0 !== s1) steps.push(`log-log in size between ${formatBytes(s0)} and ${formatBytes(s1)} at ${formatBytes(targetSize)}`);
    if (w0 !== w1) steps.push(`linear in word width between ${w0} and ${w1} bits at ${wordBits} bits (weight ${widthWeight.toFixed(4)})`);
    steps.push(`from CACTI points ${rows.map((r) => pointText(r.size_bytes, r.word_bits)).join(', ')}; ${portsPerBank} port(s), ${tableBanks} bank(s) (${describeTable(table)})`);
  }
  const perQuantity = Object.fromEntries(CACTI_QUANTITIES.map((q) => [q, [...steps]])) as Record<CactiQuantity, string[]>;
  if (perBank) {
    values.leakage_mw *= banks;
    values.area_mm2 *= banks;
    for (const q of ['leakage_mw', 'area_mm2'] as const) {
      perQuantity[q].push(`per_bank: ${banks} independent arrays of ${formatBytes(targetSize)}, x ${banks}`);
    }
  }
  return { values, rows, steps: perQuantity, exact };
}
