/**
 * Golden model of the XR-NPE-style reconfigurable SIMD MAC (`simd_mac`): a dot-product MAC whose 16-bit
 * operand word holds 4 × 4-bit, 2 × 8-bit or 1 × 16-bit elements (fp4_e2m1, posit4_1, int4 / posit8_0,
 * fp8_e4m3, fp8_e5m2, int8 / posit16_1). docs/golden.md §simd_mac is the prose version.
 *
 * Algorithm:
 * - Every element value is a multiple of 2^−F (F = the element format's finest fraction bit: fp4 1,
 *   posit4_1 4, posit8_0 6, fp8_e4m3 9, fp8_e5m2 16, posit16_1 28, ints 0). Products are exact and are
 *   integers in quire units of 2^−2F.
 * - Step t (one operand word per input) covers k = t·lanes … t·lanes + lanes − 1 (missing lanes are 0);
 *   steps run in ascending t.
 * - `exact`: Q ← Q + Σ_lanes a_i·b_i in a two's complement fixed-point quire of
 *   W = 1 + ceil(log2(maxDotLength)) + bitlen(max|a·b| · 2^2F) bits with LSB 2^−2F: it cannot overflow for
 *   K ≤ maxDotLength. The result is output.encode(Q · 2^−2F): one RNE rounding, the output's default
 *   overflow rule.
 * - `round-each-step`: acc ← round_out(acc + Σ_lanes a_i·b_i) per step (the lane sum and the addition exact,
 *   one rounding per step), acc₀ = +0. An IEEE output that overflowed to ±inf stays ±inf (inf + finite).
 * - NaN, NaR or ±inf in any operand of the dot product poisons it: the result is the output's NaN/NaR
 *   (an exact quire has no infinity; qacc does not model IEEE inf arithmetic here).
 */
import { fromNumber, rational, add } from '../../formats/rational.js';
import type { NumberFormatBase } from '../../formats/types.js';
import { addRounded, checkCodes, checkShape, supportedFormat } from '../../golden/common.js';
import { GoldenError } from '../../golden/errors.js';
import type { GemmResult } from '../../golden/types.js';

/** Element formats of the 16-bit SIMD operand word: lanes = 16 / bits. */
export const SIMD_ELEMENT_NAMES = [
  'fp4_e2m1',
  'posit4_1',
  'int4',
  'posit8_0',
  'fp8_e4m3',
  'fp8_e5m2',
  'int8',
  'posit16_1',
] as const;
export type SimdElementName = (typeof SIMD_ELEMENT_NAMES)[number];

/** Formats the SIMD MAC result can be rounded to (each has a NaN or NaR code for poisoned results). */
export const SIMD_OUTPUT_NAMES = ['fp16', 'bf16', 'fp32', 'posit8_0', 'posit16_1'] as const;
export type SimdOutputName = (typeof SIMD_OUTPUT_NAMES)[number];

export interface SimdMacConfig {
  readonly kind: 'simd_mac';
  /** Element format of both operands; the lane count is 16 / its width (4, 2 or 1). */
  readonly element: SimdElementName;
  readonly output: SimdOutputName;
  /**
   * `exact`: quire-style fixed-point accumulation, one final rounding (RNE) to `output`.
   * `round-each-step`: after every step (one operand word = all lanes), acc ← round(acc + Σ lanes),
   * the step's lane sum and the addition exact, one rounding per step.
   */
  readonly accumulation: 'exact' | 'round-each-step';
  /** Longest dot product (K) the accumulator is sized for; sets the quire's carry bits. */
  readonly maxDotLength: number;
}

/** Operands of a simd_mac GEMM: both in `element` codes. */
export interface SimdMacOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** [M × K] element codes. */
  readonly activations: ArrayLike<number>;
  /** [N × K] element codes. */
  readonly weights: ArrayLike<number>;
}

/** The operand word width shared by all modes. */
export const SIMD_WORD_BITS = 16;

/** The number format of an element name. */
export function simdElementFormat(name: SimdElementName): NumberFormatBase {
  return supportedFormat(name, SIMD_ELEMENT_NAMES, 'simd_mac element');
}

/** The number format of an output name. */
export function simdOutputFormat(name: SimdOutputName): NumberFormatBase {
  return supportedFormat(name, SIMD_OUTPUT_NAMES, 'simd_mac output');
}

/** The quire's geometry for a config. */
export interface QuireGeometry {
  /** Elements per 16-bit operand word. */
  readonly lanes: number;
  /** F: every element value is a multiple of 2^−F. */
  readonly elementFractionBits: number;
  /** Largest finite element magnitude. */
  readonly maxElement: number;
  /** Bits of the largest product magnitude in quire units (2^−2F). */
  readonly productBits: number;
  /** ceil(log2(maxDotLength)). */
  readonly carryBits: number;
  /** Total two's complement width: 1 + carryBits + productBits. */
  readonly width: number;
}

/** Per-element-format tables: value, integer value in 2^−F units, special flag. */
interface ElementTables {
  readonly format: NumberFormatBase;
  readonly value: Float64Array;
  readonly scaled: Float64Array;
  readonly scaledBig: readonly bigint[];
  readonly special: Uint8Array;
  readonly fractionBits: number;
  readonly maxElement: number;
}

const elementCache = new Map<SimdElementName, ElementTables>();

function elementTables(name: SimdElementName): ElementTables {
  const cached = elementCache.get(name);
  if (cached) return cached;
  const format = simdElementFormat(name);
  const size = 2 ** format.bits;
  const value = new Float64Array(size);
  const special = new Uint8Array(size);
  let fractionBits = 0;
  let maxElement = 0;
  for (let c = 0; c < size; c++) {
    const v = format.decode(c);
    value[c] = v;
    if (!Number.isFinite(v)) {
      special[c] = 1;
      continue;
    }
    let f = 0;
    while (!Number.isInteger(v * 2 ** f)) f++;
    fractionBits = Math.max(fractionBits, f);
    maxElement = Math.max(maxElement, Math.abs(v));
  }
  const scaled = new Float64Array(size);
  const scaledBig: bigint[] = [];
  for (let c = 0; c < size; c++) {
    const s = special[c] ? 0 : value[c] * 2 ** fractionBits; // exact: a power-of-two scaling
    scaled[c] = s;
    scaledBig.push(BigInt(s));
  }
  const t: ElementTables = { format, value, scaled, scaledBig, special, fractionBits, maxElement };
  elementCache.set(name, t);
  return t;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Checks a simd_mac config; throws GoldenError on a bad one. */
export function checkSimdMacConfig(config: SimdMacConfig): void {
  elementTables(config.element);
  simdOutputFormat(config.output);
  if (config.accumulation !== 'exact' && config.accumulation !== 'round-each-step') {
    throw new GoldenError('bad-config', `simd_mac: accumulation must be exact or round-each-step`);
  }
  if (!Number.isInteger(config.maxDotLength) || config.maxDotLength < 1 || config.maxDotLength > 2 ** 31) {
    throw new GoldenError(
      'bad-config',
      `simd_mac: maxDotLength must be an integer in 1..2^31, got ${config.maxDotLength}`,
    );
  }
}

/** The quire geometry of a config (documented widths: see docs/golden.md). */
export function simdMacQuire(config: SimdMacConfig): QuireGeometry {
  checkSimdMacConfig(config);
  const t = elementTables(config.element);
  const maxScaled = BigInt(t.maxElement * 2 ** t.fractionBits);
  const productBits = bitLength(maxScaled * maxScaled);
  const carryBits = Math.ceil(Math.log2(config.maxDotLength));
  return {
    lanes: SIMD_WORD_BITS / t.format.bits,
    elementFractionBits: t.fractionBits,
    maxElement: t.maxElement,
    productBits,
    carryBits,
    width: 1 + carryBits + productBits,
  };
}

/** One step of a dot product on the SIMD MAC. */
export interface SimdStepTrace {
  readonly step: number;
  /** Exact lane products in quire units (2^−2F). */
  readonly products: readonly bigint[];
  /** Their exact sum. */
  readonly stepSum: bigint;
  /** `exact`: the quire after the step (quire units). */
  readonly quire?: bigint;
  /** `round-each-step`: the accumulator after the step, as an output code. */
  readonly accumulatorCode?: number;
}

export interface SimdDotResult {
  readonly steps: readonly SimdStepTrace[];
  /** The output code. */
  readonly code: number;
  /** True when a NaN/NaR/inf operand poisoned the result. */
  readonly poisoned: boolean;
}

/**
 * One dot product Σ a_k·b_k on the SIMD MAC with a full trace (BigInt arithmetic; the GEMM path below
 * computes the same result with float64 where the quire fits 53 bits).
 */
export function simdMacDot(config: SimdMacConfig, a: ArrayLike<number>, b: ArrayLike<number>): SimdDotResult {
  const geo = simdMacQuire(config);
  const t = elementTables(config.element);
  const out = simdOutputFormat(config.output);
  if (a.length !== b.length)
    throw new GoldenError('bad-operands', `simd_mac dot: ${a.length} vs ${b.length} elements`);
  if (a.length > config.maxDotLength)
    throw new GoldenError(
      'bad-operands',
      `simd_mac dot: length ${a.length} exceeds maxDotLength ${config.maxDotLength}`,
    );
  checkCodes(a, a.length, t.format.bits, 'a');
  checkCodes(b, b.length, t.format.bits, 'b');
  const F2 = 2 * geo.elementFractionBits;
  const steps: SimdStepTrace[] = [];
  let poisoned = false;
  let quire = 0n;
  let acc = 0;
  for (let base = 0, step = 0; base < a.length; base += geo.lanes, step++) {
    const products: bigint[] = [];
    for (let i = base; i < base + geo.lanes; i++) {
      if (i >= a.length) {
        products.push(0n);
        continue;
      }
      if (t.special[a[i]] || t.special[b[i]]) poisoned = true;
      products.push(t.scaledBig[a[i]] * t.scaledBig[b[i]]);
    }
    const stepSum = products.reduce((s, p) => s + p, 0n);
    if (config.accumulation === 'exact') {
      quire += stepSum;
      steps.push({ step, products, stepSum, quire });
    } else {
      // An accumulator that overflowed to ±inf stays there (IEEE: inf + finite = inf).
      const code = Number.isFinite(acc)
        ? out.encode(add(fromNumber(acc), rational(stepSum, 1n << BigInt(F2))))
        : out.encode(acc);
      acc = out.decode(code);
      steps.push({ step, products, stepSum, accumulatorCode: code });
    }
  }
  let code: number;
  if (poisoned) code = out.encode(NaN);
  else if (config.accumulation === 'exact') code = out.encode(rational(quire, 1n << BigInt(F2)));
  else code = out.encode(acc);
  return { steps, code, poisoned };
}

/** The simd_mac GEMM: Y[m, n] = the SIMD MAC dot product of activation row m and weight row n. */
export function simdMacGemm(config: SimdMacConfig, ops: SimdMacOperands): GemmResult {
  const geo = simdMacQuire(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  if (K > config.maxDotLength)
    throw new GoldenError('bad-operands', `simd_mac: K = ${K} exceeds maxDotLength ${config.maxDotLength}`);
  const t = elementTables(config.element);
  checkCodes(ops.activations, M * K, t.format.bits, 'activations');
  checkCodes(ops.weights, N * K, t.format.bits, 'weights');
  const out = simdOutputFormat(config.output);
  const nanCode = out.encode(NaN);
  const codes = new Uint32Array(M * N);
  const F2 = 2 * geo.elementFractionBits;
  const unit = 2 ** -F2;
  // float64 is exact when every partial sum is an integer below 2^53 in quire units.
  const fast = geo.productBits + geo.carryBits <= 53;
  const A = ops.activations;
  const W = ops.weights;
  const lanes = geo.lanes;
  for (let mi = 0; mi < M; mi++) {
    for (let ni = 0; ni < N; ni++) {
      const ao = mi * K;
      const wo = ni * K;
      let poisoned = false;
      for (let k = 0; k < K; k++) if (t.special[A[ao + k]] || t.special[W[wo + k]]) poisoned = true;
      if (poisoned) {
        codes[mi * N + ni] = nanCode;
        continue;
      }
      if (config.accumulation === 'exact') {
        if (fast) {
          let q = 0;
          for (let k = 0; k < K; k++) q += t.scaled[A[ao + k]] * t.scaled[W[wo + k]];
          codes[mi * N + ni] = out.encode(q * unit);
        } else {
          let q = 0n;
          for (let k = 0; k < K; k++) q += t.scaledBig[A[ao + k]] * t.scaledBig[W[wo + k]];
          codes[mi * N + ni] = out.encode(rational(q, 1n << BigInt(F2)));
        }
      } else {
        let acc = 0;
        for (let base = 0; base < K; base += lanes) {
          const end = Math.min(K, base + lanes);
          if (fast) {
            let s = 0;
            for (let k = base; k < end; k++) s += t.scaled[A[ao + k]] * t.scaled[W[wo + k]];
            acc = addRounded(out, acc, s * unit);
          } else {
            let s = 0n;
            for (let k = base; k < end; k++) s += t.scaledBig[A[ao + k]] * t.scaledBig[W[wo + k]];
            if (Number.isFinite(acc))
              acc = out.decode(out.encode(add(fromNumber(acc), rational(s, 1n << BigInt(F2)))));
          }
        }
        codes[mi * N + ni] = out.encode(acc);
      }
    }
  }
  return { format: config.output, m: M, n: N, codes };
}
