/**
 * Shared pieces of the golden models: the named formats they use, operand checks, and the correctly
 * rounded elementary operations (add, multiply, fused multiply-add) into fp16 / bf16 / fp32.
 *
 * Rounding is always delegated to the format library (`format.encode`, one rounding of an exact value).
 * Exactness argument for the float64 fast paths:
 * - a product of two values with ≤ 24-bit significands (fp32, bf16, fp16, fp8, fp4, int8, posit ≤ 16 bits)
 *   has ≤ 48 significant bits and an exponent far inside float64's range, so `a * b` in float64 is exact;
 * - a sum a + b in float64 is checked with Knuth's TwoSum: when its error term is 0 the float64 sum is the
 *   exact sum and is handed to `encode` as a number, otherwise the exact Rational sum is;
 * - fp32 results use `Math.fround(a ⊕ b)` where ⊕ is a float64 + or ×: for operands that are fp32 values,
 *   rounding the float64 result to fp32 equals rounding the exact result (double rounding is innocuous
 *   when the wide format has ≥ 2p + 2 bits: 53 ≥ 2·24 + 2; Figueroa, "When is double rounding innocuous?",
 *   1995). test/golden/common.test.ts checks this against FP32.encode of exact rationals.
 */
import { FloatFormat } from '../formats/float.js';
import { lookupFormat } from '../formats/registry.js';
import { add, fromNumber } from '../formats/rational.js';
import type { NumberFormatBase } from '../formats/types.js';
import { GoldenError } from './errors.js';
import { WIDE_FLOAT_NAMES, type WideFloatName } from './types.js';

/** The FloatFormat of an fp16 / bf16 / fp32 name, from the format registry (the one name → format map). */
export function wideFormat(name: WideFloatName): FloatFormat {
  const f = supportedFormat(name, WIDE_FLOAT_NAMES, 'accumulator');
  if (!(f instanceof FloatFormat))
    throw new GoldenError('bad-config', `'${name}' is not a binary float format`);
  return f;
}

/**
 * The format of a name a golden config may use: checked against the names that datapath supports, then
 * resolved by the format registry (the one name → format map).
 */
export function supportedFormat(name: string, allowed: readonly string[], what: string): NumberFormatBase {
  if (!allowed.includes(name))
    throw new GoldenError(
      'bad-config',
      `unsupported ${what} format '${name}' (supported: ${allowed.join(', ')})`,
    );
  return lookupFormat(name);
}

/** fmt.decode(fmt.encode(x)): the value of x rounded once (RNE, the format's default overflow). */
export function roundTo(fmt: NumberFormatBase, x: number): number {
  return fmt.decode(fmt.encode(x));
}

/**
 * a + b rounded once to `fmt` (RNE). The float64 sum is used when TwoSum proves it exact; otherwise the
 * exact Rational sum is rounded. Infinities and NaN follow IEEE (the float64 result is encoded).
 */
export function addRounded(fmt: NumberFormatBase, a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) return fmt.decode(fmt.encode(s));
  // TwoSum (Knuth): err is exactly (a + b) − s.
  const bv = s - a;
  const av = s - bv;
  const err = a - av + (b - bv);
  if (err === 0) return fmt.decode(fmt.encode(s));
  return fmt.decode(fmt.encode(add(fromNumber(a), fromNumber(b))));
}

/**
 * a·b + c rounded once to `fmt` (a fused multiply-add). Precondition: a·b is exact in float64 (both
 * significands ≤ 26 bits, as for every operand format the models use).
 */
export function fmaRounded(fmt: NumberFormatBase, a: number, b: number, c: number): number {
  return addRounded(fmt, a * b, c);
}

/** fp32 addition of two fp32 values, correctly rounded (RNE); see the header for why fround is exact. */
export function fp32Add(a: number, b: number): number {
  return Math.fround(a + b);
}

/** fp32 multiplication of two fp32 values, correctly rounded (RNE): the float64 product is exact. */
export function fp32Mul(a: number, b: number): number {
  return Math.fround(a * b);
}

/** a + b rounded to the named wide format; fp32 takes the fround path. */
export function wideAdd(name: WideFloatName, a: number, b: number): number {
  return name === 'fp32' ? fp32Add(a, b) : addRounded(wideFormat(name), a, b);
}

/** a · b (exact in float64) rounded to the named wide format. */
export function wideMul(name: WideFloatName, a: number, b: number): number {
  const p = a * b;
  return name === 'fp32' ? Math.fround(p) : roundTo(wideFormat(name), p);
}

/** Checks a GEMM shape: positive integer dimensions. */
export function checkShape(m: number, k: number, n: number): void {
  for (const [name, v] of [
    ['m', m],
    ['k', k],
    ['n', n],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new GoldenError('bad-operands', `GEMM dimension ${name} must be a positive integer, got ${v}`);
  }
}

/** Checks that `codes` has `length` entries, each an integer code of a `bits`-wide format. */
export function checkCodes(codes: ArrayLike<number>, length: number, bits: number, what: string): void {
  if (codes.length !== length)
    throw new GoldenError('bad-operands', `${what}: expected ${length} codes, got ${codes.length}`);
  const limit = 2 ** bits;
  for (let i = 0; i < length; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < 0 || c >= limit) {
      throw new GoldenError('bad-operands', `${what}[${i}]: ${c} is not a ${bits}-bit code`);
    }
  }
}
