/**
 * bit_serial_mod's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the synthesis-calibrated model of ./cost-area.ts of the tile engine's PE: a fixed part and a
 *   per-lane part in gate equivalents plus the fp32 cross-group accumulator file, one entry per array pass
 *   (docs/estimate.md "Calibration").
 * - Energy: the BitMoD PE of the authors' spreadsheet at 28 nm, 1 GHz, with registers: 0.586 mW
 *   (../shared/reference/bitmod.md; github yc2367/BitMoD hardware/PE_Area_Power.xlsx, whose area is
 *   1793.7 µm²), for 4 lanes; other lane counts scale linearly (qacc's first-order rule).
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   mod_tile one bsmPassCycles schedule per array pass with every group at the first candidate's cycles per
 *   weight (as a timing-only simulation takes them: every 3- or 4-bit BitMoD type 2 cycles, so mixtures of one
 *   width are exact), dequant and writeback.
 * - The authors' simulator models it as a bit-serial 4-lane dot-product unit with pe_energy 0.56 and
 *   pe_area 1507.7 (sim/test_bitmod.py), weights at element bits + 8 scale bits per 128-weight group.
 */
import { PE_AREA_CALIBRATION } from '../../arch/gate-area.js';
import { linearAreaUm2 } from '../../estimate/area-model.js';
import type { CostFacet } from '../facets/cost.js';
import { bitSerialModAreaModel, engineAccumulatorEntries } from './cost-area.js';
import { bitSerialModEngineArea, bitSerialModEngineGrowth } from './cost-engine.js';
import { termSchedule } from './golden.js';
import { bsmDequantCycles, bsmFillCycles, bsmPassCycles, bsmSpillCycles, bsmWritebackCycles } from './timing.js';

/** The authors' BitMoD PE (4 lanes): power at 1 GHz, mW. */
const POWER_MW = 0.586;

export const bitSerialModCost: CostFacet<'bit_serial_mod'> = {
  areaModel: bitSerialModAreaModel,
  peCost(pe, array) {
    const s = pe.lanes / 4;
    const { fixed, lane } = bitSerialModAreaModel.coefficients;
    const t = bitSerialModAreaModel.terms(pe, array);
    const entries = engineAccumulatorEntries(pe, array);
    const file = t.ramBits > 0 ? `${t.ramBits} RAM bits` : `${t.fixedGe} GE`;
    return {
      areaUm2: linearAreaUm2(bitSerialModAreaModel, pe, array),
      energyPerCyclePj: POWER_MW * s,
      source: `engine PE: ${fixed} GE + ${lane} GE × ${pe.lanes} lanes + ${file} (fp32 cross-group file, ${entries} ${entries === 1 ? 'entry' : 'entries'}) (${PE_AREA_CALIBRATION}); energy: BitMoD PE 0.586 mW at 1 GHz (authors' PE_Area_Power.xlsx, ../shared/reference/bitmod.md), × lanes/4`,
    };
  },
  peakModes(pe) {
    return [{ mode: `${pe.activations.format.name} x ${pe.weights.elementBits}-bit weights (${pe.cyclesPerWeight} cycles/weight)`, macsPerCycle: pe.macsPerCycle }];
  },
  modeOf() {
    return 0;
  },
  computeCycles(t, inst, tile) {
    switch (inst.kind) {
      case 'mod_tile': {
        const cpw = termSchedule(t.golden.candidates[0]).cycles;
        const groups = Math.ceil(tile.k / t.groupSize);
        let total = 0;
        for (let i = 0; i < tile.m; i += t.array.cols) {
          for (let j = 0; j < tile.n; j += t.array.rows) {
            total += bsmPassCycles(t, Math.min(t.array.cols, tile.m - i), Math.min(t.array.rows, tile.n - j), tile.k, new Array<number>(groups).fill(cpw));
          }
        }
        return total;
      }
      case 'dequant':
        return bsmDequantCycles(t, tile.n, inst.use_cscale);
      case 'writeback':
        return bsmWritebackCycles(t, tile.m, tile.n);
      case 'acc_spill':
        return bsmSpillCycles(t, tile.m, tile.n);
      case 'acc_fill':
        return bsmFillCycles(t, tile.m, tile.n);
      default:
        return 0;
    }
  },
  authorsPe(pe) {
    return { peClass: 'BitMoD (bit-serial)', bitSerial: true, dotProduct: pe.lanes, weightBits: pe.weights.elementBits + pe.scaleBits / pe.groupSize, peEnergyPj: 0.56, peAreaUm2: 1507.7 };
  },
  engineGrowth: bitSerialModEngineGrowth,
  engineArea: (_pe, array, t) => bitSerialModEngineArea(array, t),
  // The designs' PEs are the engine's (`<top>_bsm_engine_pe`, ./rtl-engine.ts, engine_bit_serial_mod_pe*.v.hbs),
  // not the PE-level top (bit_serial_mod_pe*.v.hbs): the engine decodes terms once per row and multiplies by
  // the channel scale at writeback (one multiplier per output slot); each PE holds one fp32 entry per pass.
  arrayPeModule: '_bsm_engine_pe',
};
