/**
 * CSV writing: a header row whose every column name carries its unit, then one row per record.
 * Numbers are written with up to 6 decimals, trailing zeros trimmed, so files are stable.
 */
export type CsvValue = string | number;

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function cell(v: CsvValue): string {
  if (typeof v === 'number') return formatNumber(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  const lines = [columns.join(',')];
  for (const r of rows) {
    if (r.length !== columns.length) throw new Error(`internal: CSV row has ${r.length} cells for ${columns.length} columns`);
    lines.push(r.map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}
