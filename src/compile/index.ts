/**
 * The workload compiler: workload specs (gemm / model), the mapping of an elaborated accelerator to a
 * golden config and buffer spaces, tiling, packed DRAM images and ISA programs.
 */
export * from './errors.js';
export * from './workload.js';
export * from './target.js';
export * from './operands.js';
export * from './pack.js';
export * from './program.js';
export * from './isa-limits.js';
export * from './dma.js';
export * from './plan.js';
export * from './compact.js';
export { scheduleGemm, scheduleReport, rooflineBound, type GemmSchedule, type ScheduleReport, type Schedule, type LoopOrder, type Resident, type RooflineBound } from './schedule/index.js';
