/** Compatibility re-export (issue 12): this kind's golden model lives in src/pe/mac/golden.ts. */
export * from '../pe/mac/golden.js';
