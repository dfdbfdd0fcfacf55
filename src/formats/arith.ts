/**
 * Exact arithmetic on codes, rounded once: `mul(f, a, b)`, `add(f, a, b)`, `fma(f, a, b, c)` = a·b + c and
 * `dot(f, as, bs)` = Σ as[i]·bs[i]. Operands and results are codes of one format `f`.
 *
 * Algorithm: decode every operand to its exact value (a Rational, plus its sign so that −0 is kept, or a
 * special), form the exact products and their exact sum, and encode that sum once with the caller's
 * rounding and overflow (default: the format's `defaultOverflow`). This is what a correctly rounded unit
 * computes, and for posits it is the standard's quire semantics (a fused dot product rounded once).
 *
 * Special values (IEEE 754 rules, applied generically):
 * - NaN (and posit NaR) in any operand → NaN (NaR for posits);
 * - ∞ · 0 → NaN; ∞ · x → ∞ with the sign xor; (+∞) + (−∞) → NaN; ∞ + finite → ∞;
 * - an exact zero result is −0 only when every summed term is a zero with negative sign
 *   ((−0) + (−0) = −0, x + (−x) = +0, (−0)·(+y) = −0), else +0 — under every rounding rule we support
 *   (IEEE gives −0 for x + (−x) only when rounding toward −∞, which qacc does not offer);
 * - a nonzero exact result keeps its sign through encode, so an underflow to zero is a signed zero.
 * Overflow follows the format's rule (saturate for ints, lookup tables and posits; inf/nan/saturate for
 * floats per `overflow`). Integer results saturate once at the end, not per partial sum.
 *
 * Fast path: the decoded operands are float64s, so the result is first computed in float64 with
 * error-free transformations (Dekker's TwoProduct with Veltkamp splitting, Knuth's TwoSum). When every
 * error term is exactly 0 the float64 result *is* the exact result (IEEE float64 arithmetic then also
 * gives the IEEE signs of zeros), and it is encoded directly; otherwise (an inexact step, a special
 * operand, or magnitudes outside [2^-900, 2^900] where the transformations are not error-free) the
 * Rational path above decides. Both paths round the same exact value once, so they agree by construction.
 *
 * Complex lookup tables (complex2): operands are complex; products and sums are exact complex numbers,
 * and the result is the nearest entry in the complex plane (`LutFormat.encodeComplexExact`, ties to the
 * even code), so only `rne` rounding applies.
 */
import { FormatError } from './errors.js';
import type { NumberFormat } from './index.js';
import { LutFormat } from './lut.js';
import { add as addQ, fromNumber, mul as mulQ, sub as subQ, ZERO, type Rational } from './rational.js';
import type { EncodeOptions } from './types.js';

/** An operand or an exact intermediate: NaN, a signed infinity, or a finite value with its sign. */
type Exact =
  | { readonly kind: 'nan' }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'finite'; readonly value: Rational; readonly negative: boolean };

const NAN: Exact = { kind: 'nan' };

function operand(f: NumberFormat, code: number): Exact {
  const v = f.decode(code);
  if (Number.isNaN(v)) return NAN;
  if (v === Infinity || v === -Infinity) return { kind: 'inf', negative: v < 0 };
  return { kind: 'finite', value: fromNumber(v), negative: v < 0 || Object.is(v, -0) };
}

function product(x: Exact, y: Exact): Exact {
  if (x.kind === 'nan' || y.kind === 'nan') return NAN;
  const negative = x.negative !== y.negative;
  if (x.kind === 'inf' || y.kind === 'inf') {
    const other = x.kind === 'inf' ? y : x;
    if (other.kind === 'finite' && other.value.num === 0n) return NAN; // ∞ · 0
    return { kind: 'inf', negative };
  }
  return { kind: 'finite', value: mulQ(x.value, y.value), negative };
}

/** The exact sum of the terms, with the IEEE rules for specials and for the sign of a zero sum. */
function sum(terms: readonly Exact[]): Exact {
  let value = ZERO;
  let allNegativeZeros = true;
  let inf: Exact | undefined;
  for (const t of terms) {
    if (t.kind === 'nan') return NAN;
    if (t.kind === 'inf') {
      if (inf && inf.kind === 'inf' && inf.negative !== t.negative) return NAN; // (+∞) + (−∞)
      inf = t;
      continue;
    }
    value = addQ(value, t.value);
    if (!(t.value.num === 0n && t.negative)) allNegativeZeros = false;
  }
  if (inf) {
    // A NaN later in the list was already returned; a later opposite infinity too.
    return inf;
  }
  if (value.num !== 0n) return { kind: 'finite', value, negative: value.num < 0n };
  // An empty sum is +0, like a zero-length dot product.
  return { kind: 'finite', value, negative: terms.length > 0 && allNegativeZeros };
}

function round(f: NumberFormat, r: Exact, options: EncodeOptions | undefined): number {
  switch (r.kind) {
    case 'nan':
      return f.encode(NaN, options);
    case 'inf':
      return f.encode(r.negative ? -Infinity : Infinity, options);
    case 'finite':
      return f.encode(r.value.num === 0n ? (r.negative ? -0 : 0) : r.value, options);
    default: {
      const never: never = r;
      throw new Error(`unreachable: ${String(never)}`);
    }
  }
}

// ---- complex lookup tables ------------------------------------------------------------------------------

interface ComplexQ {
  readonly re: Rational;
  readonly im: Rational;
}

function complexOperand(f: LutFormat, code: number): ComplexQ {
  const { re, im } = f.decodeComplex(code);
  return { re: fromNumber(re), im: fromNumber(im) };
}

/** Σ products + Σ addends over complex entries, exact, then the nearest entry (rne only). */
function complexResult(
  f: LutFormat,
  pairs: ReadonlyArray<readonly [number, number]>,
  addends: readonly number[],
  options?: EncodeOptions,
): number {
  if (options?.rounding !== undefined && options.rounding !== 'rne') {
    throw new FormatError(
      'unsupported-rounding',
      `${f.name} arithmetic rounds to the nearest entry only (rounding '${options.rounding}')`,
    );
  }
  if (options?.overflow !== undefined && !f.overflows.includes(options.overflow)) {
    throw new FormatError(
      'unsupported-overflow',
      `${f.name} only saturates; overflow '${options.overflow}' is not supported`,
    );
  }
  let re = ZERO;
  let im = ZERO;
  for (const [a, b] of pairs) {
    const x = complexOperand(f, a);
    const y = complexOperand(f, b);
    // (a + bi)(c + di) = (ac − bd) + (ad + bc)i
    re = addQ(re, subQ(mulQ(x.re, y.re), mulQ(x.im, y.im)));
    im = addQ(im, addQ(mulQ(x.re, y.im), mulQ(x.im, y.re)));
  }
  for (const c of addends) {
    const z = complexOperand(f, c);
    re = addQ(re, z.re);
    im = addQ(im, z.im);
  }
  return f.encodeComplexExact(re, im);
}

function isComplexLut(f: NumberFormat): f is LutFormat {
  return f instanceof LutFormat && f.isComplex;
}

// ---- float64 fast path ------------------------------------------------------------------------------

const TINY = 2 ** -900;
const HUGE = 2 ** 900;
/** 2^27 + 1: Veltkamp's splitter for float64 (53 = 26 + 27 bits). */
const SPLITTER = 134217729;

/** True when x is 0 or a float64 for which the error-free transformations below are valid. */
function safe(x: number): boolean {
  const a = Math.abs(x);
  return x === 0 || (a >= TINY && a <= HUGE);
}

/** a·b when the float64 product is exact, else undefined (Dekker's TwoProduct error term is 0). */
function exactProduct(a: number, b: number): number | undefined {
  const p = a * b;
  // (p = 0 from nonzero factors would be an underflow, not an exact zero.)
  if (!safe(a) || !safe(b) || !safe(p) || (p === 0 && a !== 0 && b !== 0)) return undefined;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return err === 0 ? p : undefined;
}

/** a + b when the float64 sum is exact, else undefined (Knuth's TwoSum error term is 0). */
function exactSum(a: number, b: number): number | undefined {
  const s = a + b;
  if (!safe(s)) return undefined;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  return err === 0 ? s : undefined;
}

// ---- the operations -------------------------------------------------------------------------------------

/** a · b, exact, rounded once to `f`. */
export function mul(f: NumberFormat, a: number, b: number, options?: EncodeOptions): number {
  if (isComplexLut(f)) return complexResult(f, [[a, b]], [], options);
  const p = exactProduct(f.decode(a), f.decode(b));
  if (p !== undefined) return f.encode(p, options);
  return round(f, sum([product(operand(f, a), operand(f, b))]), options);
}

/** a + b, exact, rounded once to `f`. */
export function add(f: NumberFormat, a: number, b: number, options?: EncodeOptions): number {
  if (isComplexLut(f)) return complexResult(f, [], [a, b], options);
  const x = f.decode(a);
  const y = f.decode(b);
  const s = safe(x) && safe(y) ? exactSum(x, y) : undefined;
  if (s !== undefined) return f.encode(s, options);
  return round(f, sum([operand(f, a), operand(f, b)]), options);
}

/** a · b + c with a single rounding (fused multiply-add). */
export function fma(f: NumberFormat, a: number, b: number, c: number, options?: EncodeOptions): number {
  if (isComplexLut(f)) return complexResult(f, [[a, b]], [c], options);
  const p = exactProduct(f.decode(a), f.decode(b));
  const z = f.decode(c);
  const s = p !== undefined && safe(z) ? exactSum(p, z) : undefined;
  if (s !== undefined) return f.encode(s, options);
  return round(f, sum([product(operand(f, a), operand(f, b)), operand(f, c)]), options);
}

/**
 * Σ as[i] · bs[i], exact, rounded once (an empty dot product is +0).
 * @throws FormatError('bad-parameter') when the lists differ in length.
 */
export function dot(
  f: NumberFormat,
  as: readonly number[],
  bs: readonly number[],
  options?: EncodeOptions,
): number {
  if (as.length !== bs.length) {
    throw new FormatError(
      'bad-parameter',
      `dot product of ${as.length} and ${bs.length} operands: the lists must have the same length`,
    );
  }
  const pairs = as.map((a, i) => [a, bs[i]] as const);
  if (isComplexLut(f)) return complexResult(f, pairs, [], options);
  // The float64 fast path, if every product and partial sum is exact. Starting from −0 makes an
  // all-(−0) sum −0 and any other zero sum +0, as IEEE addition does; an empty sum is +0.
  let acc: number | undefined = pairs.length ? -0 : 0;
  for (const [a, b] of pairs) {
    const p = exactProduct(f.decode(a), f.decode(b));
    acc = p === undefined ? undefined : exactSum(acc, p);
    if (acc === undefined) break;
  }
  if (acc !== undefined) return f.encode(acc, options);
  return round(f, sum(pairs.map(([a, b]) => product(operand(f, a), operand(f, b)))), options);
}
