/**
 * An independent re-derivation of the bit_serial_mod datapath from docs/golden.md, for the tests. It does
 * not import src/golden: everything is BigInt, the weight-term table is written out by hand from the
 * spec, and truncations are written as floor divisions of exact integers. Only the format library is
 * used (to decode weight codes and to round the fp32 / fp16 results, which is that library's job).
 */
import { FP16, FP32 } from '../../../src/formats/float.js';
import { BITMOD_FP3_EA_NEG, BITMOD_FP3_EA_POS, BITMOD_FP3_ER_NEG, BITMOD_FP3_ER_POS, BITMOD_FP4_EA_NEG, BITMOD_FP4_EA_POS, BITMOD_FP4_ER_NEG, BITMOD_FP4_ER_POS } from '../../../src/formats/named-luts.js';
import { FP4_E2M1 } from '../../../src/formats/float.js';
import { add, fromNumber, mul, rational, toNumber, type Rational } from '../../../src/formats/rational.js';
import type { NumberFormatBase } from '../../../src/formats/types.js';

/** A term: cycle index, exponent e, sign; absent cycles carry no term. */
export interface OracleTerm {
  readonly sig: number;
  readonly e: number;
  readonly neg: boolean;
}

export const ORACLE_LUTS: Record<string, NumberFormatBase> = {
  bitmod_fp4_er_pos: BITMOD_FP4_ER_POS,
  bitmod_fp4_er_neg: BITMOD_FP4_ER_NEG,
  bitmod_fp4_ea_pos: BITMOD_FP4_EA_POS,
  bitmod_fp4_ea_neg: BITMOD_FP4_EA_NEG,
  bitmod_fp3_er_pos: BITMOD_FP3_ER_POS,
  bitmod_fp3_er_neg: BITMOD_FP3_ER_NEG,
  bitmod_fp3_ea_pos: BITMOD_FP3_EA_POS,
  bitmod_fp3_ea_neg: BITMOD_FP3_EA_NEG,
  fp4_e2m1: FP4_E2M1,
};

/**
 * Hand-written from the spec: |w| (standard units) → [cycle-0 e, cycle-1 e] (null = no term). Cycle 0 has
 * sig 1, cycle 1 sig 0, unit 2^−1, so a term is worth 2^(e + sig − 1).
 */
const LUT_TERMS: ReadonlyMap<number, readonly [number | null, number | null]> = new Map([
  [0, [null, null]],
  [0.5, [null, 0]], // 2^(0+0−1)
  [1, [0, null]], // 2^(0+1−1)
  [1.5, [0, 0]],
  [2, [1, null]],
  [3, [1, 1]], // 2 + 1
  [4, [2, null]],
  [5, [2, 1]], // 4 + 1
  [6, [2, 2]], // 4 + 2
  [8, [3, null]],
]);

/** Cycles per weight and the per-cycle shifts of a type. */
export function oracleSchedule(type: string): { cycles: number; sigs: number[]; unit: number } {
  if (type in ORACLE_LUTS) return { cycles: 2, sigs: [1, 0], unit: -1 };
  const bits = Number(type.slice(3));
  const cycles = Math.ceil(bits / 2);
  return { cycles, sigs: Array.from({ length: cycles }, (_, c) => 2 * (cycles - 1 - c)), unit: 0 };
}

/** The terms of a weight code, one entry per cycle (null = no term). */
export function oracleTerms(type: string, code: number): (OracleTerm | null)[] {
  const lut = ORACLE_LUTS[type];
  if (lut) {
    const w = lut.decode(code);
    const t = LUT_TERMS.get(Math.abs(w));
    if (!t) throw new Error(`no terms for ${w}`);
    return t.map((e, c) => (e === null ? null : { sig: 1 - c, e, neg: w < 0 }));
  }
  const bits = Number(type.slice(3));
  const width = bits + (bits % 2);
  // Two's complement bits of the code, sign-extended to `width`.
  let v = BigInt(code);
  if (code >= 2 ** (bits - 1)) v -= 1n << BigInt(bits);
  const u = BigInt.asUintN(width, v);
  const b = (i: number): bigint => (i < 0 ? 0n : (u >> BigInt(i)) & 1n);
  const out: (OracleTerm | null)[] = [];
  for (let j = width / 2 - 1; j >= 0; j--) {
    const d = -2n * b(2 * j + 1) + b(2 * j) + b(2 * j - 1);
    out.push(d === 0n ? null : { sig: 2 * j, e: d === 2n || d === -2n ? 1 : 0, neg: d < 0n });
  }
  return out;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : (x < 0n ? -x : x).toString(2).length;
}

/** Accumulator state as the spec defines it. */
export interface OracleAcc {
  neg: boolean;
  mant: bigint;
  exp: number;
}

/** fp16 fields from the code's bits. */
function fp16(code: number): { neg: boolean; sig: bigint; exp: number; special: boolean } {
  const e = (code >> 10) & 31;
  const f = BigInt(code & 1023);
  return { neg: code >= 0x8000, sig: e === 0 ? f : e === 31 ? 0n : 1024n + f, exp: e === 0 ? 1 : e, special: e === 31 };
}

/**
 * One group through the spec with `lanes` weights per step (4 in BitMoD); returns the accumulator after each
 * step and the exact group value. The lane sum and the group adder are exact BigInts here, so the spec's
 * widths for other lane counts (a wider adder tree and group adder) need no modelling: nothing wraps.
 */
export function oracleGroup(type: string, acts: readonly number[], codes: readonly number[], scale: number, lanes = 4): { states: OracleAcc[]; value: Rational; special: boolean } {
  const { cycles, unit } = oracleSchedule(type);
  let acc: OracleAcc = { neg: false, mant: 0n, exp: 0 };
  const states: OracleAcc[] = [];
  let special = false;
  for (let base = 0; base < acts.length; base += lanes) {
    for (let c = 0; c < cycles; c++) {
      const active: { p: number; sig: bigint; neg: boolean }[] = [];
      for (let i = base; i < Math.min(base + lanes, acts.length); i++) {
        const a = fp16(acts[i]);
        special ||= a.special;
        const t = oracleTerms(type, codes[i])[c];
        if (t === null || a.sig === 0n) continue;
        active.push({ p: a.exp + t.e, sig: a.sig, neg: a.neg !== t.neg });
      }
      const sigShift = oracleSchedule(type).sigs[c];
      const pmax = Math.max(0, ...active.map((l) => l.p));
      let L = 0n;
      for (const l of active) {
        // 14-bit field: significand · 8, divided by 2^(pmax − p), fraction dropped (value ≥ 0).
        const aligned = (l.sig * 8n) / 2n ** BigInt(pmax - l.p);
        L += l.neg ? -aligned : aligned;
      }
      if (L !== 0n) {
        const T = L * 2n ** BigInt(sigShift);
        const accLsb = acc.exp - 14;
        const A = acc.neg ? -acc.mant : acc.mant;
        let E: number;
        let Z: bigint;
        if (pmax >= accLsb) {
          E = pmax;
          Z = floorDiv(A, 2n ** BigInt(pmax - accLsb)) + T;
        } else {
          E = accLsb;
          Z = A + floorDiv(T, 2n ** BigInt(accLsb - pmax));
        }
        if (Z === 0n) acc = { neg: false, mant: 0n, exp: 0 };
        else {
          const n = bitLen(Z);
          const mag = Z < 0n ? -Z : Z;
          const mant = n > 15 ? mag / 2n ** BigInt(n - 15) : mag * 2n ** BigInt(15 - n);
          acc = { neg: Z < 0n, mant, exp: E + n - 1 };
        }
      }
      states.push({ ...acc });
    }
  }
  const r = acc.mant * BigInt(scale);
  const e = acc.exp - 14 + unit - 28;
  const mag = e >= 0 ? rational(r * 2n ** BigInt(e)) : rational(r, 2n ** BigInt(-e));
  return { states, value: acc.neg ? rational(-mag.num, mag.den) : mag, special };
}

/**
 * The spec's GEMM on top of a group model (oracleGroup, or bitmod-rtl-oracle.ts oracleGroupRtl) with `lanes` per step: fp32
 * cross-group sum, then fp16/fp32 channel scaling; an inf/NaN activation gives NaN.
 */
export function oracleGemm(
  groupSize: number,
  candidates: readonly string[],
  output: 'fp16' | 'fp32',
  m: number,
  k: number,
  n: number,
  acts: readonly number[],
  weights: readonly number[],
  selectors: readonly number[],
  scales: readonly number[],
  channel: readonly number[],
  group: (type: string, acts: readonly number[], codes: readonly number[], scale: number, lanes: number) => { value: Rational } = oracleGroup,
  lanes = 4,
): number[] {
  const G = Math.ceil(k / groupSize);
  const out = output === 'fp16' ? FP16 : FP32;
  const codes: number[] = [];
  for (let mi = 0; mi < m; mi++) {
    for (let ni = 0; ni < n; ni++) {
      let C: Rational = rational(0n);
      let special = false;
      for (let g = 0; g < G; g++) {
        const lo = g * groupSize;
        const hi = Math.min(k, lo + groupSize);
        const acts1 = acts.slice(mi * k + lo, mi * k + hi);
        const r = group(
          candidates[selectors[ni * G + g]],
          acts1,
          weights.slice(ni * k + lo, ni * k + hi),
          scales[ni * G + g],
          lanes,
        );
        special ||= acts1.some((a) => ((a >> 10) & 31) === 31);
        C = fromNumber(FP32.decode(FP32.encode(add(C, r.value))));
      }
      const s = FP16.decode(channel[ni]);
      // A zero or non-finite product follows IEEE signs (0 · −s = −0); otherwise the exact product is rounded once.
      const zeroOrSpecial = C.num === 0n || !Number.isFinite(s) || s === 0;
      codes.push(special ? out.encode(NaN) : zeroOrSpecial ? out.encode(toNumber(C) * s) : out.encode(mul(C, fromNumber(s))));
    }
  }
  return codes;
}
