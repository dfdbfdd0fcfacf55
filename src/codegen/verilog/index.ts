/**
 * Verilog generation (prepare, then render): parameterized FP/posit building blocks (fp-units), the IR → PE
 * mapping and `qacc build` file set (design), name legalization (names), Handlebars rendering over plain
 * view models (render, emit) and the port contract with the Verilator harness (harness-spec). Each PE kind's
 * generators live in src/pe/<folder>/rtl-*.ts; the pe-* lines below re-export them until step 2 of issue 12.
 */
export * from './design.js';
export * from './emit.js';
export * from './fp-units.js';
export * from './harness-spec.js';
export * from './module-set.js';
export * from './names.js';
export * from './pe-bit-serial-mod.js';
export * from './pe-lowrank.js';
export * from './pe-mac.js';
export * from './pe-simd-mac.js';
export * from './render.js';
