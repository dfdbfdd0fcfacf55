/** Moved to src/pe/mac/rtl-engine.ts (issue 12); this re-export keeps the old path until step 2. */
export * from '../../pe/mac/rtl-engine.js';
