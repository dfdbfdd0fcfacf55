/** Moved to src/pe/mac/rtl-pe.ts (issue 12); this re-export keeps the old path until step 2. */
export * from '../../pe/mac/rtl-pe.js';
