/**
 * `rnnsim report`: report.html loaded in headless Chromium (Debian's chromium, driven by
 * playwright-core): no console error, no request leaves the page, and every chart draws the marks
 * the data calls for: a point per run, the Pareto front's points (found here by brute force), a
 * bar segment per non-zero share of cycles. CI installs chromium (.ci/run, which then requires the test); elsewhere the test
 * is skipped when /usr/bin/chromium is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { runSweep } from '../../src/sweep/run-sweep.js';
import { EPUR_YAML, runCli, tempDir, writeTrace } from '../helpers/context.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const available = existsSync(CHROMIUM);
if (!available && process.env.RNNSIM_REQUIRE_CHROMIUM === '1') throw new Error(`${CHROMIUM} is missing although .ci/run installed it`);

let dir = '';
let cleanup = (): void => undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('rnnsim-report-'));
  writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 3 }, 'a.json');
  writeTrace(dir, { cell: 'lstm', input_size: 128, hidden_size: 96, timesteps: 2 }, 'b.json');
  writeFileSync(
    join(dir, 'spec.yaml'),
    `name: report-test\nconfigs: [${JSON.stringify(EPUR_YAML)}]\ntraces: [a.json, b.json]\naxes:\n  - { key: components.dot_product_unit.multipliers, name: width, values: [8, 16, 32, 64] }\n  - { key: components.weight_buffer.size_kib, values: [32, 2048] }\n  - { key: clock_mhz, values: [250, 500] }\n`,
  );
  await runSweep({ specFile: join(dir, 'spec.yaml'), out: join(dir, 'sweep'), workers: 0, force: false, progress: false, log: () => undefined });
  if (available) browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  cleanup();
});

interface Row {
  trace: string;
  latency_us: number;
  energy_total_uj: number;
  area_mm2: number;
  [k: string]: unknown;
}

/** Rows not dominated (<= on both, < on one) by any other, by brute force. */
function frontSize(rows: readonly Row[], x: keyof Row, y: keyof Row): number {
  const v = (r: Row, k: keyof Row): number => r[k] as number;
  const distinct = [...new Map(rows.map((r) => [`${v(r, x)}|${v(r, y)}`, r])).values()];
  return distinct.filter((a) => !distinct.some((b) => b !== a && v(b, x) <= v(a, x) && v(b, y) <= v(a, y) && (v(b, x) < v(a, x) || v(b, y) < v(a, y)))).length;
}

describe.skipIf(!available)('report.html in headless Chromium', () => {
  it('loads with no console error and no network, and each chart draws the expected marks', async () => {
    const r = await runCli(['report', join(dir, 'sweep')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = join(dir, 'sweep', 'report.html');
    const table = JSON.parse(readFileSync(join(dir, 'sweep', 'points.json'), 'utf8')) as { rows: Row[] };
    expect(table.rows).toHaveLength(32);
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${String(e)}`));
    page.on('request', (q) => {
      if (!q.url().startsWith('file:')) problems.push(`request: ${q.url()}`);
    });
    await page.goto(`file://${file}`);
    const count = (selector: string): Promise<number> => page.locator(selector).count();
    for (const [i, trace] of ['a.json', 'b.json'].entries()) {
      const rows = table.rows.filter((x) => x.trace === trace);
      expect(await count(`#pareto-latency-energy-${i} g.points_marks > path`)).toBe(rows.length);
      expect(await count(`#pareto-latency-energy-${i} g.front_points_marks > path`)).toBe(frontSize(rows, 'latency_us', 'energy_total_uj'));
      expect(await count(`#pareto-latency-energy-${i} g.front_marks > path`)).toBe(1);
      expect(await count(`#pareto-energy-area-${i} g.points_marks > path`)).toBe(rows.length);
      expect(await count(`#pareto-energy-area-${i} g.front_points_marks > path`)).toBe(frontSize(rows, 'energy_total_uj', 'area_mm2'));
    }
    // Three parameters, each with latency and energy: a point per run, a median line per trace.
    for (let p = 0; p < 3; p++) {
      for (const m of ['latency', 'energy']) {
        expect(await count(`#sensitivity-${p}-${m} g.points_marks > path`)).toBe(32);
        expect(await count(`#sensitivity-${p}-${m} g.median_marks > path`)).toBe(2);
      }
    }
    const parts = table.rows.reduce((n, x) => n + (Number(x.busy_cycles) > 0 ? 1 : 0) + Object.keys(x).filter((k) => /^stall_.*_cycles$/.test(k) && k !== 'stall_total_cycles' && Number(x[k]) > 0).length, 0);
    expect(await count('#stalls g.parts_marks > path')).toBe(parts);
    // The table: a row per point, sorted by a click on a column.
    expect(await count('table.sortable tbody tr')).toBe(32);
    const latencyColumn = (await page.locator('table.sortable th').allTextContents()).indexOf('latency_us');
    await page.locator('table.sortable th').nth(latencyColumn).click();
    const sorted = (await page.locator(`table.sortable tbody tr td:nth-child(${latencyColumn + 1})`).allTextContents()).map(Number);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('a compare folder gets its report added to the result', async () => {
    const out = join(dir, 'cmp');
    expect((await runCli(['compare', '--config', EPUR_YAML, '--trace', join(dir, 'a.json'), '--out', out])).code).toBe(0);
    expect((await runCli(['report', out])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'rnnsim-result.json'), 'utf8')) as { command: string; files: string[] };
    expect(manifest).toMatchObject({ command: 'compare', files: ['compare.csv', 'compare.json', 'compare.md', 'report.html'] });
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`file://${join(out, 'report.html')}`);
    expect(await page.locator('#pareto-latency-energy-0 g.points_marks > path').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
