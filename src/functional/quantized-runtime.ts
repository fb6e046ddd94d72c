/**
 * What a quantized network needs per layer, built once per (model, config): the integer
 * activation units and the per-precision caches of the parameter codes. Shared by the batched
 * path (quantized-network.ts) and the one-sequence reference (reference-quantized-network.ts).
 */
import { IntegerActivation } from './activation-tables.js';
import type { IntegerGruUnits } from './integer-gru-cell.js';
import type { IntegerLstmUnits } from './integer-lstm-cell.js';
import type { LayerQuantization, QuantizationConfig } from './quantization-config.js';
import { IntegerParamsCache } from './quantized-params.js';
import type { Rounding } from './fixed-point.js';
import type { RnnModel } from './rnn-model.js';

export interface LayerRuntime {
  readonly quantization: LayerQuantization;
  readonly lstmUnits: IntegerLstmUnits;
  readonly gruUnits: IntegerGruUnits;
  /** One cache per direction. */
  readonly params: IntegerParamsCache[];
  /** Rounding of weights and matrix-vector inputs reduced below the static precision. */
  readonly reductionRounding: Rounding;
}

export function buildLayerRuntimes(model: RnnModel, config: QuantizationConfig): LayerRuntime[] {
  const rounding = config.reductionRounding ?? 'half_even';
  return config.layers.map((lq, l) => {
    const sigmoid = new IntegerActivation('sigmoid', lq.sigmoid, lq.gate, lq.activation);
    const tanhGate = new IntegerActivation('tanh', lq.tanh, lq.gate, lq.activation);
    const tanhCell = new IntegerActivation('tanh', lq.tanh, lq.cell, lq.activation);
    return {
      quantization: lq,
      lstmUnits: { sigmoid, tanhGate, tanhCell, activation: lq.activation, gate: lq.gate, cell: lq.cell },
      gruUnits: { sigmoid, tanhGate, activation: lq.activation, gate: lq.gate },
      params: model.layers[l].map((p) => new IntegerParamsCache(p, lq.weight, rounding)),
      reductionRounding: rounding,
    };
  });
}
