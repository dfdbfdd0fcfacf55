/**
 * A tiny exact rational type for the int/fp oracles, independent of src/formats/rational.ts, plus exact
 * conversions between rationals and float64 bit patterns (through a DataView, never through float
 * arithmetic). Values are kept reduced with a positive denominator so equal values compare equal.
 */

/** num/den, den > 0, reduced. */
export interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

export function q(n: bigint, d: bigint = 1n): Q {
  if (d === 0n) throw new Error('zero denominator');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export const Q0 = q(0n);
export const qAdd = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const qSub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
export const qMul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const qDiv = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
export const qNeg = (a: Q): Q => ({ n: -a.n, d: a.d });
export const qAbs = (a: Q): Q => (a.n < 0n ? qNeg(a) : a);
export const qCmp = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const qEq = (a: Q, b: Q): boolean => a.n === b.n && a.d === b.d;
export const qHalf = (a: Q): Q => q(a.n, a.d * 2n);
/** 2^k for any integer k. */
export const qPow2 = (k: number): Q => (k >= 0 ? q(1n << BigInt(k)) : q(1n, 1n << BigInt(-k)));
/** ceil(a) for any a. */
export function qCeil(a: Q): bigint {
  const t = a.n / a.d; // truncates toward zero
  return a.n > 0n && t * a.d !== a.n ? t + 1n : t;
}
export function qFloor(a: Q): bigint {
  const t = a.n / a.d;
  return a.n < 0n && t * a.d !== a.n ? t - 1n : t;
}
export const qIsInteger = (a: Q): boolean => a.d === 1n;

const view = new DataView(new ArrayBuffer(8));

/** The exact rational of a finite float64, from its bit pattern (−0 gives 0). */
export function qOfFloat(x: number): Q {
  if (!Number.isFinite(x)) throw new Error(`qOfFloat(${x})`);
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const be = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const sig = be === 0 ? frac : frac | (1n << 52n);
  const exp = (be === 0 ? 1 : be) - 1075;
  const v = qMul(q(sig), qPow2(exp));
  return neg ? qNeg(v) : v;
}

/** The float64 equal to a, or throws when a is not exactly a float64 (used to build number inputs). */
export function floatOfQ(a: Q): number {
  if (a.n === 0n) return 0;
  const neg = a.n < 0n;
  const m = qAbs(a);
  // find k with 2^k ≤ m < 2^(k+1)
  let k = m.n.toString(2).length - m.d.toString(2).length;
  if (qCmp(m, qPow2(k)) < 0) k -= 1;
  const e = Math.max(k, -1022);
  const scaled = qMul(m, qPow2(52 - e)); // significand, must be an integer < 2^53
  if (!qIsInteger(scaled) || k > 1023) throw new Error(`not a float64: ${a.n}/${a.d}`);
  const sig = scaled.n;
  const be = k < -1022 ? 0n : BigInt(k + 1023);
  const bits = (neg ? 1n << 63n : 0n) | (be << 52n) | (sig & ((1n << 52n) - 1n));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** The next float64 above x (x finite). */
export function nextUp(x: number): number {
  if (x === 0) return 5e-324;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The next float64 below x (x finite). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

export function qToString(a: Q): string {
  return a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`;
}
