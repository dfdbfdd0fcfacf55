/** Moved to src/pe/bit-serial-mod/rtl-engine.ts (issue 12); this re-export keeps the old path until step 2. */
export * from '../../pe/bit-serial-mod/rtl-engine.js';
