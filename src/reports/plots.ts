/**
 * Plots as SVG files, drawn by Vega-Lite (compiled to Vega and rendered headless, no canvas).
 * Each function takes results and returns the SVG text; writing is the caller's.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { RunSummary } from '../simulate.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * Where each compute unit's cycles went (busy, and each stall cause), one stacked bar per run,
 * normalised to the run's total so runs of different lengths compare.
 */
export async function stallBreakdownSvg(summaries: readonly RunSummary[]): Promise<string> {
  const values: Array<{ run: string; trace: string; config: string; part: string; fraction: number }> = [];
  for (const s of summaries) {
    const total = s.stall_cycles.total + busyOf(s);
    const run = `${s.trace.name} / ${s.config.name}`;
    values.push({ run, trace: s.trace.name, config: s.config.name, part: 'busy', fraction: busyOf(s) / total });
    for (const [cause, n] of Object.entries(s.stall_cycles.by_cause)) {
      if (n > 0) values.push({ run, trace: s.trace.name, config: s.config.name, part: `stall: ${cause}`, fraction: n / total });
    }
  }
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Compute-unit cycles: busy and stalls by cause',
    data: { values },
    mark: 'bar',
    width: 420,
    encoding: {
      y: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } },
      x: { field: 'fraction', type: 'quantitative', title: 'fraction of compute-unit cycles', axis: { format: '%' } },
      color: { field: 'part', type: 'nominal', title: null, legend: { labelLimit: 400 } },
    },
  });
}

function busyOf(s: RunSummary): number {
  return s.compute.busy_cycles;
}
