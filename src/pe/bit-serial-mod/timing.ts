/**
 * Cycle counts of bit_serial_mod's tile engine (engine_bit_serial_mod of docs/array-rtl.md): mod_tile,
 * dequant and writeback, as closed forms. The rules are documented in src/sim/timing.ts's header,
 * section "bit_serial_mod".
 */
import type { Target } from '../../compile/target.js';
import { EPILOGUE_DEPTH } from '../../sim/cycle-rules.js';
import { BITMOD_GEOMETRY } from './golden-geometry.js';
import { bsmChunkElements, bsmWritebackSlots } from './microarch.js';

/** Cycles of the bit-serial dequantization of one group (one per group-scale bit, BITMOD_GEOMETRY.scaleBits). */
export const BSM_DEQUANT_CYCLES = BITMOD_GEOMETRY.scaleBits;

/** Cycles of the bit_serial_mod engine's dequantization of a group (8 bit-serial steps, 1 fp32 add). */
export const BSM_DEQUANT_ADD_CYCLES = BSM_DEQUANT_CYCLES + 1;

/** Cycles of one bit_serial_mod pass of m' × n' × k (see the header: bit_serial_mod mod_tile). */
export function bsmPassCycles(
  t: Target,
  m: number,
  n: number,
  k: number,
  cyclesPerWeight: readonly number[],
): number {
  const lanes = BITMOD_GEOMETRY.lanes; // schema.ts rejects other lane counts (E414)
  const gs = t.groupSize;
  const eAct = Math.max(1, bsmChunkElements(t.portBytes.act, t.bits.act, lanes));
  const eWgt = Math.max(1, bsmChunkElements(t.portBytes.wgt, t.bits.wgt, lanes));
  const G = Math.ceil(k / gs);
  const metaBytes = n * G + Math.ceil((n * G * t.bits.selector) / 8);
  const metaReads = Math.ceil(metaBytes / Math.max(1, t.portBytes.meta));
  let q = 1;
  for (let g = 0; g < G; g++) {
    const end = Math.min(k, (g + 1) * gs);
    const ready = 2 + Math.max(m * Math.ceil(end / eAct), n * Math.ceil(end / eWgt), metaReads);
    const start = Math.max(q, ready);
    const a = Math.ceil((end - g * gs) / lanes) * cyclesPerWeight[g];
    q = g === 0 ? start + a : Math.max(start + a, q + BSM_DEQUANT_ADD_CYCLES);
  }
  return q + BSM_DEQUANT_ADD_CYCLES;
}

/** Cycles of a bit_serial_mod dequant: channel-scale fetch when use_cscale, else a 1-cycle no-op. */
export function bsmDequantCycles(t: Target, n: number, useCscale: boolean): number {
  return useCscale ? Math.ceil(n / Math.max(1, Math.floor(t.portBytes.meta / 2))) + 2 : 1;
}

/** Cycles of a bit_serial_mod writeback of an m × n tile: m · ceil(n / slots) + 2. */
export function bsmWritebackCycles(t: Target, m: number, n: number): number {
  return m * Math.ceil(n / bsmWritebackSlots(t)) + EPILOGUE_DEPTH;
}
