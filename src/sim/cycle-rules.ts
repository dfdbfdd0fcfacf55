/**
 * The generic cycle rules the simulator builds on, defined in src/arch/cycle-rules.ts (below the simulator,
 * shared with the estimator); re-exported here for the simulator's modules.
 */
export { dmaPortCycles, EPILOGUE_DEPTH, epilogueCycles, groupLengths, passes, readBound, rowReads } from '../arch/cycle-rules.js';
