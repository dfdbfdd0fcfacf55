/**
 * Public surface of src/quant: tensors, typed schemes, `quantize`/`dequantize`, the `--block` parser
 * and the ready-made MX / NVFP4 / QLoRA / BitMoD schemes.
 */
export * from './errors.js';
export * from './tensor.js';
export * from './scheme.js';
export * from './quantized.js';
export * from './metrics.js';
export * from './quantize.js';
export * from './presets.js';
export * from './block-spec.js';
export { hadamardRotate, hadamardUnrotate, hadamardSigns } from './hadamard.js';
export { OLIVE_ABFLOAT, OLIVE_VICTIM } from './olive.js';
export { mxEmax, mxElementShift } from './mx.js';
export { candidateQmax } from './mixture.js';
export { doubleQuantAbsmax } from './double-quant.js';
