/**
 * The files of `rnnsim dps evaluate`: evaluation.json (every model, every design, the choices
 * made on validation, the hardware sweep over DeepBench sizes), evaluation.csv (one row per model
 * and design, a unit in every column), evaluation.md (the tables and what they say, worked out
 * from the numbers, never written by hand), and the plots.
 */
import { toCsv, type CsvValue } from '../../reports/csv.js';
import type { Budget, DesignResult, ModelEvaluation } from './evaluation.js';
import type { SizeSweepRow } from './size-sweep.js';
import { paretoFront } from './statistics.js';

export interface Evaluation {
  readonly format: 'rnnsim-dps-evaluation/1';
  readonly command: string;
  readonly budget: Budget;
  readonly models: readonly ModelEvaluation[];
  readonly size_sweep: readonly SizeSweepRow[];
}

const PRECISIONS = [4, 5, 6, 8, 10, 12, 16];

export function evaluationCsv(e: Evaluation): string {
  const rows: CsvValue[][] = [];
  for (const m of e.models) {
    for (const d of m.designs) {
      rows.push([
        m.model,
        d.design,
        d.kind,
        m.metric,
        d.accuracy,
        d.accuracy_ci95[0],
        d.accuracy_ci95[1],
        d.loss,
        d.loss_ci95[0],
        d.loss_ci95[1],
        m.budget,
        d.meets_budget ? 'yes' : 'no',
        d.mean_bits,
        ...PRECISIONS.map((b) => d.share_by_bits[String(b)] ?? 0),
        d.reduces_to_static ? 'yes' : 'no',
        d.latency_us,
        d.energy_uj,
        d.area_mm2,
      ]);
    }
  }
  return toCsv(
    [
      'model',
      'design',
      'kind',
      'metric',
      'metric_value',
      'metric_ci95_lo',
      'metric_ci95_hi',
      'loss_vs_static16',
      'loss_ci95_lo',
      'loss_ci95_hi',
      'budget',
      'meets_budget',
      'mean_bits',
      ...PRECISIONS.map((b) => `share_${b}bit`),
      'reduces_to_static',
      'latency_us_per_sequence',
      'energy_uj_per_sequence',
      'area_mm2',
    ],
    rows,
  );
}

const f = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function metricText(m: ModelEvaluation, v: number): string {
  return m.higher_is_better ? pct(v) : `${v.toFixed(4)} bpc`;
}

function lossUnit(m: ModelEvaluation): string {
  return m.higher_is_better ? 'points' : 'bpc';
}

/** The designs on the accuracy-energy Pareto front (energy per sequence against the metric). */
export function paretoDesigns(m: ModelEvaluation): Set<string> {
  const pts = m.designs.filter((d) => d.design !== 'static-min').map((d) => ({ id: d.design, cost: d.energy_uj, quality: m.higher_is_better ? d.accuracy : -d.accuracy }));
  return new Set(paretoFront(pts).map((p) => p.id));
}

/**
 * The strongest fair static baseline: of the static designs chosen on validation (static-min and
 * static-min-per-layer; static-16 when neither exists), the one with the least energy per sequence
 * (ties: the faster). A dynamic design counts only against this one, never against 16 bits alone.
 */
export function bestStatic(m: ModelEvaluation): DesignResult | undefined {
  const chosen = m.designs.filter((d) => d.design === 'static-min' || d.design === 'static-min-per-layer');
  const pool = chosen.length ? chosen : m.designs.filter((d) => d.design === 'static-16');
  return [...pool].sort((a, b) => a.energy_uj - b.energy_uj || a.latency_us - b.latency_us)[0];
}

/** `npm start`'s DPS section: per model, static-16, the best static design and every policy, with speed and energy against both. */
export function evaluationHeadline(e: Evaluation): string {
  const parts: string[] = [];
  for (const m of e.models) {
    const by = new Map(m.designs.map((d) => [d.design, d]));
    const s16 = by.get('static-16');
    const best = bestStatic(m);
    if (!s16 || !best) continue;
    const front = paretoDesigns(m);
    const shown = [s16, ...(best === s16 ? [] : [best]), ...m.designs.filter((d) => d.kind === 'policy')];
    const head = `| design | loss vs static-16 (${lossUnit(m)}, 95% CI) | meets budget | mean bits | speed vs static-16 | speed vs ${best.design} | energy vs static-16 | energy vs ${best.design} | Pareto | note |\n|---|---|---|---|---|---|---|---|---|---|\n`;
    const rows = shown.map((d) => {
      const note = d === best ? `best static (${d.design === 'static-min-per-layer' ? `per layer ${m.choices.static_min_per_layer.join(', ')}` : m.choices.static_min_bits ?? 16} bits)` : d.kind === 'policy' && d.reduces_to_static ? 'reduces to static' : '';
      return `| ${d.design} | ${f(d.loss)} (${f(d.loss_ci95[0])} to ${f(d.loss_ci95[1])}) | ${d.meets_budget ? 'yes' : 'no'} | ${f(d.mean_bits, 2)} | ${f(s16.latency_us / d.latency_us, 2)}x | ${f(best.latency_us / d.latency_us, 2)}x | ${f(d.energy_uj / s16.energy_uj, 2)}x | ${f(d.energy_uj / best.energy_uj, 2)}x | ${front.has(d.design) ? 'yes' : ''} | ${note} |`;
    });
    parts.push(`### ${m.model} (${m.metric}, budget ${m.budget} ${lossUnit(m)}, ${m.test_examples} test ${m.higher_is_better ? 'examples' : 'predictions'})\n\n${head}${rows.join('\n')}\n`);
  }
  return parts.join('\n');
}

/**
 * The step-by-step policy whose steps are most evenly split between precisions (the smallest
 * largest share), for the timeline and threshold-sweep plots: a policy that reduces to static
 * shows nothing. MWL variants are left out because their timeline would need the input side apart.
 */
export function mostDynamicPolicy(m: ModelEvaluation): string | undefined {
  const candidates = m.designs.filter((d) => d.kind === 'policy' && !d.design.endsWith('-mwl') && m.choices.policy_specs[d.design]);
  const largestShare = (d: DesignResult): number => Math.max(...Object.values(d.share_by_bits));
  return [...candidates].sort((a, b) => largestShare(a) - largestShare(b) || a.design.localeCompare(b.design))[0]?.design;
}

function findings(m: ModelEvaluation): string[] {
  const out: string[] = [];
  const by = new Map(m.designs.map((d) => [d.design, d]));
  const s16 = by.get('static-16');
  const s8 = by.get('static-8');
  const smin = by.get('static-min');
  const front = paretoDesigns(m);
  if (s8) {
    out.push(
      s8.meets_budget
        ? `Static 8 bits is within the budget (loss ${f(s8.loss)} ${lossUnit(m)}, 95% interval ${f(s8.loss_ci95[0])} to ${f(s8.loss_ci95[1])}), so the {8, 16} question is not tested on this model: a static 8-bit design is the baseline to beat.`
        : `Static 8 bits fails the budget (loss ${f(s8.loss)} ${lossUnit(m)}, 95% interval ${f(s8.loss_ci95[0])} to ${f(s8.loss_ci95[1])}, budget ${m.budget}).`,
    );
  }
  if (smin) out.push(`The cheapest static precision within budget on validation (static-min) is ${m.choices.static_min_bits ?? 16} bits: test loss ${f(smin.loss)} ${lossUnit(m)}, ${f(smin.latency_us, 1)} us and ${f(smin.energy_uj, 1)} uJ per sequence.`);
  const baseline = bestStatic(m);
  for (const d of m.designs.filter((x) => x.kind === 'policy')) {
    const rnd = by.get(`random-${d.design}`);
    const per = by.get(`periodic-${d.design}`);
    const orc = by.get(`oracle-${d.design}`);
    const low = Object.entries(d.share_by_bits).sort((a, b) => Number(a[0]) - Number(b[0]))[0];
    const parts = [
      `${d.design} (${d.description}): ${low ? `${pct(low[1])} of steps at ${low[0]} bits, ` : ''}mean ${f(d.mean_bits, 2)} bits, test loss ${f(d.loss)} ${lossUnit(m)} (${d.meets_budget ? 'within' : 'over'} budget)${d.reduces_to_static ? '; it reduces to a static design (99% or more of steps at one precision)' : ''}.`,
    ];
    if (baseline) {
      const speed = baseline.latency_us / d.latency_us;
      const energy = d.energy_uj / baseline.energy_uj;
      parts.push(`Against the best static design, ${baseline.design}: ${f(speed, 2)}x its speed (${f(d.latency_us, 1)} vs ${f(baseline.latency_us, 1)} us per sequence) and ${f(energy, 2)}x its energy (${f(d.energy_uj, 2)} vs ${f(baseline.energy_uj, 2)} uJ); ${front.has(d.design) ? 'on' : 'not on'} the accuracy-energy Pareto front.`);
    }
    if (rnd && per && d.advantage) {
      const a = d.advantage.vs_random;
      const informative = a.ci95[0] > 0;
      const worse = a.ci95[1] < 0;
      parts.push(
        `At the same per-stream counts, random placement loses ${f(rnd.loss)} (seeds ${f(rnd.seeds?.min ?? NaN)} to ${f(rnd.seeds?.max ?? NaN)} ${m.higher_is_better ? 'accuracy' : 'bpc'}), periodic ${f(per.loss)}${orc ? `, the oracle ${f(orc.loss)}` : ''}; the policy's advantage over random is ${f(a.mean)} ${lossUnit(m)} (95% interval ${f(a.ci95[0])} to ${f(a.ci95[1])}): ${informative ? 'the cell state chose better steps than chance on this model' : worse ? 'worse than chance on this model' : 'not distinguishable from chance: on this model the cell state carried no measurable information about which steps need the bits'}.`,
      );
    }
    out.push(parts.join(' '));
  }
  return out;
}

function designTable(m: ModelEvaluation): string {
  const front = paretoDesigns(m);
  const head = `| design | ${m.metric} (95% CI) | loss vs static-16 (95% CI) | meets budget | mean bits | steps by bits | latency us/seq | energy uJ/seq | area mm2 | Pareto | reduces to static |\n|---|---|---|---|---|---|---|---|---|---|---|\n`;
  const rows = m.designs.map((d: DesignResult) => {
    const share = Object.entries(d.share_by_bits).map(([b, s]) => `${b}: ${pct(s)}`).join(', ');
    return `| ${d.design} | ${metricText(m, d.accuracy)} (${metricText(m, d.accuracy_ci95[0])} to ${metricText(m, d.accuracy_ci95[1])}) | ${f(d.loss)} (${f(d.loss_ci95[0])} to ${f(d.loss_ci95[1])}) | ${d.meets_budget ? 'yes' : 'no'} | ${f(d.mean_bits, 2)} | ${share} | ${f(d.latency_us, 1)} | ${f(d.energy_uj, 2)} | ${f(d.area_mm2, 3)} | ${front.has(d.design) ? 'yes' : ''} | ${d.reduces_to_static ? 'yes' : ''} |`;
  });
  return head + rows.join('\n') + '\n';
}

function sweepTable(rows: readonly SizeSweepRow[]): string {
  if (rows.length === 0) return '';
  const head = '| trace | design | share of 8-bit steps | latency us | energy uJ | DRAM read MB | speedup vs E-PUR 16 | energy ratio vs E-PUR 16 | speedup vs static 8 | energy ratio vs static 8 |\n|---|---|---|---|---|---|---|---|---|---|\n';
  return head + rows.map((r) => `| ${r.trace} | ${r.design} | ${pct(r.share_8bit)} | ${f(r.latency_us, 1)} | ${f(r.energy_uj, 1)} | ${f(r.dram_read_mb, 1)} | ${f(r.speedup_vs_epur, 2)} | ${f(r.energy_ratio_vs_epur, 2)} | ${f(r.speedup_vs_static8, 2)} | ${f(r.energy_ratio_vs_static8, 2)} |`).join('\n') + '\n';
}

export function evaluationMarkdown(e: Evaluation): string {
  const parts = [
    `# Dynamic precision selection, evaluated\n\nCommand: \`${e.command}\`. Budget: ${e.budget.accuracyPoints} accuracy points (classifiers), ${e.budget.bpc} bits per character (language models), against static 16 bits, on test, paired example by example. Every design has E-PUR's resources (256 multiplier bits per cycle, the same SRAM and DRAM); docs/dps.md says how each is built and how choices were made on validation.\n`,
  ];
  for (const m of e.models) {
    parts.push(
      `## ${m.model}\n\nTest: ${m.test_data} (${m.test_examples} ${m.higher_is_better ? 'examples' : 'predictions'}); validation: ${m.validation_data}. Standard error of a paired loss (static-8's): ${m.loss_standard_error.toPrecision(2)} ${lossUnit(m)}, budget ${m.budget} (${f(m.budget / m.loss_standard_error, 1)} standard errors). Hardware: the first ${m.hardware_sequences} test sequences, batch 1.\n\n${designTable(m)}\n${findings(m).map((x) => `- ${x}`).join('\n')}\n`,
    );
  }
  if (e.size_sweep.length) {
    parts.push(`## Hardware across DeepBench LSTM sizes (batch 1), by share of 8-bit steps\n\n${sweepTable(e.size_sweep)}`);
  }
  return parts.join('\n');
}
