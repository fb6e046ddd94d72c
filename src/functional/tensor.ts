/**
 * Shared types of the functional (numerical) model. Weights use PyTorch's parameter names
 * (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0, and the _reverse suffix
 * for the backward direction), so a torch.nn.LSTM / torch.nn.GRU saved as safetensors loads
 * directly. Heads around the recurrent core use "embedding.weight", "head.weight", "head.bias".
 */

/** A dense row-major float32 tensor. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Named tensors, in PyTorch parameter naming. */
export type TensorMap = Map<string, Tensor>;

export type CellType = 'lstm' | 'gru';

/** Topology of a (possibly multi-layer, bidirectional, projected) recurrent core, as torch.nn.LSTM/GRU. */
export interface RnnTopology {
  readonly cell: CellType;
  readonly input_size: number;
  readonly hidden_size: number;
  /** LSTM projection size (torch proj_size); 0 means no projection. */
  readonly proj_size: number;
  readonly num_layers: number;
  readonly bidirectional: boolean;
}
