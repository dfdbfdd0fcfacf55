/**
 * The golden datapath models: the one exact definition of each PE kind's arithmetic (bit_serial_mod,
 * simd_mac, lowrank_gemm, mac), their float64 ideal references and error metrics. See docs/golden.md.
 */
export * from './types.js';
export * from './errors.js';
export * from './bit-serial-mod.js';
export * from './bit-serial-mod-rtl.js';
export * from './simd-mac.js';
export * from './lowrank-gemm.js';
export * from './mac.js';
export * from './ideal.js';
export * from './metrics.js';
export * from './gemm.js';
export { addRounded, fmaRounded, fp32Add, fp32Mul, wideFormat } from './common.js';
