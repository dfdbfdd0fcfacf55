/**
 * The quire of a posit format: an exact fixed-point accumulator for sums of products, rounded once at the
 * end (2022 posit standard, with es as a parameter).
 *
 * Layout for posit(n, es), with s = (n − 2)·2^es (so maxpos = 2^s, minpos = 2^−s):
 *   1 sign bit | carryBits carry bits (31 by default) | 2s integer bits | 2s fraction bits
 * width = 4s + carryBits + 1, which is the standard's 16n bits for es = 2 and the default 31 carry bits.
 * 2s fraction bits hold minpos² exactly; 2s integer bits hold maxpos²/2 and the carry bits absorb the
 * rest, so at least 2^carryBits − 1 products of any two posits sum without overflow.
 *
 * Representation: one BigInt, the quire's value times 2^(2s), in the range −2^(width−1) < acc < 2^(width−1).
 * Every posit value is a multiple of minpos (its last fraction bit weighs at least minpos), so each code
 * maps to the integer value·2^s (a "half-scaled" value, cached per code for n ≤ 16) and a product is the
 * plain BigInt product of the two half-scaled values: exact with no shifting or rounding.
 *
 * NaR: a NaR operand poisons the quire (it stays NaR until `clear`); its bit pattern is 1 followed by
 * zeros, as in the standard. Overflow: a sum that leaves the range above also makes the quire NaR, with
 * `overflowed` set to tell the two apart. A NaR result is never a wrong number; a hardware quire does the
 * same with a sticky flag on the carry out of the sign/carry bits.
 */
import { FormatError } from './errors.js';
import type { PositFormat } from './posit.js';
import type { RandomSource } from './random.js';
import { rational, type Rational } from './rational.js';
import type { Rounding } from './types.js';

/** Default carry bits: the 2022 standard's 31. */
export const QUIRE_CARRY_BITS = 31;

export interface QuireOptions {
  /**
   * Carry (guard) bits above the integer part, 0..1024; default 31. At least 2^carryBits − 1 products
   * of any two posits sum without overflow. Fewer bits model an accumulator sized for a declared
   * maximum dot-product length.
   */
  readonly carryBits?: number;
}

/** Total quire width in bits for posit(n, es): 4·(n−2)·2^es + carryBits + 1 (16n for es = 2, carryBits = 31). */
export function quireWidth(n: number, es: number, carryBits: number = QUIRE_CARRY_BITS): number {
  return 4 * (n - 2) * 2 ** es + carryBits + 1;
}

/** value·2^s for every code of a ≤ 16-bit format (undefined for NaR), shared by all quires of a format. */
const HALF_SCALED = new WeakMap<PositFormat, ReadonlyArray<bigint | undefined>>();

/** An exact accumulator for one posit format. Mutable; reuse it with `clear`. */
export class Quire {
  /** Fraction bits, 2·(n−2)·2^es: the weight of the lowest bit is minpos². */
  readonly fractionBits: number;
  /** Integer bits, 2·(n−2)·2^es. */
  readonly integerBits: number;
  readonly carryBits: number;
  /** Total width: 1 sign + carryBits + integerBits + fractionBits. */
  readonly width: number;
  private acc = 0n;
  private nar = false;
  private overflow = false;
  /** 2^(width−1): |acc| must stay below it. */
  private readonly limit: bigint;
  /** (n−2)·2^es = fractionBits / 2. */
  private readonly halfShift: number;
  private readonly table: ReadonlyArray<bigint | undefined> | undefined;

  constructor(
    readonly format: PositFormat,
    options: QuireOptions = {},
  ) {
    const carryBits = options.carryBits ?? QUIRE_CARRY_BITS;
    if (!Number.isInteger(carryBits) || carryBits < 0 || carryBits > 1024) {
      throw new FormatError(
        'bad-parameter',
        `quire carry bits must be an integer 0..1024, got ${String(carryBits)}`,
      );
    }
    this.halfShift = (format.n - 2) * 2 ** format.es;
    this.fractionBits = 2 * this.halfShift;
    this.integerBits = 2 * this.halfShift;
    this.carryBits = carryBits;
    this.width = quireWidth(format.n, format.es, carryBits);
    this.limit = 1n << BigInt(this.width - 1);
    if (format.n <= 16) {
      let t = HALF_SCALED.get(format);
      if (t === undefined) {
        t = Array.from({ length: 2 ** format.n }, (_, c) => this.halfScaledSlow(c));
        HALF_SCALED.set(format, t);
      }
      this.table = t;
    }
  }

  /** Back to exact zero; clears NaR and the overflow flag. */
  clear(): void {
    this.acc = 0n;
    this.nar = false;
    this.overflow = false;
  }

  /** True once a NaR operand or an overflow has poisoned the quire. */
  get isNaR(): boolean {
    return this.nar;
  }

  /** True when the quire became NaR because a sum left its range (not because of a NaR operand). */
  get overflowed(): boolean {
    return this.overflow;
  }

  /** quire += a·b exactly. */
  addProduct(a: number, b: number): void {
    const fa = this.halfScaled(a);
    const fb = this.halfScaled(b);
    if (fa === undefined || fb === undefined) this.nar = true;
    else if (!this.nar) this.accumulate(fa * fb);
  }

  /** quire −= a·b exactly. */
  subProduct(a: number, b: number): void {
    const fa = this.halfScaled(a);
    const fb = this.halfScaled(b);
    if (fa === undefined || fb === undefined) this.nar = true;
    else if (!this.nar) this.accumulate(-(fa * fb));
  }

  /** quire += value(code) exactly. */
  addPosit(code: number): void {
    const f = this.halfScaled(code);
    if (f === undefined) this.nar = true;
    else if (!this.nar) this.accumulate(f << BigInt(this.halfShift));
  }

  /** quire −= value(code) exactly. */
  subPosit(code: number): void {
    const f = this.halfScaled(code);
    if (f === undefined) this.nar = true;
    else if (!this.nar) this.accumulate(-(f << BigInt(this.halfShift)));
  }

  /** quire += other (same format and width), e.g. to merge per-lane partial sums. NaR propagates. */
  addQuire(other: Quire): void {
    if (other.format !== this.format || other.width !== this.width) {
      throw new FormatError(
        'bad-parameter',
        `cannot add a ${other.format.name} quire of ${other.width} bits to a ${this.format.name} quire of ${this.width} bits`,
      );
    }
    if (other.nar) this.nar = true;
    else if (!this.nar) this.accumulate(other.acc);
  }

  /**
   * quire += x exactly, for a rational on the quire's grid (a multiple of minpos²); otherwise
   * FormatError('unrepresentable').
   */
  addRational(x: Rational): void {
    const scaled = x.num << BigInt(this.fractionBits);
    if (scaled % x.den !== 0n) {
      throw new FormatError(
        'unrepresentable',
        `${x.num}/${x.den} is not a multiple of the ${this.format.name} quire's lowest bit 2^-${this.fractionBits}`,
      );
    }
    if (!this.nar) this.accumulate(scaled / x.den);
  }

  /** The exact value, or undefined when NaR. */
  toRational(): Rational | undefined {
    return this.nar ? undefined : rational(this.acc, 1n << BigInt(this.fractionBits));
  }

  /** The value rounded once to the posit format (NaR → narCode); see PositFormat.encode for the rules. */
  toPosit(rounding: Rounding = 'rne', random?: RandomSource): number {
    if (this.nar) return this.format.narCode;
    return this.format.encode(rational(this.acc, 1n << BigInt(this.fractionBits)), { rounding, random });
  }

  /** The quire register as `width` bits (two's complement; NaR is 1 followed by zeros), for RTL comparison. */
  bits(): bigint {
    if (this.nar) return this.limit;
    return this.acc >= 0n ? this.acc : this.acc + (this.limit << 1n);
  }

  private accumulate(delta: bigint): void {
    const s = this.acc + delta;
    if (s >= this.limit || s <= -this.limit) {
      this.nar = true;
      this.overflow = true;
    } else this.acc = s;
  }

  /** value(code)·2^s as a BigInt; undefined for NaR. Throws FormatError('bad-code') for a bad code. */
  private halfScaled(code: number): bigint | undefined {
    const v = this.table?.[code];
    // NaR and bad codes (no table entry) take the slow path, which answers undefined or throws.
    return v !== undefined ? v : this.halfScaledSlow(code);
  }

  private halfScaledSlow(code: number): bigint | undefined {
    const p = this.format.parts(code); // validates the code
    if (p === undefined) return undefined;
    // p.exponent ≥ −s for every posit (its last bit weighs at least minpos), so the shift is ≥ 0.
    const v = BigInt(p.significand) << BigInt(p.exponent + this.halfShift);
    return p.negative ? -v : v;
  }
}
