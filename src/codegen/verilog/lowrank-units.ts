/** Moved to src/pe/lowrank-gemm/rtl-units.ts (issue 12); this re-export keeps the old path until step 2. */
export * from '../../pe/lowrank-gemm/rtl-units.js';
