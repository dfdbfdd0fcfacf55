/**
 * Golden model of the BitMoD bit-serial mixture-of-datatype PE (`bit_serial_mod`), bit for bit.
 * docs/golden.md §bit_serial_mod is the prose version of this file; the two must agree.
 *
 * Algorithm (widths in brackets; "LSB unit" = 2^(u − 28) where u is the weight type's unit exponent):
 * 0. Operands. Activation a: fp16 fields s_a, E (5b), F (10b); significand A = (E≠0)·2^10 + F [11b],
 *    effective exponent Ea = max(E, 1) [5b]; E = 31 (inf/NaN) sets the dot product's NaN flag.
 *    Weight w: a fixed sequence of C power-of-two terms, one per cycle c, each (s, e [2b], m [1b]) plus
 *    a per-cycle shift sig_c [3b] shared by the lanes; w = 2^u · Σ_c (−1)^s · m · 2^(e + sig_c).
 *    - BitMoD / fp4 types (u = −1, C = 2, sig = [1, 0]): v = 2|w| ∈ {0,1,2,3,4,6,8,12,10,16}; cycle 0
 *      carries t0 = the highest power of two of v when v ≥ 2 (else 0), cycle 1 carries t1 = v − t0.
 *    - intN (u = 0, C = ceil(N/2)): radix-4 Booth digits d_j ∈ {0, ±1, ±2} of the value sign-extended to
 *      2C bits, MSB digit first: cycle c holds j = C−1−c with sig = 2j, e = (|d| = 2), m = (d ≠ 0).
 * 1. Exponent match (per step = 4 lanes × one cycle): lane i is active iff m_i = 1 and A_i ≠ 0; its
 *    product exponent P_i = Ea_i + e_i [6b] (0 when inactive); Pmax = max_i P_i [6b].
 * 2. Bit-serial multiply: aligned_i = ⌊(A_i·m_i · 2^3) / 2^(Pmax − P_i)⌋ [14b: 11 bits + 3 guard bits,
 *    bits shifted past the field are dropped]; negated when s_i ⊕ s_a,i [15b two's complement]; a
 *    2-level adder tree sums lanes (0+1), (2+3), then both [17b]: the lane sum L, exact.
 *    The step's value is L · 2^(Pmax + sig) LSB units.
 * 3. Group accumulator (sign S, mantissa M [15b, leading one at bit 14 unless zero], exponent X [6b] =
 *    the LSB-unit exponent of M's leading one, so the value is (−1)^S · M · 2^(X − 14)). Per step with
 *    L ≠ 0 (a zero lane sum leaves the accumulator untouched): T = L · 2^sig [23b signed];
 *    acc = ±M in two's complement with LSB exponent X − 14; the operand with the smaller LSB exponent is
 *    arithmetically shifted right (floor) to the larger one, E = max(X − 14, Pmax); Z = acc' + T' in a
 *    23-bit adder with carry-out [24b signed]; normalize: Z = 0 → zero state (S, M, X) = (0, 0, 0);
 *    else n = bit length of |Z|, X = E + n − 1, M = the 15 bits of |Z| from its leading one down
 *    (lower bits truncated; zero-filled when n < 15), S = (Z < 0).
 * 4. Bit-serial dequantization: R ← 2R + (scale bit b ? M : 0) for b = 7 … 0 (MSB first, 8 cycles)
 *    [23b: exact M · scale]; the group's value is (−1)^S · R · 2^(X − 14) LSB units — exactly an fp32.
 * 5. Across groups (qacc's choice): C ← fp32(C + group value), groups in ascending k order, C₀ = +0.
 *    Then Y = round_out(C · channel scale) with the product exact (fp32 × fp16 fits float64) and one RNE
 *    rounding to fp16 (or fp32). A NaN flag gives the output format's NaN.
 * Order: groups ascending; within a group steps ascending (lanes = k, k+1, k+2, k+3); within a step
 * the weight's cycles in schedule order. A last group / step shorter than groupSize / 4 has inactive lanes.
 * Lanes: the widths above are the BitMoD PE's 4 lanes; `geometry` = bitSerialGeometry(ℓ) for ℓ = 1, 2, 4,
 * 8 or 16 lanes per step keeps the algorithm and grows the adder tree to ⌈log2 ℓ⌉ levels (lane sum
 * 15 + ⌈log2 ℓ⌉ bits) and the group adder to lane sum + 6 bits (with its carry: one more).
 * `datapath = bitmod_rtl` replaces stages 1 and 3 (and stage 4's unsigned mantissa) by the authors' RTL:
 * bit-serial-mod-rtl.ts, whose group function the GEMM below calls per group.
 */
import { FP16, FP32, FP4_E2M1 } from '../../formats/float.js';
import { intFormat } from '../../formats/int.js';
import {
  BITMOD_FP3_EA_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_ER_POS,
} from '../../formats/named-luts.js';
import type { NumberFormatBase } from '../../formats/types.js';
import { bitmodRtlGroupDot } from './golden-authors.js';
import { BITMOD_GEOMETRY, bitSerialGeometry, isSupportedLaneCount, type BitSerialGeometry } from './golden-geometry.js';
import { checkCodes, checkShape, fp32Add } from '../../golden/common.js';
import { GoldenError, invariant } from '../../golden/errors.js';
import type { GemmResult } from '../../golden/types.js';

/** The BitMoD lookup datatypes (standard E2M1 units, see ../shared/reference/bitmod.md). */
export type BitModLutTypeName =
  | 'bitmod_fp4_er_pos'
  | 'bitmod_fp4_er_neg'
  | 'bitmod_fp4_ea_pos'
  | 'bitmod_fp4_ea_neg'
  | 'bitmod_fp3_er_pos'
  | 'bitmod_fp3_er_neg'
  | 'bitmod_fp3_ea_pos'
  | 'bitmod_fp3_ea_neg';

/** Symmetric two's complement integer weights, recoded as radix-4 Booth digits. */
export type BitSerialIntTypeName = 'int2' | 'int3' | 'int4' | 'int5' | 'int6' | 'int7' | 'int8';

/**
 * A weight datatype the bit-serial PE accepts: a BitMoD type, plain fp4_e2m1 (its −0 code is 0) or an
 * integer type.
 */
export type BitSerialWeightType = BitModLutTypeName | 'fp4_e2m1' | BitSerialIntTypeName;

/**
 * Which group datapath a bit_serial_mod PE computes (docs/golden.md §bit_serial_mod): `qacc` (the default,
 * qacc's datapath) or `bitmod_rtl` (bit-faithful to the authors' PE modules, yc2367/BitMoD hardware/pe).
 */
export const BIT_SERIAL_DATAPATHS = ['qacc', 'bitmod_rtl'] as const;
export type BitSerialDatapath = (typeof BIT_SERIAL_DATAPATHS)[number];

export interface BitSerialModConfig {
  readonly kind: 'bit_serial_mod';
  /** The group datapath; absent = 'qacc'. */
  readonly datapath?: BitSerialDatapath;
  /** Weights per group along K (one datatype selector and one 8-bit scale each). Multiple of 4, 4..512. */
  readonly groupSize: number;
  /** The datatypes a group may select; a group's selector is an index into this list (1..4 entries). */
  readonly candidates: readonly BitSerialWeightType[];
  /** Format of Y after the per-channel scale. */
  readonly output: 'fp16' | 'fp32';
  /** The datapath's widths; absent = BITMOD_GEOMETRY. Must be bitSerialGeometry(lanes) (the widths follow the lanes). */
  readonly geometry?: BitSerialGeometry;
}

/** Operands of a bit_serial_mod GEMM. G = ceil(K / groupSize). */
export interface BitSerialModOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** fp16 codes, [M × K]. */
  readonly activations: ArrayLike<number>;
  /** Weight codes in the group's selected datatype, [N × K]. */
  readonly weights: ArrayLike<number>;
  /** Index into `candidates` per group, [N × G]. */
  readonly selectors: ArrayLike<number>;
  /** Unsigned 8-bit integer group scales, [N × G]. */
  readonly groupScales: ArrayLike<number>;
  /** fp16 codes of the per-output-channel scale, [N]. */
  readonly channelScales: ArrayLike<number>;
}

/** The datapath's widths, named once (BSM_* constants before issue 12). */
const GEO = BITMOD_GEOMETRY;

/** One power-of-two weight term as the PE receives it in one cycle. */
export interface WeightTerm {
  /** Sign bit. */
  readonly sign: 0 | 1;
  /** 2-bit term exponent. */
  readonly exponent: number;
  /** The weight bit: 0 = no term this cycle. */
  readonly bit: 0 | 1;
}

/** How a weight type is serialized: cycles, the shared per-cycle shifts and each code's terms. */
export interface TermSchedule {
  readonly type: BitSerialWeightType;
  /** Code width in bits. */
  readonly bits: number;
  /** Cycles per weight. */
  readonly cycles: number;
  /** 3-bit bit-significance shift of each cycle, shared by the lanes. */
  readonly sigs: readonly number[];
  /** u: weight value = 2^u · Σ terms. */
  readonly unitExponent: number;
  /** The format that decodes the type's codes (for the ideal reference). */
  readonly format: NumberFormatBase;
  /** Terms of a code, one per cycle. */
  terms(code: number): readonly WeightTerm[];
}

/** Flat tables behind a TermSchedule: index code · cycles + c. */
interface ScheduleTables extends TermSchedule {
  readonly termSign: Uint8Array;
  readonly termExp: Uint8Array;
  readonly termBit: Uint8Array;
  /** The three packed for the hot path: bit | exponent << 1 | sign << 3. */
  readonly termPacked: Int32Array;
}

const LUT_FORMATS: Record<string, NumberFormatBase> = {
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

const INT_BITS: Record<string, number> = { int2: 2, int3: 3, int4: 4, int5: 5, int6: 6, int7: 7, int8: 8 };

/**
 * Radix-4 Booth digits of a two's complement integer, least significant first: the value is sign-extended
 * to an even width 2J and d_j = −2·b(2j+1) + b(2j) + b(2j−1) with b(−1) = 0, so value = Σ d_j · 4^j.
 */
export function boothDigits(value: number, bits: number): number[] {
  const width = bits + (bits & 1);
  const bit = (i: number): number => (i < 0 ? 0 : i >= width ? (value < 0 ? 1 : 0) : (value >> i) & 1);
  const digits: number[] = [];
  for (let j = 0; j < width / 2; j++) digits.push(-2 * bit(2 * j + 1) + bit(2 * j) + bit(2 * j - 1));
  return digits;
}

/** Splits v = 2|w| of an fp4/fp3 BitMoD value into the two cycle terms (t0 with sig 1, t1 with sig 0). */
function lutTerms(v: number): [number, number] {
  const t0 = v >= 2 ? 2 ** Math.floor(Math.log2(v)) : 0;
  return [t0, v - t0];
}

/** True for the names of the weight types the bit-serial PE serializes (BitSerialWeightType). */
export function isBitSerialWeightType(name: string): name is BitSerialWeightType {
  return name in LUT_FORMATS || name in INT_BITS;
}

const scheduleCache = new Map<BitSerialWeightType, ScheduleTables>();

/** The term schedule of a weight type (cached). Throws GoldenError for an unknown type. */
export function termSchedule(type: BitSerialWeightType): TermSchedule {
  return scheduleTables(type);
}

function scheduleTables(type: BitSerialWeightType): ScheduleTables {
  const cached = scheduleCache.get(type);
  if (cached) return cached;
  let format: NumberFormatBase;
  let cycles: number;
  let sigs: number[];
  let unitExponent: number;
  let termsOf: (value: number) => WeightTerm[];
  const lut = LUT_FORMATS[type];
  const intBits = INT_BITS[type];
  if (lut) {
    format = lut;
    cycles = 2;
    sigs = [1, 0];
    unitExponent = -1;
    termsOf = (value) => {
      const v = 2 * Math.abs(value);
      const [t0, t1] = lutTerms(v);
      const sign: 0 | 1 = value < 0 ? 1 : 0;
      invariant(Number.isInteger(v) && t0 <= 16 && (t1 === 0 || (Number.isInteger(Math.log2(t1)) && t1 <= 8)), `${type} value ${value} has no 2-term form`);
      return [
        t0 === 0 ? { sign: 0, exponent: 0, bit: 0 } : { sign, exponent: Math.log2(t0) - 1, bit: 1 },
        t1 === 0 ? { sign: 0, exponent: 0, bit: 0 } : { sign, exponent: Math.log2(t1), bit: 1 },
      ];
    };
  } else if (intBits !== undefined) {
    format = intFormat(intBits, true);
    cycles = Math.ceil(intBits / 2);
    sigs = Array.from({ length: cycles }, (_, c) => 2 * (cycles - 1 - c));
    unitExponent = 0;
    termsOf = (value) =>
      boothDigits(value, intBits)
        .reverse()
        .map((d) => (d === 0 ? { sign: 0, exponent: 0, bit: 0 } : { sign: d < 0 ? 1 : 0, exponent: Math.abs(d) === 2 ? 1 : 0, bit: 1 }));
  } else {
    throw new GoldenError('bad-config', `bit_serial_mod: unknown weight type '${String(type)}'`);
  }
  const codes = 2 ** format.bits;
  const termSign = new Uint8Array(codes * cycles);
  const termExp = new Uint8Array(codes * cycles);
  const termBit = new Uint8Array(codes * cycles);
  const perCode: WeightTerm[][] = [];
  for (let code = 0; code < codes; code++) {
    const terms = termsOf(format.decode(code));
    perCode.push(terms);
    terms.forEach((t, c) => {
      termSign[code * cycles + c] = t.sign;
      termExp[code * cycles + c] = t.exponent;
      termBit[code * cycles + c] = t.bit;
    });
  }
  const termPacked = Int32Array.from(termBit, (b, i) => b | (termExp[i] << 1) | (termSign[i] << 3));
  const tables: ScheduleTables = {
    type,
    bits: format.bits,
    cycles,
    sigs,
    unitExponent,
    format,
    terms: (code) => {
      const t = perCode[code];
      if (t === undefined) throw new GoldenError('bad-operands', `${type}: ${code} is not a ${format.bits}-bit code`);
      return t;
    },
    termSign,
    termExp,
    termBit,
    termPacked,
  };
  scheduleCache.set(type, tables);
  return tables;
}

// ---------------------------------------------------------------------------------------------------
// Activation fields (fp16 bit fields, by table)
// ---------------------------------------------------------------------------------------------------

let actTables: { sig: Uint16Array; exp: Uint8Array; sign: Uint8Array; special: Uint8Array } | undefined;

function activationTables(): NonNullable<typeof actTables> {
  if (actTables) return actTables;
  const sig = new Uint16Array(65536);
  const exp = new Uint8Array(65536);
  const sign = new Uint8Array(65536);
  const special = new Uint8Array(65536);
  for (let code = 0; code < 65536; code++) {
    const e = (code >> 10) & 0x1f;
    const f = code & 0x3ff;
    sign[code] = code >> 15;
    special[code] = e === 31 ? 1 : 0;
    sig[code] = e === 31 ? 0 : (e === 0 ? 0 : 1 << 10) | f;
    exp[code] = e === 0 ? 1 : e === 31 ? 0 : e;
  }
  actTables = { sig, exp, sign, special };
  return actTables;
}

/** The datapath's view of an fp16 activation code. */
export interface ActivationFields {
  readonly sign: 0 | 1;
  /** 11-bit significand with the hidden bit (0 for zero and for inf/NaN). */
  readonly significand: number;
  /** Effective biased exponent max(E, 1), 1..30 (0 for inf/NaN). */
  readonly exponent: number;
  /** True for inf/NaN (E = 31). */
  readonly special: boolean;
}

export function activationFields(code: number): ActivationFields {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new GoldenError('bad-operands', `${code} is not an fp16 code`);
  const t = activationTables();
  return { sign: t.sign[code] as 0 | 1, significand: t.sig[code], exponent: t.exp[code], special: t.special[code] === 1 };
}

// ---------------------------------------------------------------------------------------------------
// Stages 1–4 as separate, traceable functions (the GEMM path below inlines the same arithmetic)
// ---------------------------------------------------------------------------------------------------

/** One lane of one step: an fp16 activation code and the weight's term for this cycle. */
export interface LaneInput {
  readonly activation: number;
  readonly term: WeightTerm;
}

/** Intermediate values of stages 1–2 for one step. */
export interface StepTrace {
  readonly sig: number;
  /** Per lane: P_i (0 when inactive). */
  readonly productExponents: readonly number[];
  readonly maxExponent: number;
  /** Per lane: the 14-bit aligned significand (before negation). */
  readonly aligned: readonly number[];
  /** Per lane: the signed 15-bit value entering the adder tree. */
  readonly signed: readonly number[];
  /** Level-1 adder outputs: lanes 0+1 and 2+3 (16-bit; absent lanes count 0). */
  readonly pairSums: readonly [number, number];
  /** The 17-bit signed lane sum L. */
  readonly laneSum: number;
  /** True when some lane's activation is inf/NaN. */
  readonly special: boolean;
}

/** Stages 1–2 of one step: exponent match, alignment with truncation, signed adder tree. */
export function bitSerialStep(lanes: readonly LaneInput[], sig: number, width: number = GEO.lanes): StepTrace {
  if (lanes.length > width) throw new GoldenError('bad-operands', `a step has at most ${width} lanes, got ${lanes.length}`);
  const P: number[] = [];
  const A: number[] = [];
  const S: number[] = [];
  let special = false;
  for (let i = 0; i < width; i++) {
    const lane = lanes[i];
    if (!lane) {
      P.push(0);
      A.push(0);
      S.push(0);
      continue;
    }
    const f = activationFields(lane.activation);
    special ||= f.special;
    const active = lane.term.bit === 1 && f.significand !== 0;
    P.push(active ? f.exponent + lane.term.exponent : 0);
    A.push(active ? f.significand : 0);
    S.push(f.sign ^ lane.term.sign);
  }
  const maxExponent = Math.max(...P);
  const aligned = A.map((a, i) => alignSignificand(a, maxExponent - P[i]));
  const signed = aligned.map((a, i) => (S[i] ? -a : a));
  const pairSums: [number, number] = [(signed[0] ?? 0) + (signed[1] ?? 0), (signed[2] ?? 0) + (signed[3] ?? 0)];
  return { sig, productExponents: P, maxExponent, aligned, signed, pairSums, laneSum: signed.reduce((x, y) => x + y, 0), special };
}

/** Stage 2's alignment: the 11-bit significand placed above 3 guard bits, shifted right by d, truncated. */
export function alignSignificand(significand: number, d: number): number {
  return d >= GEO.alignBits ? 0 : (significand << GEO.guardBits) >> d;
}

/** The group accumulator's state: value (−1)^sign · mantissa · 2^(exponent − 14) LSB units. */
export interface GroupAccumulator {
  readonly sign: 0 | 1;
  /** 15-bit mantissa, leading one at bit 14 (0 for the zero state). */
  readonly mantissa: number;
  /** 6-bit exponent of the leading one (0 for the zero state). */
  readonly exponent: number;
}

export const ZERO_ACCUMULATOR: GroupAccumulator = { sign: 0, mantissa: 0, exponent: 0 };

/** Intermediate values of stage 3 for one step. */
export interface AccumulateTrace {
  readonly before: GroupAccumulator;
  /** T = L · 2^sig (23-bit signed) with LSB exponent `termExponent` (= Pmax). */
  readonly term: number;
  readonly termExponent: number;
  /** Common LSB exponent E after alignment. */
  readonly commonExponent: number;
  /** The two adder operands after alignment (two's complement values). */
  readonly alignedAccumulator: number;
  readonly alignedTerm: number;
  /** Z, the 24-bit signed sum. */
  readonly sum: number;
  readonly after: GroupAccumulator;
  /** False when L = 0 and the accumulator was left untouched. */
  readonly updated: boolean;
}

/** Arithmetic right shift (floor division by 2^d) of an integer with |x| < 2^24. */
function floorShift(x: number, d: number): number {
  return d >= 25 ? (x < 0 ? -1 : 0) : x >> d;
}

/** Stage 3: adds one step's lane sum into the group accumulator (align, 23-bit add + carry, normalize). */
export function accumulateStep(before: GroupAccumulator, laneSum: number, maxExponent: number, sig: number, geometry: BitSerialGeometry = GEO): AccumulateTrace {
  if (laneSum === 0) {
    return { before, term: 0, termExponent: maxExponent, commonExponent: before.exponent - 14, alignedAccumulator: 0, alignedTerm: 0, sum: 0, after: before, updated: false };
  }
  const term = laneSum * 2 ** sig;
  const accLsb = before.exponent - (GEO.mantissaBits - 1);
  const acc = before.sign ? -before.mantissa : before.mantissa;
  let commonExponent: number;
  let alignedAccumulator: number;
  let alignedTerm: number;
  if (maxExponent >= accLsb) {
    commonExponent = maxExponent;
    alignedAccumulator = floorShift(acc, maxExponent - accLsb);
    alignedTerm = term;
  } else {
    commonExponent = accLsb;
    alignedAccumulator = acc;
    alignedTerm = floorShift(term, accLsb - maxExponent);
  }
  const sum = alignedAccumulator + alignedTerm;
  return { before, term, termExponent: maxExponent, commonExponent, alignedAccumulator, alignedTerm, sum, after: normalize(sum, commonExponent, geometry), updated: true };
}

/** Leading-one normalization of a signed sum (adderBits + 1 bits, 24 for 4 lanes) with LSB exponent e to sign + 15-bit mantissa + 6-bit exponent. */
export function normalize(sum: number, e: number, geometry: BitSerialGeometry = GEO): GroupAccumulator {
  invariant(Math.abs(sum) <= 2 ** geometry.adderBits, `group sum ${sum} exceeds ${geometry.adderBits + 1} bits`);
  if (sum === 0) return ZERO_ACCUMULATOR;
  const mag = Math.abs(sum);
  const n = 32 - Math.clz32(mag);
  const exponent = e + n - 1;
  invariant(exponent >= 0 && exponent < 2 ** GEO.exponentBits, `accumulator exponent ${exponent} exceeds 6 bits`);
  const mantissa = n > GEO.mantissaBits ? mag >>> (n - GEO.mantissaBits) : mag << (GEO.mantissaBits - n);
  return { sign: sum < 0 ? 1 : 0, mantissa, exponent };
}

/** Stage 4's result: the 8 partial products (after each scale bit, MSB first) and the final 23-bit R. */
export interface DequantTrace {
  readonly partials: readonly number[];
  readonly product: number;
}

/** Stage 4: bit-serial multiply of the 15-bit mantissa by the 8-bit group scale, MSB first. */
export function dequantizeMantissa(mantissa: number, scale: number): DequantTrace {
  if (!Number.isInteger(scale) || scale < 0 || scale > 255) throw new GoldenError('bad-operands', `group scale ${scale} is not an 8-bit unsigned integer`);
  const partials: number[] = [];
  let r = 0;
  for (let b = GEO.scaleBits - 1; b >= 0; b--) {
    r = 2 * r + ((scale >> b) & 1 ? mantissa : 0);
    partials.push(r);
  }
  invariant(r < 2 ** GEO.dequantBits, 'dequantization register exceeds 23 bits');
  return { partials, product: r };
}

/** One step of a group dot: which 4-weight step and which cycle, with its stage traces. */
export interface GroupStepTrace {
  readonly step: number;
  readonly cycle: number;
  readonly lanes: StepTrace;
  readonly accumulate: AccumulateTrace;
}

/** The full trace and result of one group's dot product on the PE. */
export interface GroupDotResult {
  readonly steps: readonly GroupStepTrace[];
  /** Accumulator state at the end of the group (before dequantization). */
  readonly accumulator: GroupAccumulator;
  readonly dequant: DequantTrace;
  /** The dequantized group value (−1)^S · R · 2^(X − 14 + u − 28), an exact fp32 value (0 when R = 0). */
  readonly value: number;
  /** True when an activation was inf/NaN. */
  readonly special: boolean;
}

/**
 * One group on one PE: activations (fp16 codes) · weights (codes of `type`), group scale (uint8).
 * Steps of `width` lanes (4 unless given) in ascending order, each weight's cycles in schedule order. The GEMM path computes
 * exactly this (test/golden checks that they agree).
 */
export function bitSerialModGroupDot(activations: ArrayLike<number>, weights: ArrayLike<number>, type: BitSerialWeightType, scale: number, width: number = GEO.lanes): GroupDotResult {
  const sched = scheduleTables(type);
  if (activations.length !== weights.length) throw new GoldenError('bad-operands', `group dot: ${activations.length} activations but ${weights.length} weights`);
  checkCodes(activations, activations.length, 16, 'activations');
  checkCodes(weights, weights.length, sched.bits, `${type} weights`);
  const geometry = width === GEO.lanes ? GEO : bitSerialGeometry(width);
  const steps: GroupStepTrace[] = [];
  let acc = ZERO_ACCUMULATOR;
  let special = false;
  for (let base = 0, step = 0; base < activations.length; base += width, step++) {
    for (let c = 0; c < sched.cycles; c++) {
      const lanes: LaneInput[] = [];
      for (let i = base; i < Math.min(base + width, activations.length); i++) {
        lanes.push({ activation: activations[i], term: sched.terms(weights[i])[c] });
      }
      const lt = bitSerialStep(lanes, sched.sigs[c], width);
      special ||= lt.special;
      const at = accumulateStep(acc, lt.laneSum, lt.maxExponent, lt.sig, geometry);
      acc = at.after;
      steps.push({ step, cycle: c, lanes: lt, accumulate: at });
    }
  }
  const dequant = dequantizeMantissa(acc.mantissa, scale);
  return { steps, accumulator: acc, dequant, value: groupValue(acc.sign, dequant.product, acc.exponent, sched.unitExponent), special };
}

/** (−1)^S · R · 2^(X − 14 + u − 28) as a float64 (exact: R < 2^23). */
function groupValue(sign: number, r: number, exponent: number, unitExponent: number): number {
  if (r === 0) return 0;
  const v = r * 2 ** (exponent - (GEO.mantissaBits - 1) + unitExponent + GEO.lsbExponent);
  return sign ? -v : v;
}

// ---------------------------------------------------------------------------------------------------
// GEMM
// ---------------------------------------------------------------------------------------------------

/** The datapath geometry of a config: BITMOD_GEOMETRY (4 lanes) unless it declares other lanes. */
export function bitSerialConfigGeometry(config: BitSerialModConfig): BitSerialGeometry {
  return config.geometry ?? GEO;
}

/** Checks a bit_serial_mod config; throws GoldenError on a bad one. */
export function checkBitSerialModConfig(config: BitSerialModConfig): void {
  const g = config.groupSize;
  const lanes = bitSerialConfigGeometry(config).lanes;
  if (!Number.isInteger(g) || g < lanes || g > 512 || g % lanes !== 0) throw new GoldenError('bad-config', `bit_serial_mod: groupSize must be a multiple of the ${lanes} lanes in ${lanes}..512, got ${g}`);
  if (config.candidates.length < 1 || config.candidates.length > 4) throw new GoldenError('bad-config', `bit_serial_mod: 1 to 4 candidate types, got ${config.candidates.length}`);
  for (const t of config.candidates) scheduleTables(t);
  if (config.output !== 'fp16' && config.output !== 'fp32') throw new GoldenError('bad-config', `bit_serial_mod: output must be fp16 or fp32`);
  if (config.datapath !== undefined && config.datapath !== 'qacc' && config.datapath !== 'bitmod_rtl') throw new GoldenError('bad-config', `bit_serial_mod: datapath must be qacc or bitmod_rtl`);
  const geo = config.geometry;
  if (geo !== undefined) {
    if (!isSupportedLaneCount(geo.lanes)) throw new GoldenError('bad-config', `bit_serial_mod: lanes must be a power of two in 1..16, got ${geo.lanes}`);
    if (config.datapath === 'bitmod_rtl' && geo.lanes !== GEO.lanes) throw new GoldenError('bad-config', `bit_serial_mod: the bitmod_rtl datapath has ${GEO.lanes} lanes`);
    const want = bitSerialGeometry(geo.lanes);
    for (const key of Object.keys(want) as (keyof BitSerialGeometry)[]) {
      if (geo[key] !== want[key]) throw new GoldenError('bad-config', `bit_serial_mod: ${key} must be ${want[key]} for ${geo.lanes} lanes (the datapath's width), got ${geo[key]}`);
    }
  }
}

/** Number of groups along K. */
export function groupCount(k: number, groupSize: number): number {
  return Math.ceil(k / groupSize);
}

/**
 * The bit_serial_mod GEMM: Y[m, n] = round_out(s_ch[n] · fp32-Σ_g group(m, n, g)), see the file header.
 * Written on the step functions below (the simulator calls the same ones per tile).
 */
export function bitSerialModGemm(config: BitSerialModConfig, ops: BitSerialModOperands): GemmResult {
  checkBitSerialModConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  const G = groupCount(K, config.groupSize);
  const scheds = config.candidates.map(scheduleTables);
  checkCodes(ops.activations, M * K, 16, 'activations');
  checkCodes(ops.selectors, N * G, 2, 'selectors');
  checkCodes(ops.groupScales, N * G, 8, 'groupScales');
  checkCodes(ops.channelScales, N, 16, 'channelScales');
  for (let i = 0; i < N * G; i++) {
    if (ops.selectors[i] >= scheds.length) throw new GoldenError('bad-operands', `selectors[${i}] = ${ops.selectors[i]} but there are ${scheds.length} candidates`);
  }
  if (ops.weights.length !== N * K) throw new GoldenError('bad-operands', `weights: expected ${N * K} codes, got ${ops.weights.length}`);
  for (let r = 0; r < N; r++) {
    for (let g = 0; g < G; g++) {
      const limit = 2 ** scheds[ops.selectors[r * G + g]].bits;
      for (let k = g * config.groupSize; k < Math.min(K, (g + 1) * config.groupSize); k++) {
        const c = ops.weights[r * K + k];
        if (!Number.isInteger(c) || c < 0 || c >= limit) throw new GoldenError('bad-operands', `weights[${r * K + k}]: ${c} is not a code of ${config.candidates[ops.selectors[r * G + g]]}`);
      }
    }
  }
  const codes = new Uint32Array(M * N);
  for (let ni = 0; ni < N; ni++) {
    for (let mi = 0; mi < M; mi++) {
      let c = 0;
      for (let g = 0; g < G; g++) {
        const start = g * config.groupSize;
        const len = Math.min(K, start + config.groupSize) - start;
        const type = config.candidates[ops.selectors[ni * G + g]];
        c = bitSerialModCrossGroup(c, bitSerialModGroupValue(config, ops.activations, mi * K + start, ops.weights, ni * K + start, len, type, ops.groupScales[ni * G + g]));
      }
      codes[mi * N + ni] = bitSerialModOutputCode(config, bitSerialModScaled(c, ops.channelScales[ni]));
    }
  }
  return { format: config.output, m: M, n: N, codes };
}

// ---------------------------------------------------------------------------------------------------
// Step functions: the GEMM above and the simulator (sim.ts) compute only through these
// ---------------------------------------------------------------------------------------------------

/**
 * Stages 1–4 of one group on the PE: activations[aOff + i] (fp16 codes) · weights[wOff + i] (codes of
 * `type`), i < len, dequantized by the 8-bit group `scale`. Returns the group's value, an exact fp32 value
 * (bitSerialModGroupDot's `value`, or bitmodRtlGroupDot's for `datapath = bitmod_rtl`), or NaN when an
 * activation is inf/NaN (the output then is the output format's NaN). Codes are not range-checked here.
 */
export function bitSerialModGroupValue(config: BitSerialModConfig, activations: ArrayLike<number>, aOff: number, weights: ArrayLike<number>, wOff: number, len: number, type: BitSerialWeightType, scale: number): number {
  const act = activationTables();
  for (let i = 0; i < len; i++) if (act.special[activations[aOff + i]]) return NaN;
  if (config.datapath === 'bitmod_rtl') {
    const a = new Array<number>(len);
    const w = new Array<number>(len);
    for (let i = 0; i < len; i++) {
      a[i] = activations[aOff + i];
      w[i] = weights[wOff + i];
    }
    return bitmodRtlGroupDot(a, w, type, scale).value;
  }
  const lanes = bitSerialConfigGeometry(config).lanes;
  const sched = scheduleTables(type);
  return lanes === 4 ? runGroup4(act, activations, aOff, weights, wOff, len, sched, scale) : runGroupN(act, activations, aOff, weights, wOff, len, sched, scale, lanes);
}

/** Stage 5: the cross-group fp32 adder, C ← fp32(C + group value) (groups ascending, C₀ = +0). */
export function bitSerialModCrossGroup(c: number, groupValue: number): number {
  return fp32Add(c, groupValue);
}

/** C · s_ch exactly (an fp32 value times an fp16 value fits a float64); `channelScale` is an fp16 code. */
export function bitSerialModScaled(c: number, channelScale: number): number {
  return c * FP16.decode(channelScale);
}

/** Y's code: the scaled value rounded once (RNE) to the output format; NaN gives the format's NaN. */
export function bitSerialModOutputCode(config: BitSerialModConfig, y: number): number {
  return (config.output === 'fp16' ? FP16 : FP32).encode(y);
}

type ActTables = ReturnType<typeof activationTables>;

/** Stage 3 on plain integers (same arithmetic as accumulateStep + normalize), state packed in `st`. */
function accumulateInto(st: Int32Array, laneSum: number, pmax: number, sig: number): void {
  const term = laneSum * (1 << sig);
  const accLsb = st[2] - (GEO.mantissaBits - 1);
  const accV = st[0] ? -st[1] : st[1];
  let e: number;
  let sum: number;
  if (pmax >= accLsb) {
    e = pmax;
    sum = floorShift(accV, pmax - accLsb) + term;
  } else {
    e = accLsb;
    sum = accV + floorShift(term, accLsb - pmax);
  }
  if (sum === 0) {
    st[0] = 0;
    st[1] = 0;
    st[2] = 0;
    return;
  }
  const mag = sum < 0 ? -sum : sum;
  const n = 32 - Math.clz32(mag);
  st[2] = e + n - 1;
  st[1] = n > GEO.mantissaBits ? mag >>> (n - GEO.mantissaBits) : mag << (GEO.mantissaBits - n);
  st[0] = sum < 0 ? 1 : 0;
}

/**
 * The hot path for 4 lanes: one group, stages 1–4 on plain integers with the lanes unrolled (no
 * allocation). Returns the group value exactly as bitSerialModGroupDot's `value` (test/golden compares both
 * paths with the independent model). Activations through the fp16 field tables, weight terms through the
 * schedule's packed table (bit | e << 1 | sign << 3 at code · cycles + c).
 */
function runGroup4(act: ActTables, acts: ArrayLike<number>, aOff: number, wgts: ArrayLike<number>, wOff: number, len: number, sched: ScheduleTables, scale: number): number {
  const C = sched.cycles;
  const sigs = sched.sigs;
  const packed = sched.termPacked;
  const aSig = act.sig;
  const aExp = act.exp;
  const aSgn = act.sign;
  let accS = 0;
  let accM = 0;
  let accX = 0;
  for (let base = 0; base < len; base += 4) {
    const lanes = len - base;
    const a0 = acts[aOff + base];
    const a1 = lanes > 1 ? acts[aOff + base + 1] : 0;
    const a2 = lanes > 2 ? acts[aOff + base + 2] : 0;
    const a3 = lanes > 3 ? acts[aOff + base + 3] : 0;
    const w0 = wgts[wOff + base] * C;
    const w1 = lanes > 1 ? wgts[wOff + base + 1] * C : 0;
    const w2 = lanes > 2 ? wgts[wOff + base + 2] * C : 0;
    const w3 = lanes > 3 ? wgts[wOff + base + 3] * C : 0;
    for (let c = 0; c < C; c++) {
      // Stage 1: lane i active iff its term bit is set and its significand is nonzero; P_i = Ea + e.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      let n0 = 0, n1 = 0, n2 = 0, n3 = 0;
      let t = packed[w0 + c];
      if (t & 1 && aSig[a0] !== 0) {
        s0 = aSig[a0];
        p0 = aExp[a0] + ((t >> 1) & 3);
        n0 = aSgn[a0] ^ (t >> 3);
      }
      if (lanes > 1) {
        t = packed[w1 + c];
        if (t & 1 && aSig[a1] !== 0) {
          s1 = aSig[a1];
          p1 = aExp[a1] + ((t >> 1) & 3);
          n1 = aSgn[a1] ^ (t >> 3);
        }
      }
      if (lanes > 2) {
        t = packed[w2 + c];
        if (t & 1 && aSig[a2] !== 0) {
          s2 = aSig[a2];
          p2 = aExp[a2] + ((t >> 1) & 3);
          n2 = aSgn[a2] ^ (t >> 3);
        }
      }
      if (lanes > 3) {
        t = packed[w3 + c];
        if (t & 1 && aSig[a3] !== 0) {
          s3 = aSig[a3];
          p3 = aExp[a3] + ((t >> 1) & 3);
          n3 = aSgn[a3] ^ (t >> 3);
        }
      }
      const pmax = Math.max(p0, p1, p2, p3);
      // Stage 2: alignment with truncation, sign, exact adder tree.
      let d = pmax - p0;
      let al = d >= GEO.alignBits ? 0 : (s0 << GEO.guardBits) >> d;
      let laneSum = n0 ? -al : al;
      d = pmax - p1;
      al = d >= GEO.alignBits ? 0 : (s1 << GEO.guardBits) >> d;
      laneSum += n1 ? -al : al;
      d = pmax - p2;
      al = d >= GEO.alignBits ? 0 : (s2 << GEO.guardBits) >> d;
      laneSum += n2 ? -al : al;
      d = pmax - p3;
      al = d >= GEO.alignBits ? 0 : (s3 << GEO.guardBits) >> d;
      laneSum += n3 ? -al : al;
      if (laneSum === 0) continue;
      // Stage 3 (same arithmetic as accumulateStep + normalize).
      const term = laneSum * (1 << sigs[c]);
      const accLsb = accX - (GEO.mantissaBits - 1);
      const accV = accS ? -accM : accM;
      let e: number;
      let sum: number;
      if (pmax >= accLsb) {
        e = pmax;
        sum = floorShift(accV, pmax - accLsb) + term;
      } else {
        e = accLsb;
        sum = accV + floorShift(term, accLsb - pmax);
      }
      if (sum === 0) {
        accS = 0;
        accM = 0;
        accX = 0;
        continue;
      }
      const mag = sum < 0 ? -sum : sum;
      const n = 32 - Math.clz32(mag);
      accX = e + n - 1;
      accM = n > GEO.mantissaBits ? mag >>> (n - GEO.mantissaBits) : mag << (GEO.mantissaBits - n);
      accS = sum < 0 ? 1 : 0;
    }
  }
  // Stage 4: R = M · scale exactly (the MSB-first shift-add of dequantizeMantissa computes this product).
  return groupValue(accS, accM * scale, accX, sched.unitExponent);
}

/** The same group for any lane count: stages 1–2 looped over the lanes, stage 3 by accumulateInto. */
function runGroupN(act: ActTables, acts: ArrayLike<number>, aOff: number, wgts: ArrayLike<number>, wOff: number, len: number, sched: ScheduleTables, scale: number, lanes: number): number {
  const C = sched.cycles;
  const st = new Int32Array(3);
  const sig = new Int32Array(lanes);
  const pe = new Int32Array(lanes);
  const neg = new Int32Array(lanes);
  for (let base = 0; base < len; base += lanes) {
    const width = Math.min(lanes, len - base);
    for (let c = 0; c < C; c++) {
      let pmax = 0;
      for (let i = 0; i < width; i++) {
        const a = acts[aOff + base + i];
        const t = sched.termPacked[wgts[wOff + base + i] * C + c];
        const active = t & 1 && act.sig[a] !== 0;
        sig[i] = active ? act.sig[a] : 0;
        pe[i] = active ? act.exp[a] + ((t >> 1) & 3) : 0;
        neg[i] = act.sign[a] ^ (t >> 3);
        if (pe[i] > pmax) pmax = pe[i];
      }
      let laneSum = 0;
      for (let i = 0; i < width; i++) {
        const al = alignSignificand(sig[i], pmax - pe[i]);
        laneSum += neg[i] ? -al : al;
      }
      if (laneSum !== 0) accumulateInto(st, laneSum, pmax, sched.sigs[c]);
    }
  }
  return groupValue(st[0], st[1] * scale, st[2], sched.unitExponent);
}
