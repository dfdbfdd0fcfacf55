/**
 * The generic golden layer: shared rounding helpers, the dispatch to each PE kind's golden model
 * (gemm.ts, ideal.ts; the models themselves live in src/pe/<folder>/golden*.ts), the float64 ideal
 * references and error metrics. See docs/golden.md.
 */
export * from './types.js';
export * from './errors.js';
export * from './ideal.js';
export * from './metrics.js';
export * from './gemm.js';
export { addRounded, fmaRounded, fp32Add, fp32Mul, wideFormat } from './common.js';
