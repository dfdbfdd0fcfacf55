/**
 * Exact rational numbers over BigInt: the independent, exact currency in which number formats define
 * their values, rounding boundaries and arithmetic. Every value of every supported format is a dyadic
 * rational (or a float32/float64 constant, which is also dyadic), so a Rational is always exact.
 *
 * Invariant: `den > 0n` and `gcd(|num|, den) === 1n`. Zero is `0/1` (a Rational has no negative zero;
 * signed zeros travel as the float64 values `0` and `-0`).
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Builds a reduced rational num/den. Throws RangeError on a zero denominator (a programming error). */
export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g === 1n ? { num, den } : { num: num / g, den: den / g };
}

export const ZERO: Rational = { num: 0n, den: 1n };
export const ONE: Rational = { num: 1n, den: 1n };

/** 2^e exactly, for any integer e. */
export function pow2(e: number): Rational {
  return e >= 0 ? { num: 1n << BigInt(e), den: 1n } : { num: 1n, den: 1n << BigInt(-e) };
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The exact value of a finite float64 (-0 becomes 0). Throws RangeError for NaN or ±Infinity. */
export function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`fromNumber: ${x} is not finite`);
  if (x === 0) return ZERO;
  if (Number.isInteger(x) && Number.isSafeInteger(x)) return { num: BigInt(x), den: 1n };
  f64[0] = x;
  const lo = u32[0];
  const hi = u32[1];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (hi >>> 31) mant = -mant;
  return exp >= 0 ? rational(mant << BigInt(exp)) : rational(mant, 1n << BigInt(-exp));
}

export function add(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return rational(a.num + b.num, a.den);
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return add(a, neg(b));
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('div: division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

export function neg(a: Rational): Rational {
  return { num: -a.num, den: a.den };
}

export function abs(a: Rational): Rational {
  return a.num < 0n ? { num: -a.num, den: a.den } : a;
}

/** -1, 0 or 1. */
export function sign(a: Rational): -1 | 0 | 1 {
  return a.num < 0n ? -1 : a.num > 0n ? 1 : 0;
}

/** Three-way comparison: negative, zero or positive as a <, =, > b. */
export function cmp(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function eq(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

/** Multiplies by 2^e exactly. */
export function scale2(a: Rational, e: number): Rational {
  return e >= 0 ? rational(a.num << BigInt(e), a.den) : rational(a.num, a.den << BigInt(-e));
}

/** floor(a) as a BigInt. */
export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** floor(log2(|a|)) for a ≠ 0: the exponent e with 2^e ≤ |a| < 2^(e+1). */
export function floorLog2(a: Rational): number {
  if (a.num === 0n) throw new RangeError('floorLog2 of zero');
  const n = a.num < 0n ? -a.num : a.num;
  let e = bitLength(n) - bitLength(a.den);
  // 2^e is within a factor of two of |a|; correct by one step.
  if (cmp(abs(a), pow2(e)) < 0) e -= 1;
  return e;
}

/**
 * The float64 nearest to `a` (round to nearest, ties to even), as IEEE conversion would give it.
 * Exact when `a` is representable.
 */
export function toNumber(a: Rational): number {
  if (a.num === 0n) return 0;
  const negative = a.num < 0n;
  const m = abs(a);
  let e = floorLog2(m);
  if (e > 1023) return negative ? -Infinity : Infinity;
  if (e < -1022) e = -1022; // subnormal range: fixed quantum 2^-1074
  // Quantum 2^(e-52): scaled = m / 2^(e-52) in [2^52, 2^53) for normals.
  const scaled = scale2(m, 52 - e);
  let q = floor(scaled);
  const rem = sub(scaled, rational(q));
  const c = cmp(rem, { num: 1n, den: 2n });
  if (c > 0 || (c === 0 && (q & 1n) === 1n)) q += 1n;
  // q ≤ 2^53 and 2^(e-52) ≥ 2^-1074 are both exact, so the product is exact (or overflows to ±inf).
  const v = Number(q) * 2 ** (e - 52);
  return negative ? -v : v;
}

/** Exact decimal text for a dyadic rational, else a fraction "num/den". For messages and tests. */
export function toString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

const DECIMAL = /^([+-])?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal notation (`-1.25e-3`, `.5`, `7`) exactly. Returns undefined when the text is not a
 * decimal number. Exponents are limited to ±100000 so hostile input cannot allocate huge BigInts.
 */
export function parseDecimal(text: string): Rational | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const [, signText, body, expText] = m;
  const dot = body.indexOf('.');
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const fracDigits = dot < 0 ? 0 : body.length - dot - 1;
  const exp10 = (expText ? Number(expText) : 0) - fracDigits;
  if (!Number.isSafeInteger(exp10) || Math.abs(exp10) > 100_000) return undefined;
  let num = BigInt(digits === '' ? '0' : digits);
  if (signText === '-') num = -num;
  return exp10 >= 0 ? rational(num * 10n ** BigInt(exp10)) : rational(num, 10n ** BigInt(-exp10));
}
