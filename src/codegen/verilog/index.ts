/**
 * Verilog generation (prepare, then render): parameterized FP/posit building blocks (fp-units), the IR → PE
 * mapping and `qacc build` file set (design), name legalization (names), Handlebars rendering over plain
 * view models (render, emit) and the port contract with the Verilator harness (harness-spec). Each PE kind's
 * generators live in src/pe/<folder>/rtl-*.ts, reached through the RTL registry (src/pe/facets/rtl.ts).
 */
export * from './design.js';
export * from './emit.js';
export * from './fp-units.js';
export * from './harness-spec.js';
export * from './module-set.js';
export * from './names.js';
export * from './render.js';
