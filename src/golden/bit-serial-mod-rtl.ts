/** Compatibility re-export (issue 12): this kind's golden model lives in src/pe/bit-serial-mod/golden-authors.ts. */
export * from '../pe/bit-serial-mod/golden-authors.js';
