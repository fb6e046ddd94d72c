/** Public API of the functional (numerical) model. */
export * from './tensor.js';
export * from './safetensors.js';
export * from './random.js';
export * from './quantizers.js';
export * from './fixed-point.js';
export * from './activation-tables.js';
export * from './pruning.js';
export * from './rnn-model.js';
export { forwardFloat, type FloatForwardOptions, type FloatForwardResult, type FloatStepObserver, type FloatStepRecord } from './network.js';
export * from './quantization-config.js';
export * from './quantized-network.js';
export * from './range-observer.js';
export * from './post-training.js';
export { ReferenceQuantizedRnn } from './reference-quantized-network.js';
export type { GemmKernel } from './gemm-backend.js';
