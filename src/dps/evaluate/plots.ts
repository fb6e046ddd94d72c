/**
 * The evaluation's plots (SVG, Vega-Lite rendered headless): accuracy against mean bits for every
 * design, the accuracy-energy Pareto front per model, the threshold sweep of a policy grid
 * (loss, low-precision share and mean bits against the threshold), and a precision timeline
 * against the cell-state change for one sample sequence.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../reports/plots.js';
import type { ModelEvaluation } from './evaluation.js';
import { paretoDesigns } from './report.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Two lines when long: a rotated axis title taller than the panel pushes the panel's title up. */
function metricTitle(m: ModelEvaluation): string | string[] {
  return m.higher_is_better ? `${m.metric} (test)` : [`${m.metric} (test)`, 'lower is better'];
}

/** Every design: its metric on test against its mean bits, one panel per model. */
export async function accuracyVsBitsSvg(models: readonly ModelEvaluation[]): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: 'Accuracy against mean bits per step, every design',
    hconcat: models.map((m) => ({
      title: m.model,
      width: 260,
      height: 220,
      data: { values: m.designs.filter((d) => d.design !== 'static-min').map((d) => ({ design: d.design, kind: d.kind, bits: d.mean_bits, metric: d.accuracy })) },
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        x: { field: 'bits', type: 'quantitative', title: 'mean bits per step', scale: { zero: false } },
        y: { field: 'metric', type: 'quantitative', title: metricTitle(m), scale: { zero: false } },
        color: { field: 'kind', type: 'nominal', title: 'kind' },
        tooltip: [{ field: 'design' }, { field: 'bits' }, { field: 'metric' }],
      },
    })),
  };
  return renderSvg(spec);
}

/** Energy per sequence against the metric; the Pareto-optimal designs drawn as a line. */
export async function paretoSvg(models: readonly ModelEvaluation[]): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: 'Accuracy against energy per sequence (line: the Pareto front)',
    hconcat: models.map((m) => {
      const front = paretoDesigns(m);
      const values = m.designs.filter((d) => d.design !== 'static-min').map((d) => ({ design: d.design, kind: d.kind, energy: d.energy_uj, metric: d.accuracy, front: front.has(d.design) }));
      return {
        title: m.model,
        width: 260,
        height: 220,
        data: { values },
        layer: [
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x: { field: 'energy', type: 'quantitative', title: 'energy per sequence (uJ)', scale: { zero: false } },
              y: { field: 'metric', type: 'quantitative', title: metricTitle(m), scale: { zero: false } },
              color: { field: 'kind', type: 'nominal' },
              tooltip: [{ field: 'design' }, { field: 'energy' }, { field: 'metric' }],
            },
          },
          {
            transform: [{ filter: 'datum.front' }],
            mark: { type: 'line', color: 'black', strokeDash: [4, 3] },
            encoding: { x: { field: 'energy', type: 'quantitative' }, y: { field: 'metric', type: 'quantitative' } },
          },
        ],
      };
    }),
  };
  return renderSvg(spec);
}

/** A policy grid on validation: loss and mean bits against the threshold, per statistic and delta. */
export async function thresholdSweepSvg(m: ModelEvaluation, design: string): Promise<string> {
  const grid = m.validation.policy_grids[design] ?? [];
  const values = grid.map((g) => ({ threshold: g.thresholds[0], series: g.statistic === 'count_above' ? `share of |dc| > ${g.delta}` : 'max |dc|', loss: g.loss, bits: g.mean_bits }));
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: `${m.model}, ${design}: the policy grid on validation`,
    data: { values },
    hconcat: [
      {
        width: 260,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'threshold', type: 'quantitative', title: 'threshold (first register)' },
          y: { field: 'loss', type: 'quantitative', title: `loss vs static 16 (${m.higher_is_better ? 'points' : 'bpc'})` },
          color: { field: 'series', type: 'nominal', title: 'statistic, delta' },
        },
      },
      {
        width: 260,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'threshold', type: 'quantitative', title: 'threshold (first register)' },
          y: { field: 'bits', type: 'quantitative', title: 'mean bits per step', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: 'statistic, delta' },
        },
      },
    ],
  };
  return renderSvg(spec);
}

export interface TimelinePoint {
  readonly timestep: number;
  readonly bits: number;
  /** The policy's statistic at this step (e.g. the fraction of cell-state elements that changed by more than delta). */
  readonly change: number;
}

/** One sequence: the precision of every step and the cell-state change the policy saw. */
export async function timelineSvg(title: string, points: readonly TimelinePoint[], changeTitle: string): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title,
    data: { values: points.map((p) => ({ ...p })) },
    vconcat: [
      { width: 520, height: 120, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: { field: 'timestep', type: 'quantitative' }, y: { field: 'bits', type: 'quantitative', title: 'bits' } } },
      { width: 520, height: 120, mark: 'line', encoding: { x: { field: 'timestep', type: 'quantitative' }, y: { field: 'change', type: 'quantitative', title: changeTitle } } },
    ],
  };
  return renderSvg(spec);
}
