/**
 * Golden model of the XR-NPE-style reconfigurable SIMD MAC (`simd_mac`): a dot-product MAC whose
 * `wordBits`-bit operand word holds `lanes` elements of one format (xr-npe: 16-bit words of 4 × fp4_e2m1,
 * 2 × fp8_e4m3, 1 × posit16_1, …). Any integer, IEEE/fn float or posit format of the library is an element
 * (`simdElementProblem` says why another is not). docs/golden.md §simd_mac is the prose version.
 *
 * Algorithm:
 * - Every element value is a multiple of 2^−F (F = the element format's finest fraction bit: fp4 1,
 *   posit4_1 4, posit8_0 6, fp8_e4m3 9, fp8_e5m2 16, posit16_1 28, ints 0). Products are exact and are
 *   integers in quire units of 2^−2F.
 * - Step t (one operand word per input) covers k = t·lanes … t·lanes + lanes − 1 (missing lanes are 0);
 *   steps run in ascending t.
 * - `exact`: Q ← Q + Σ_lanes a_i·b_i in a two's complement fixed-point quire of `simdQuireWidth` bits
 *   (1 + ceil(log2(maxDotLength)) + bitlen(max|a·b| · 2^2F)) with LSB 2^−2F: it cannot overflow for
 *   K ≤ maxDotLength. The result is output.encode(Q · 2^−2F): one RNE rounding, the output's default
 *   overflow rule.
 * - `round-each-step`: acc ← round_out(acc + Σ_lanes a_i·b_i) per step (the lane sum and the addition exact,
 *   one rounding per step), acc₀ = +0. An IEEE output that overflowed to ±inf stays ±inf (inf + finite).
 * - NaN, NaR or ±inf in any operand of the dot product poisons it: the result is the output's NaN/NaR
 *   (an exact quire has no infinity; qacc does not model IEEE inf arithmetic here).
 *
 * The step functions `simdMacAccumulate` / `simdMacOutputCode` are the one definition of this arithmetic:
 * the GEMM below and the simulator (./sim.ts) both run on them.
 */
import { FloatFormat } from '../../formats/float.js';
import { IntFormat } from '../../formats/int.js';
import { PositFormat } from '../../formats/posit.js';
import { fromNumber, rational, add } from '../../formats/rational.js';
import type { NumberFormatBase } from '../../formats/types.js';
import { addRounded, checkCodes, checkShape } from '../../golden/common.js';
import { GoldenError } from '../../golden/errors.js';
import type { GemmResult } from '../../golden/types.js';

/** Formats a SIMD lane can hold: two's complement or unsigned integers, IEEE/fn floats, posits. */
export type SimdElementFormat = FloatFormat | PositFormat | IntFormat;
/** Formats the SIMD MAC result is rounded to: IEEE floats (with a NaN code) and posits (NaR). */
export type SimdOutputFormat = FloatFormat | PositFormat;

/** Why `f` cannot be a SIMD element (undefined: it can). */
export function simdElementProblem(f: NumberFormatBase): string | undefined {
  if (f instanceof IntFormat || f instanceof PositFormat) return undefined;
  if (f instanceof FloatFormat) {
    if (f.variant === 'fnuz') return `${f.name} is an fnuz float (its one NaN code has no decoder in the generated PE)`;
    return undefined;
  }
  return `${f.name} is not an integer, IEEE or fn floating-point, or posit format`;
}

/** Why `f` cannot be the SIMD MAC's output (undefined: it can). */
export function simdOutputProblem(f: NumberFormatBase): string | undefined {
  if (f instanceof PositFormat) return undefined;
  if (f instanceof FloatFormat && f.variant === 'ieee' && f.nanCode !== undefined) return undefined;
  return `${f.name} is not an IEEE float or a posit (the result is rounded with IEEE overflow to infinity, and a poisoned result needs a NaN or NaR code)`;
}

/** `f` as a SIMD element format; GoldenError('bad-config') when it cannot be one. */
export function asSimdElement(f: NumberFormatBase): SimdElementFormat {
  const problem = simdElementProblem(f);
  if (problem !== undefined) throw new GoldenError('bad-config', `simd_mac element: ${problem}`);
  return f as SimdElementFormat;
}

/** `f` as a SIMD output format; GoldenError('bad-config') when it cannot be one. */
export function asSimdOutput(f: NumberFormatBase): SimdOutputFormat {
  const problem = simdOutputProblem(f);
  if (problem !== undefined) throw new GoldenError('bad-config', `simd_mac output: ${problem}`);
  return f as SimdOutputFormat;
}

export interface SimdMacConfig {
  readonly kind: 'simd_mac';
  /** Element format of both operands. */
  readonly element: SimdElementFormat;
  /** Elements per operand word (the mode's declared lane count); a step consumes one word. */
  readonly lanes: number;
  /** Operand word width (the IR's operand_width); lanes · element.bits ≤ wordBits. */
  readonly wordBits: number;
  readonly output: SimdOutputFormat;
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

/** Per-element-format tables: value, integer value in 2^−F units, special flag. */
interface ElementTables {
  readonly scaled: Float64Array;
  readonly scaledBig: readonly bigint[];
  readonly special: Uint8Array;
  readonly fractionBits: number;
  readonly maxElement: number;
}

const elementCache = new Map<string, ElementTables>();

function elementTables(format: SimdElementFormat): ElementTables {
  const cached = elementCache.get(format.name);
  if (cached) return cached;
  if (format.bits > 16) throw new GoldenError('bad-config', `simd_mac element: ${format.name} is wider than 16 bits`);
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
  const t: ElementTables = { scaled, scaledBig, special, fractionBits, maxElement };
  elementCache.set(format.name, t);
  return t;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Fixed point of a quire that accumulates up to maxDotLength products of any of `elements` exactly. */
export interface SimdQuireWidth {
  /** F: LSB 2^−2F, F = the finest element fraction bit over the elements. */
  readonly fractionBits: number;
  /** Bits of the largest |a·b| · 2^2F over the elements. */
  readonly productBits: number;
  /** ceil(log2(maxDotLength)). */
  readonly carryBits: number;
  /** 1 + carryBits + productBits. */
  readonly width: number;
}

/**
 * The one quire-width rule (IR default and E408 check, golden's float64 fast-path test, the RTL's quire):
 * a sum of at most maxDotLength products of magnitude ≤ M² in units of 2^−2F.
 */
export function simdQuireWidth(elements: readonly SimdElementFormat[], maxDotLength: number): SimdQuireWidth {
  if (elements.length === 0) throw new GoldenError('bad-config', 'simd_mac: no element formats');
  const tables = elements.map(elementTables);
  const F = Math.max(...tables.map((t) => t.fractionBits));
  const productBits = Math.max(
    ...tables.map((t) => {
      const m = BigInt(t.maxElement * 2 ** t.fractionBits);
      return bitLength(m * m) + 2 * (F - t.fractionBits);
    }),
  );
  const carryBits = Math.ceil(Math.log2(maxDotLength));
  return { fractionBits: F, productBits, carryBits, width: 1 + carryBits + productBits };
}

/** Checks a simd_mac config; throws GoldenError on a bad one. */
export function checkSimdMacConfig(config: SimdMacConfig): void {
  asSimdElement(config.element);
  elementTables(config.element);
  asSimdOutput(config.output);
  if (config.accumulation !== 'exact' && config.accumulation !== 'round-each-step') {
    throw new GoldenError('bad-config', `simd_mac: accumulation must be exact or round-each-step`);
  }
  if (!Number.isInteger(config.lanes) || config.lanes < 1 || !Number.isInteger(config.wordBits) || config.lanes * config.element.bits > config.wordBits) {
    throw new GoldenError('bad-config', `simd_mac: ${config.lanes} lanes of ${config.element.bits} bits do not fit a ${config.wordBits}-bit word`);
  }
  if (!Number.isInteger(config.maxDotLength) || config.maxDotLength < 1 || config.maxDotLength > 2 ** 31) {
    throw new GoldenError(
      'bad-config',
      `simd_mac: maxDotLength must be an integer in 1..2^31, got ${config.maxDotLength}`,
    );
  }
}

/** The quire geometry of one config (its element alone). */
export function simdMacQuire(config: SimdMacConfig): SimdQuireWidth {
  checkSimdMacConfig(config);
  return simdQuireWidth([config.element], config.maxDotLength);
}

/** True when the config's exact quire leaves float64's 53 bits: its accumulators hold BigInt quires. */
export function simdMacNeedsBigQuire(config: SimdMacConfig): boolean {
  return prepared(config).big;
}

/** What the step functions derive from a config, once per config object. */
interface Prepared {
  readonly t: ElementTables;
  /** exact: the quire leaves float64. */
  readonly big: boolean;
  /** round-each-step: a step's lane sum is exact in float64. */
  readonly fastStep: boolean;
  readonly F2: number;
}

const preparedCache = new WeakMap<SimdMacConfig, Prepared>();

function prepared(config: SimdMacConfig): Prepared {
  const hit = preparedCache.get(config);
  if (hit) return hit;
  const q = simdMacQuire(config);
  const step = simdQuireWidth([config.element], config.lanes);
  const p: Prepared = {
    t: elementTables(config.element),
    big: config.accumulation === 'exact' && q.productBits + q.carryBits > 53,
    fastStep: step.productBits + step.carryBits <= 53,
    F2: 2 * q.fractionBits,
  };
  preparedCache.set(config, p);
  return p;
}

/** The state of one dot product between steps. */
export interface SimdAccumulator {
  /**
   * exact, float64 quire: Q in units of 2^−2F (an integer below 2^53); round-each-step: the accumulator's
   * value (an output-format value).
   */
  readonly value: number;
  /** exact with simdMacNeedsBigQuire: Q in units of 2^−2F. */
  readonly quire: bigint;
  /** A NaN/NaR/inf operand was seen. */
  readonly poisoned: boolean;
}

/** The accumulator at the start of a dot product. */
export const SIMD_ACC_ZERO: SimdAccumulator = { value: 0, quire: 0n, poisoned: false };

/**
 * `len` more elements of one dot product: a[aOff …], b[bOff …], in steps of `config.lanes` from the first
 * (a caller splitting a dot product splits it at whole steps; the last step may be short).
 */
export function simdMacAccumulate(config: SimdMacConfig, acc: SimdAccumulator, a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, len: number): SimdAccumulator {
  const { t, big, fastStep: fast, F2 } = prepared(config);
  let poisoned = acc.poisoned;
  for (let k = 0; k < len; k++) if (t.special[a[aOff + k]] || t.special[b[bOff + k]]) poisoned = true;
  if (config.accumulation === 'exact') {
    if (big) {
      let q = acc.quire;
      for (let k = 0; k < len; k++) q += t.scaledBig[a[aOff + k]] * t.scaledBig[b[bOff + k]];
      return { value: 0, quire: q, poisoned };
    }
    let q = acc.value;
    for (let k = 0; k < len; k++) q += t.scaled[a[aOff + k]] * t.scaled[b[bOff + k]];
    return { value: q, quire: 0n, poisoned };
  }
  const out = config.output;
  const unit = 2 ** -F2;
  let v = acc.value;
  for (let s = 0; s < len; s += config.lanes) {
    const end = Math.min(len, s + config.lanes);
    if (fast) {
      let sum = 0;
      for (let k = s; k < end; k++) sum += t.scaled[a[aOff + k]] * t.scaled[b[bOff + k]];
      v = addRounded(out, v, sum * unit);
    } else {
      let sum = 0n;
      for (let k = s; k < end; k++) sum += t.scaledBig[a[aOff + k]] * t.scaledBig[b[bOff + k]];
      // An accumulator that overflowed to ±inf stays there (IEEE: inf + finite = inf).
      if (Number.isFinite(v)) v = out.decode(out.encode(add(fromNumber(v), rational(sum, 1n << BigInt(F2)))));
    }
  }
  return { value: v, quire: 0n, poisoned };
}

/** The output code of a finished dot product: its NaN/NaR when poisoned, else one rounding of the quire (or the stepwise accumulator). */
export function simdMacOutputCode(config: SimdMacConfig, acc: SimdAccumulator): number {
  const out = config.output;
  if (acc.poisoned) return out.encode(NaN);
  if (config.accumulation !== 'exact') return out.encode(acc.value);
  const { big, F2 } = prepared(config);
  if (big) return out.encode(rational(acc.quire, 1n << BigInt(F2)));
  return out.encode(acc.value * 2 ** -F2);
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

/** One dot product Σ a_k·b_k on the SIMD MAC with a full trace, one `simdMacAccumulate` per step. */
export function simdMacDot(config: SimdMacConfig, a: ArrayLike<number>, b: ArrayLike<number>): SimdDotResult {
  checkSimdMacConfig(config);
  const t = elementTables(config.element);
  if (a.length !== b.length)
    throw new GoldenError('bad-operands', `simd_mac dot: ${a.length} vs ${b.length} elements`);
  if (a.length > config.maxDotLength)
    throw new GoldenError(
      'bad-operands',
      `simd_mac dot: length ${a.length} exceeds maxDotLength ${config.maxDotLength}`,
    );
  checkCodes(a, a.length, config.element.bits, 'a');
  checkCodes(b, b.length, config.element.bits, 'b');
  const steps: SimdStepTrace[] = [];
  let acc = SIMD_ACC_ZERO;
  for (let base = 0, step = 0; base < a.length; base += config.lanes, step++) {
    const products: bigint[] = [];
    for (let i = base; i < base + config.lanes; i++) products.push(i < a.length ? t.scaledBig[a[i]] * t.scaledBig[b[i]] : 0n);
    const stepSum = products.reduce((s, p) => s + p, 0n);
    const len = Math.min(config.lanes, a.length - base);
    acc = simdMacAccumulate(config, acc, a, base, b, base, len);
    if (config.accumulation === 'exact') {
      steps.push({ step, products, stepSum, quire: simdMacNeedsBigQuire(config) ? acc.quire : BigInt(acc.value) });
    } else {
      steps.push({ step, products, stepSum, accumulatorCode: config.output.encode(acc.value) });
    }
  }
  return { steps, code: simdMacOutputCode(config, acc), poisoned: acc.poisoned };
}

/** The simd_mac GEMM: Y[m, n] = the SIMD MAC dot product of activation row m and weight row n. */
export function simdMacGemm(config: SimdMacConfig, ops: SimdMacOperands): GemmResult {
  checkSimdMacConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  if (K > config.maxDotLength)
    throw new GoldenError('bad-operands', `simd_mac: K = ${K} exceeds maxDotLength ${config.maxDotLength}`);
  checkCodes(ops.activations, M * K, config.element.bits, 'activations');
  checkCodes(ops.weights, N * K, config.element.bits, 'weights');
  const codes = new Uint32Array(M * N);
  for (let mi = 0; mi < M; mi++) {
    for (let ni = 0; ni < N; ni++) {
      const acc = simdMacAccumulate(config, SIMD_ACC_ZERO, ops.activations, mi * K, ops.weights, ni * K, K);
      codes[mi * N + ni] = simdMacOutputCode(config, acc);
    }
  }
  return { format: config.output.name, m: M, n: N, codes };
}
