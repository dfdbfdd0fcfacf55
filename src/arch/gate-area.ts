/**
 * Gate and RAM area at 28 nm for the PE kinds' synthesis-calibrated area models (src/pe/<folder>/cost.ts):
 * a model counts its datapath in gate equivalents (GE, a NAND2) and its small register files in bits, and
 * this turns both into µm² on the same basis as `qacc estimate --synth generic` (src/estimate/synth/area.ts:
 * GE / 3.9 at TSMC 28 nm raw gate density, RAM bits at the 6T cell / 70% array efficiency). It sits at the
 * arch layer so the kinds' cost facets can use it; src/estimate/technology.ts re-exports the constants
 * (one statement of each, sources in that file's header).
 */

/** Area of one gate equivalent (NAND2) at 28 nm, µm² (TSMC, VLSI 2009: 3,900 kGate/mm² raw). */
export const GATE_EQUIVALENT_UM2 = 1 / 3.9;

/** 6T SRAM bit cell at 28 nm (TSMC, VLSI 2009), µm². */
export const SRAM_BITCELL_UM2 = 0.127;

/** Fraction of an SRAM macro that is bit cells (qacc's assumption). */
export const SRAM_ARRAY_EFFICIENCY = 0.7;

/** µm² of one gate equivalent at 28 nm. */
export const GE_UM2_28NM = GATE_EQUIVALENT_UM2;

/** µm² of one SRAM bit at 28 nm, array overhead included. */
export const SRAM_BIT_UM2_28NM = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFFICIENCY;

/** Synthesis calibration every PE area model was fitted against (docs/estimate.md "Calibration"). */
export const PE_AREA_CALIBRATION = "fitted on Yosys 0.55 generic-flow synthesis of the generated PE (the tile engine's own where the kind's cost facet names it), every flip-flop priced (@yowasp/yosys, 2026-12-07; test/estimate/pe-synth-calibration.json)";

/** µm² at 28 nm of `ge` gate equivalents plus `ramBits` of register-file RAM. */
export function peAreaUm2(ge: number, ramBits = 0): number {
  return ge * GE_UM2_28NM + ramBits * SRAM_BIT_UM2_28NM;
}
