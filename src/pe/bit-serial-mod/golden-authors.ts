/**
 * Golden model of the `bitmod_rtl` datapath of the BitMoD PE (`bit_serial_mod` with `datapath = bitmod_rtl`):
 * stages 1–3 bit-faithful to the authors' PE modules (github yc2367/BitMoD, hardware/pe: exp_match.v,
 * bs_mul.v, grp_accum.v). docs/golden.md §bit_serial_mod "The `bitmod_rtl` datapath" is the prose version
 * with file and line citations; the two must agree. Operand unpacking, the weight terms, stage 2, the
 * dequantization (exact, as qacc's), the cross-group fp32 sum and the channel scale are shared with qacc's
 * datapath (bit-serial-mod.ts). What differs (widths in brackets; "LSB unit" as in bit-serial-mod.ts):
 * 1. Exponent match over all four lanes: P_i = Ea_i + e_i [6b] for every lane, whether or not its term bit
 *    is set or its activation is zero (Ea = max(E, 1), E = 31 included; e = 0 for a cycle with no term; a
 *    lane past the end of a short group is a +0 activation with no term, P = 1). Pmax = max_i P_i.
 * 2. As qacc's: aligned_i = ⌊A_i·m_i·2^3 / 2^(Pmax − P_i)⌋ [14b], signed [15b], adder tree → L [17b].
 * 3. Group accumulator, state (S, M, x): M a signed two's complement mantissa [15b], x the LSB exponent of M
 *    [6b] (value M · 2^x LSB units; S the sign of the last sum, carried but unused). Every step-cycle,
 *    also when L = 0:
 *    mx = max(x, Pmax); M' = M >>> (mx − x) when mx − x ≤ 13, else 0 [15b]; T = L · 2^sig [23b];
 *    Z = T + M' wrapped to 23 bits (no carry kept). T is **not** shifted: when x > Pmax it is added as if
 *    its LSB had exponent x. Normalize only on overflow: with q = |Z| as a 23-bit word and p its leading
 *    one, k = p − 13 when 13 ≤ p ≤ 21, else 0 (also for q = 2^22); M = (Z >>> k) mod 2^15 as signed,
 *    x = (mx + k) mod 64, S = (Z < 0). Reset to (0, 0, 0) at every group start.
 * 4. Dequantization (qacc's choice, the authors' 21-bit register would wrap): R = M · scale exactly, by the
 *    MSB-first shift-add on the sign-extended M [23b signed]; the group value is R · 2^(x + u − 28), an
 *    exact fp32 value.
 */
import { alignSignificand, termSchedule, type DequantTrace, type LaneInput, type StepTrace } from './golden.js';
import { checkCodes } from '../../golden/common.js';
import { GoldenError, invariant } from '../../golden/errors.js';
import type { BitSerialWeightType } from './golden.js';
import { BITMOD_GEOMETRY as GEO } from './golden-geometry.js';

/** Largest right shift of the stored mantissa that keeps bits (grp_accum.v shifter_right: 0..13, else 0). */
export const BITMOD_RTL_MAX_ACC_SHIFT = 13;
/**
 * Highest leading-one position of |Z| that needs no normalizing shift (a 15-bit signed mantissa holds it):
 * the mantissa width − 2.
 */
const NO_SHIFT_TOP = GEO.mantissaBits - 2;

/** The authors' group accumulator state: value mantissa · 2^exponent LSB units. */
export interface BitmodRtlAccumulator {
  /** Sign of the last sum (the authors' acc_sign; the value is carried by the signed mantissa). */
  readonly sign: 0 | 1;
  /** 15-bit two's complement mantissa, −2^14 … 2^14 − 1. */
  readonly mantissa: number;
  /** 6-bit LSB exponent of the mantissa. */
  readonly exponent: number;
}

export const BITMOD_RTL_ZERO: BitmodRtlAccumulator = { sign: 0, mantissa: 0, exponent: 0 };

/** Intermediate values of the authors' stage 3 for one step-cycle. */
export interface BitmodRtlAccumulateTrace {
  readonly before: BitmodRtlAccumulator;
  /** mx = max(x, Pmax). */
  readonly maxExponent: number;
  /** The stored mantissa after its right shift by mx − x. */
  readonly alignedAccumulator: number;
  /** T = L · 2^sig (never shifted right). */
  readonly term: number;
  /** Z, the 23-bit wrapped sum. */
  readonly sum: number;
  /** k, the normalizing right shift (0..8). */
  readonly normShift: number;
  readonly after: BitmodRtlAccumulator;
}

/** Wraps an integer to a `bits`-bit two's complement value. */
function wrapSigned(x: number, bits: number): number {
  const m = 2 ** bits;
  const r = ((x % m) + m) % m;
  return r >= m / 2 ? r - m : r;
}

/** Stages 1–2 of one step, the authors' way: every lane's product exponent enters the max. */
export function bitmodRtlStep(lanes: readonly LaneInput[], sig: number): StepTrace {
  if (lanes.length > GEO.lanes) throw new GoldenError('bad-operands', `a step has at most ${GEO.lanes} lanes, got ${lanes.length}`);
  const P: number[] = [];
  const A: number[] = [];
  const S: number[] = [];
  let special = false;
  for (let i = 0; i < GEO.lanes; i++) {
    const lane: LaneInput = lanes[i] ?? { activation: 0, term: { sign: 0, exponent: 0, bit: 0 } };
    const code = lane.activation;
    if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new GoldenError('bad-operands', `${code} is not an fp16 code`);
    const e = (code >> 10) & 0x1f;
    special ||= e === 31;
    const significand = e === 31 ? 0 : (e === 0 ? 0 : 1 << 10) | (code & 0x3ff);
    P.push(Math.max(e, 1) + lane.term.exponent);
    A.push(lane.term.bit === 1 ? significand : 0);
    S.push((code >> 15) ^ lane.term.sign);
  }
  const maxExponent = Math.max(...P);
  const aligned = A.map((a, i) => alignSignificand(a, maxExponent - P[i]));
  const signed = aligned.map((a, i) => (S[i] ? -a : a));
  const pairSums: [number, number] = [signed[0] + signed[1], signed[2] + signed[3]];
  return { sig, productExponents: P, maxExponent, aligned, signed, pairSums, laneSum: pairSums[0] + pairSums[1], special };
}

/** The authors' normalization of a 23-bit sum whose LSB exponent is mx: right shift only on overflow. */
export function bitmodRtlNormalize(sum: number, mx: number): { readonly normShift: number; readonly after: BitmodRtlAccumulator } {
  invariant(Number.isInteger(sum) && sum >= -(2 ** (GEO.adderBits - 1)) && sum < 2 ** (GEO.adderBits - 1), `sum ${sum} is not a 23-bit value`);
  const q = sum < 0 ? -sum : sum;
  // q = 2^22 (Z = −2^22) has its leading one in the sign position: no shift, as the authors' casez default.
  const p = q === 0 || q >= 2 ** (GEO.adderBits - 1) ? -1 : 31 - Math.clz32(q);
  const normShift = p > NO_SHIFT_TOP ? p - NO_SHIFT_TOP : 0;
  const mantissa = wrapSigned(Math.floor(sum / 2 ** normShift), GEO.mantissaBits);
  const exponent = (mx + normShift) % 2 ** GEO.exponentBits;
  return { normShift, after: { sign: sum < 0 ? 1 : 0, mantissa, exponent } };
}

/** Stage 3, the authors' way: right-shift the stored mantissa to max(x, Pmax), add T unshifted, wrap to 23 bits, normalize on overflow. */
export function bitmodRtlAccumulate(before: BitmodRtlAccumulator, laneSum: number, maxExponent: number, sig: number): BitmodRtlAccumulateTrace {
  const mx = Math.max(before.exponent, maxExponent);
  const d = mx - before.exponent;
  const alignedAccumulator = d > BITMOD_RTL_MAX_ACC_SHIFT ? 0 : Math.floor(before.mantissa / 2 ** d);
  const term = laneSum * 2 ** sig;
  const sum = wrapSigned(term + alignedAccumulator, GEO.adderBits);
  const { normShift, after } = bitmodRtlNormalize(sum, mx);
  return { before, maxExponent: mx, alignedAccumulator, term, sum, normShift, after };
}

/** Stage 4 on the signed mantissa: R ← 2R + (scale bit b ? M : 0), b = 7 … 0; R = M · scale exactly. */
export function bitmodRtlDequantize(mantissa: number, scale: number): DequantTrace {
  if (!Number.isInteger(scale) || scale < 0 || scale > 255) throw new GoldenError('bad-operands', `group scale ${scale} is not an 8-bit unsigned integer`);
  const partials: number[] = [];
  let r = 0;
  for (let b = GEO.scaleBits - 1; b >= 0; b--) {
    r = 2 * r + ((scale >> b) & 1 ? mantissa : 0);
    partials.push(r);
  }
  return { partials, product: r };
}

/** One step-cycle of a group dot on the authors' datapath. */
export interface BitmodRtlStepTrace {
  readonly step: number;
  readonly cycle: number;
  readonly lanes: StepTrace;
  readonly accumulate: BitmodRtlAccumulateTrace;
}

/** The full trace and result of one group on the authors' datapath. */
export interface BitmodRtlGroupDotResult {
  readonly steps: readonly BitmodRtlStepTrace[];
  readonly accumulator: BitmodRtlAccumulator;
  readonly dequant: DequantTrace;
  /** R · 2^(x + u − 28), an exact fp32 value. */
  readonly value: number;
  readonly special: boolean;
}

/** One group on the authors' datapath: steps of 4 lanes ascending, each weight's cycles in schedule order. */
export function bitmodRtlGroupDot(activations: ArrayLike<number>, weights: ArrayLike<number>, type: BitSerialWeightType, scale: number): BitmodRtlGroupDotResult {
  const sched = termSchedule(type);
  if (activations.length !== weights.length) throw new GoldenError('bad-operands', `group dot: ${activations.length} activations but ${weights.length} weights`);
  checkCodes(activations, activations.length, 16, 'activations');
  checkCodes(weights, weights.length, sched.bits, `${type} weights`);
  const steps: BitmodRtlStepTrace[] = [];
  let acc = BITMOD_RTL_ZERO;
  let special = false;
  for (let base = 0, step = 0; base < activations.length; base += GEO.lanes, step++) {
    for (let c = 0; c < sched.cycles; c++) {
      const lanes: LaneInput[] = [];
      for (let i = base; i < Math.min(base + GEO.lanes, activations.length); i++) lanes.push({ activation: activations[i], term: sched.terms(weights[i])[c] });
      const lt = bitmodRtlStep(lanes, sched.sigs[c]);
      special ||= lt.special;
      const at = bitmodRtlAccumulate(acc, lt.laneSum, lt.maxExponent, lt.sig);
      acc = at.after;
      steps.push({ step, cycle: c, lanes: lt, accumulate: at });
    }
  }
  const dequant = bitmodRtlDequantize(acc.mantissa, scale);
  const value = dequant.product === 0 ? 0 : dequant.product * 2 ** (acc.exponent + sched.unitExponent + GEO.lsbExponent);
  return { steps, accumulator: acc, dequant, value, special };
}
