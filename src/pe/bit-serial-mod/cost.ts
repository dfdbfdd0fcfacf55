/**
 * bit_serial_mod's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area and energy: the BitMoD PE of the authors' spreadsheet at 28 nm, 1 GHz, with registers:
 *   1793.7 µm², 0.586 mW (../shared/reference/bitmod.md; github yc2367/BitMoD hardware/PE_Area_Power.xlsx),
 *   for 4 lanes; other lane counts scale linearly (qacc's first-order rule).
 * - Steady state: a mod_tile pass of k reduction elements costs Σ_groups ceil(len / lanes) · cycles per weight
 *   (every 3- or 4-bit BitMoD type 2 cycles; a per_group intN ceil(N / 2)); passes = ceil(m / cols) ·
 *   ceil(n / rows). The 8-cycle dequantization hides under a group's ≥ 32 cycles and is not counted.
 * - The authors' simulator models it as a bit-serial 4-lane dot-product unit with pe_energy 0.56 and
 *   pe_area 1507.7 (sim/test_bitmod.py), weights at element bits + 8 scale bits per 128-weight group.
 */
import type { CostFacet } from '../facets/cost.js';

/** The authors' BitMoD PE (4 lanes). */
const AREA_UM2 = 1793.7;
const POWER_MW = 0.586;

export const bitSerialModCost: CostFacet<'bit_serial_mod'> = {
  peCost(pe) {
    const s = pe.lanes / 4;
    return { areaUm2: AREA_UM2 * s, energyPerCyclePj: POWER_MW * s, source: 'BitMoD PE, 28 nm with registers: 1793.7 µm², 0.586 mW at 1 GHz (authors\' PE_Area_Power.xlsx, ../shared/reference/bitmod.md), × lanes/4' };
  },
  peakModes(pe) {
    return [{ mode: `${pe.activations.format.name} x ${pe.weights.elementBits}-bit weights (${pe.cyclesPerWeight} cycles/weight)`, macsPerCycle: pe.macsPerCycle }];
  },
  modeOf() {
    return 0;
  },
  computeCycles(t, inst, tile) {
    if (inst.kind !== 'mod_tile') return 0;
    const pe = t.pe;
    const passes = Math.ceil(tile.m / t.array.cols) * Math.ceil(tile.n / t.array.rows);
    let steps = 0;
    for (let s = 0; s < tile.k; s += pe.groupSize) steps += Math.ceil(Math.min(pe.groupSize, tile.k - s) / pe.lanes);
    return passes * steps * pe.cyclesPerWeight;
  },
  authorsPe(pe) {
    return { peClass: 'BitMoD (bit-serial)', bitSerial: true, dotProduct: pe.lanes, weightBits: pe.weights.elementBits + pe.scaleBits / pe.groupSize, peEnergyPj: 0.56, peAreaUm2: 1507.7 };
  },
};
