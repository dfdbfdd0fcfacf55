/**
 * An independent re-derivation of the `bitmod_rtl` group datapath, written from the authors' Verilog
 * (yc2367/BitMoD hardware/pe: exp_match.v, bs_mul.v, grp_accum.v) as docs/golden.md describes it, for the
 * tests. It does not import src/golden: registers are BigInt bit patterns masked to their declared widths,
 * `>>>` is written as a floor division of the signed value, and the normalizer's priority cases are a
 * table of the leading-one positions. Weight terms come from the hand-written table of bitmod-oracle.ts.
 */
import { rational, type Rational } from '../../../src/formats/rational.js';
import { oracleSchedule, oracleTerms } from './bitmod-oracle.js';

/** The authors' accumulator registers: the 15-bit mantissa pattern as a signed value and the 6-bit exponent. */
export interface RtlOracleAcc {
  man: bigint;
  exp: number;
}

/** Two's complement value of the low `bits` bits of x. */
function signedBits(x: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, x);
}

function floorShift(x: bigint, d: number): bigint {
  const q = 2n ** BigInt(d);
  const r = x / q;
  return x < 0n && r * q !== x ? r - 1n : r;
}

/** grp_accum.v normalize: the right shift for a leading one of the 23-bit magnitude pattern at bit p. */
const NORM_SHIFT: ReadonlyMap<number, number> = new Map([
  [21, 8],
  [20, 7],
  [19, 6],
  [18, 5],
  [17, 4],
  [16, 3],
  [15, 2],
  [14, 1],
  [13, 0],
]);

/** One group: the registers after every step-cycle and the exact dequantized value (M · scale exact). */
export function oracleGroupRtl(type: string, acts: readonly number[], codes: readonly number[], scale: number): { states: RtlOracleAcc[]; value: Rational } {
  const { cycles, sigs, unit } = oracleSchedule(type);
  let acc: RtlOracleAcc = { man: 0n, exp: 0 };
  const states: RtlOracleAcc[] = [];
  for (let base = 0; base < acts.length; base += 4) {
    for (let c = 0; c < cycles; c++) {
      // exp_match: v_exp = a_exp + w_exp for all four lanes; a missing lane is a +0 activation with no term.
      const lanes = [0, 1, 2, 3].map((i) => {
        const k = base + i;
        const code = k < acts.length ? acts[k] : 0;
        const t = k < acts.length ? oracleTerms(type, codes[k])[c] : null;
        const e = (code >> 10) & 31;
        const man = e === 31 ? 0n : BigInt((e === 0 ? 0 : 1024) | (code & 1023));
        return { v: Math.max(e, 1) + (t ? t.e : 0), man: t ? man : 0n, neg: (code >= 0x8000) !== (t ? t.neg : false) };
      });
      const vmax = Math.max(...lanes.map((l) => l.v));
      // bs_mul: {man, (14 − δ) zeros} in 25 bits, top 14 kept; δ > 14 gives 0; negate; add.
      let L = 0n;
      for (const l of lanes) {
        const d = vmax - l.v;
        const out = d > 14 ? 0n : (l.man << BigInt(14 - d)) >> 11n;
        L += l.neg ? -out : out;
      }
      // grp_accum: max_exp, right-shifted stored mantissa, left-shifted lane sum, 23-bit add.
      const maxExp = Math.max(acc.exp, vmax);
      const delta = maxExp - acc.exp;
      const in2 = delta > 13 ? 0n : floorShift(acc.man, delta);
      const in1 = L * 2n ** BigInt(sigs[c]);
      const sum = signedBits(in1 + in2, 23);
      const mag = BigInt.asUintN(23, sum < 0n ? -sum : sum);
      const p = mag === 0n ? -1 : mag.toString(2).length - 1;
      const k = NORM_SHIFT.get(p) ?? 0;
      acc = { man: signedBits(floorShift(sum, k), 15), exp: (maxExp + k) & 63 };
      states.push({ ...acc });
    }
  }
  const r = acc.man * BigInt(scale);
  const e = acc.exp + unit - 28;
  return { states, value: e >= 0 ? rational(r * 2n ** BigInt(e)) : rational(r, 2n ** BigInt(-e)) };
}
