/** Compatibility re-export (issue 12): this kind's golden model lives in src/pe/lowrank-gemm/golden.ts. */
export * from '../pe/lowrank-gemm/golden.js';
