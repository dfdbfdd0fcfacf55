/** Moved to src/pe/simd-mac/rtl-pe.ts (issue 12); this re-export keeps the old path until step 2. */
export * from '../../pe/simd-mac/rtl-pe.js';
