/** Compatibility re-export (issue 12): this kind's golden model lives in src/pe/simd-mac/golden.ts. */
export * from '../pe/simd-mac/golden.js';
