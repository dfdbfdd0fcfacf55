/**
 * The technology and memory constants of qacc's own cost model (`--cost-model qacc`), each with its source,
 * and their scaling to another node. Every number here is an input a user may want to replace (docs/estimate.md
 * lists them); PE areas and energies live in each kind's src/pe/<folder>/cost.ts (also at 28 nm).
 *
 * - Node: 28 nm, the node of the PE areas the BitMoD authors report (../shared/reference/bitmod.md).
 * - Gate equivalent: one NAND2 of the raw gate density TSMC reported for its 28 nm process, 3,900 kGate/mm²
 *   (VLSI Symposium 2009, "28nm dual/triple gate oxide SoC technology"): 1 GE = 1/3.9 µm².
 * - SRAM: the 6T bit cell of the same paper, 0.127 µm², divided by an array efficiency of 0.7 for
 *   sense amplifiers, decoders and I/O (qacc's assumption; calibrate against a memory compiler or CACTI).
 * - SRAM access energy: Horowitz, "Computing's energy problem" (ISSCC 2014), 45 nm: a 64-bit read from an
 *   8 KB array 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ; interpolated log-linearly in the capacity of one bank and
 *   scaled to the node by node/45 (energy ∝ switched capacitance at a fixed voltage: first order).
 * - DRAM: 18.75 pJ per bit (1,200 pJ per 64-bit DDR access, the BitMoD authors' simulator, sim/accelerator.py).
 * Scaling to another node: area by (node/28)², energy by node/28.
 */

/** The node every built-in area and energy figure is given at. */
export const REFERENCE_NODE_NM = 28;

// Gate and SRAM cell areas are stated once, at the arch layer (the kinds' cost facets use them too).
import { GATE_EQUIVALENT_UM2, SRAM_ARRAY_EFFICIENCY, SRAM_BITCELL_UM2 } from '../arch/gate-area.js';
export { GATE_EQUIVALENT_UM2, SRAM_ARRAY_EFFICIENCY, SRAM_BITCELL_UM2 };

/** Transistors per gate equivalent (a static-CMOS NAND2): GE of Yosys's `stat -tech cmos` transistor counts. */
export const TRANSISTORS_PER_GE = 4;

/** DRAM energy per bit moved, pJ (BitMoD artifact: 1,200 pJ per 64-bit access). */
export const DRAM_PJ_PER_BIT = 18.75;

/** Horowitz ISSCC 2014, 45 nm: energy of a 64-bit SRAM access by array capacity (bytes → pJ). */
const HOROWITZ_SRAM_64BIT_PJ: readonly (readonly [bytes: number, pj: number])[] = [
  [8 * 1024, 10],
  [32 * 1024, 20],
  [1024 * 1024, 100],
];

export const SOURCES = {
  gate: 'TSMC 28 nm raw gate density 3,900 kGate/mm² (VLSI Symposium 2009)',
  sramArea: 'TSMC 28 nm 6T cell 0.127 µm² (VLSI Symposium 2009) / 0.7 array efficiency (qacc assumption)',
  sramEnergy: 'Horowitz ISSCC 2014 (45 nm: 64-bit read 10 pJ @ 8 KB, 20 pJ @ 32 KB, 100 pJ @ 1 MB), log-interpolated per bank, × node/45',
  dram: 'BitMoD simulator (sim/accelerator.py): 1,200 pJ per 64-bit DDR access = 18.75 pJ/bit',
} as const;

/** Area scale from 28 nm to `nodeNm`. */
export function areaScale(nodeNm: number): number {
  return (nodeNm / REFERENCE_NODE_NM) ** 2;
}

/** Energy scale from 28 nm to `nodeNm`. */
export function energyScale(nodeNm: number): number {
  return nodeNm / REFERENCE_NODE_NM;
}

/** SRAM macro area per bit at `nodeNm`, µm². */
export function sramUm2PerBit(nodeNm: number): number {
  return (SRAM_BITCELL_UM2 / SRAM_ARRAY_EFFICIENCY) * areaScale(nodeNm);
}

/**
 * Energy of one byte read or written in an SRAM bank of `bankBytes`, pJ at `nodeNm`: Horowitz's 64-bit figure
 * interpolated log-linearly in capacity (held flat outside 8 KB..1 MB), / 8, × nodeNm / 45.
 */
export function sramPjPerByte(bankBytes: number, nodeNm: number): number {
  const t = HOROWITZ_SRAM_64BIT_PJ;
  let pj64: number;
  if (bankBytes <= t[0][0]) pj64 = t[0][1];
  else if (bankBytes >= t[t.length - 1][0]) pj64 = t[t.length - 1][1];
  else {
    let i = 0;
    while (bankBytes > t[i + 1][0]) i++;
    const [b0, e0] = t[i];
    const [b1, e1] = t[i + 1];
    const f = Math.log(bankBytes / b0) / Math.log(b1 / b0);
    pj64 = e0 * (e1 / e0) ** f;
  }
  return (pj64 / 8) * (nodeNm / 45);
}
