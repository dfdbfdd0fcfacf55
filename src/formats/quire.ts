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
 * Representation: the exact value times 2^(2s) (an integer: every posit value is a multiple of minpos,
 * since its last fraction bit weighs at least minpos) is `acc` (a BigInt, always within
 * −2^(width−1) < acc < 2^(width−1)) plus a pending buffer of float64 "limbs" (base 2^32, each an exact
 * integer, with a 64-bit offset below the quire's lowest bit). A product is formed in float64 from the
 * two codes' integer significands (15 bits for n ≤ 16, else 30 bits split in two 15-bit halves, so every
 * partial product is below 2^45 and exact), and its up to three 32-bit pieces are added to the limbs:
 * no BigInt work per MAC. The limbs are folded into `acc` every 2^19 operations (so no limb exceeds
 * 2^52 and all stay exact) and before every read.
 *
 * Exact overflow detection with lazy folding: each fold computes how many more terms of the largest
 * possible magnitude (maxpos² = 2^(4s) units) fit below the limit; the buffer takes at most that many.
 * Once that headroom is exhausted, every operation is done on the BigInt and checked at once, so the quire
 * becomes NaR at exactly the operation whose running sum leaves the range.
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

/** Bits below the quire's lowest bit carried by the limb buffer (significands are normalized to a fixed width). */
const OFFSET_BITS = 64;
/** Operations buffered before a fold: 2^19 products of at most two pieces each keep every limb below 2^52. */
const MAX_PENDING = 2 ** 19;
const TWO32 = 4294967296;
const POW2: readonly number[] = Array.from({ length: 33 }, (_, i) => 2 ** i);
/** 2^i for i = −POW2_BIAS..POW2_BIAS (a lookup is much faster than `**`); covers every normalizing shift. */
const POW2_BIAS = 544;
const POW2_WIDE = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, i) => 2 ** (i - POW2_BIAS));
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** Per-format code tables for n ≤ 16: signed 15-bit significand and bit position (see `unpack`). */
interface CodeTables {
  readonly sig: Float64Array;
  readonly pos: Int32Array;
}
const CODE_TABLES = new WeakMap<PositFormat, CodeTables>();

/** An exact accumulator for one posit format. Mutable; reuse it with `clear`. */
export class Quire {
  /** Fraction bits, 2·(n−2)·2^es: the weight of the lowest bit is minpos². */
  readonly fractionBits: number;
  /** Integer bits, 2·(n−2)·2^es. */
  readonly integerBits: number;
  readonly carryBits: number;
  /** Total width: 1 sign + carryBits + integerBits + fractionBits. */
  readonly width: number;
  /** Folded value in units of minpos². */
  private acc = 0n;
  private nar = false;
  private overflow = false;
  /** 2^(width−1): |value| must stay below it. */
  private readonly limit: bigint;
  /** s = (n−2)·2^es = log2(maxpos). */
  private readonly s: number;
  /** Significand width used by unpack: 15 bits (n ≤ 16) or 30 bits. */
  private readonly sigBits: number;
  /** Pending sum: Σ limbs[i]·2^(32i − OFFSET_BITS) units of minpos². */
  private readonly limbs: Float64Array;
  private pending = 0;
  /** Operations the buffer may take before the next fold (≤ MAX_PENDING, ≤ the overflow headroom). */
  private budget: number;
  private readonly tables: CodeTables | undefined;
  /** Scratch results of unpack (avoids allocating a pair per operand). */
  private uSig = 0;
  private uPos = 0;

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
    this.s = (format.n - 2) * 2 ** format.es;
    this.fractionBits = 2 * this.s;
    this.integerBits = 2 * this.s;
    this.carryBits = carryBits;
    this.width = quireWidth(format.n, format.es, carryBits);
    this.limit = 1n << BigInt(this.width - 1);
    this.sigBits = format.n <= 16 ? 15 : 30;
    // Highest bit a piece can reach: position ≤ 4s + OFFSET_BITS, piece < 2^45 · 2^31, plus a spare limb.
    this.limbs = new Float64Array(Math.ceil((4 * this.s + OFFSET_BITS + 80) / 32) + 1);
    if (format.n <= 16) {
      let t = CODE_TABLES.get(format);
      if (t === undefined) {
        const sig = new Float64Array(2 ** format.n);
        const pos = new Int32Array(2 ** format.n);
        for (let c = 0; c < sig.length; c++) {
          if (format.isNaR(c)) continue;
          this.unpackValue(format.decode(c));
          sig[c] = this.uSig;
          pos[c] = this.uPos;
        }
        t = { sig, pos };
        CODE_TABLES.set(format, t);
      }
      this.tables = t;
    }
    this.budget = this.headroom();
  }

  /** Back to exact zero; clears NaR and the overflow flag. */
  clear(): void {
    this.acc = 0n;
    this.limbs.fill(0);
    this.pending = 0;
    this.nar = false;
    this.overflow = false;
    this.budget = this.headroom();
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
    this.mac(a, b, 1);
  }

  /** quire −= a·b exactly. */
  subProduct(a: number, b: number): void {
    this.mac(a, b, -1);
  }

  /** quire += value(code) exactly. */
  addPosit(code: number): void {
    this.addSingle(code, 1);
  }

  /** quire −= value(code) exactly. */
  subPosit(code: number): void {
    this.addSingle(code, -1);
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
    if (this.nar) return;
    other.fold();
    this.fold();
    this.accumulate(other.acc);
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
    if (this.nar) return;
    this.fold();
    this.accumulate(scaled / x.den);
  }

  /** The exact value, or undefined when NaR. */
  toRational(): Rational | undefined {
    if (this.nar) return undefined;
    this.fold();
    return rational(this.acc, 1n << BigInt(this.fractionBits));
  }

  /** The value rounded once to the posit format (NaR → narCode); see PositFormat.encode for the rules. */
  toPosit(rounding: Rounding = 'rne', random?: RandomSource): number {
    if (this.nar) return this.format.narCode;
    this.fold();
    return this.format.encode(rational(this.acc, 1n << BigInt(this.fractionBits)), { rounding, random });
  }

  /** The quire register as `width` bits (two's complement; NaR is 1 followed by zeros), for RTL comparison. */
  bits(): bigint {
    if (this.nar) return this.limit;
    this.fold();
    return this.acc >= 0n ? this.acc : this.acc + (this.limit << 1n);
  }

  private mac(a: number, b: number, sign: number): void {
    const okA = this.unpack(a);
    const sa = this.uSig * sign;
    const pa = this.uPos;
    const okB = this.unpack(b);
    if (!okA || !okB) this.nar = true;
    if (this.nar || sa === 0 || this.uSig === 0) return;
    const sb = this.uSig;
    const pos = pa + this.uPos + OFFSET_BITS; // ≥ 2·(−29) + 64 > 0
    if (!this.reserve()) {
      this.accumulate(shiftExact(BigInt(sa) * BigInt(sb), pos - OFFSET_BITS));
    } else if (this.sigBits === 15) {
      this.addPiece(sa * sb, pos); // |sa·sb| < 2^30
    } else {
      const hi = Math.trunc(sa / 32768); // sa = hi·2^15 + lo, |lo| < 2^15, same sign
      this.addPiece(hi * sb, pos + 15); // < 2^45
      this.addPiece((sa - hi * 32768) * sb, pos); // < 2^45
    }
  }

  private addSingle(code: number, sign: number): void {
    if (!this.unpack(code)) this.nar = true;
    if (this.nar || this.uSig === 0) return;
    const v = this.uSig * sign;
    const pos = this.uPos + this.s + OFFSET_BITS; // value·2^(2s) = sig·2^(uPos + s)
    if (this.reserve()) this.addPiece(v, pos);
    else this.accumulate(shiftExact(BigInt(v), pos - OFFSET_BITS));
  }

  /** Adds v·2^pos (|v| < 2^45 an integer, pos ≥ 0) to the limbs, as up to three 32-bit pieces. */
  private addPiece(v: number, pos: number): void {
    const i = pos >>> 5;
    const q0 = v * POW2[pos & 31]; // exact: a power-of-two scaling of v
    const h1 = Math.floor(q0 / TWO32);
    const limbs = this.limbs;
    limbs[i] += q0 - h1 * TWO32; // the low 32 bits, exact
    if (h1 !== 0) {
      const h2 = Math.floor(h1 / TWO32);
      limbs[i + 1] += h1 - h2 * TWO32;
      if (h2 !== 0) limbs[i + 2] += h2;
    }
  }

  /** Takes one operation into the buffer if the budget allows (folding first when it is spent). */
  private reserve(): boolean {
    if (this.pending < this.budget) {
      this.pending++;
      return true;
    }
    this.fold();
    if (this.budget === 0) return false;
    this.pending = 1;
    return true;
  }

  /** Folds the limbs into acc and renews the budget. The buffered terms never pass the limit (budget). */
  private fold(): void {
    if (this.pending === 0) return;
    let sum = 0n;
    const limbs = this.limbs;
    for (let i = limbs.length - 1; i >= 0; i--) sum = (sum << 32n) + BigInt(limbs[i]);
    limbs.fill(0);
    this.pending = 0;
    this.acc += sum >> BigInt(OFFSET_BITS); // exact: the sum is an integer number of minpos²
    this.budget = this.headroom();
  }

  /** How many terms of magnitude ≤ maxpos² (2^(4s) units) surely fit: ⌊(limit − |acc| − 1) / 2^(4s)⌋. */
  private headroom(): number {
    const free = this.limit - (this.acc < 0n ? -this.acc : this.acc) - 1n;
    const h = free >> BigInt(4 * this.s);
    return h >= BigInt(MAX_PENDING) ? MAX_PENDING : Number(h);
  }

  /** acc += delta on the BigInt, checked against the limit (overflow → NaR). */
  private accumulate(delta: bigint): void {
    const s = this.acc + delta;
    if (s >= this.limit || s <= -this.limit) {
      this.nar = true;
      this.overflow = true;
    } else this.acc = s;
  }

  /**
   * Sets uSig/uPos so that value(code) = uSig · 2^(uPos − s) with uSig an integer of at most sigBits bits
   * (0 for zero). Returns false for NaR; throws FormatError('bad-code') for a bad code.
   */
  private unpack(code: number): boolean {
    const t = this.tables;
    if (t !== undefined && code !== this.format.narCode) {
      const sig = t.sig[code];
      if (sig !== undefined) {
        this.uSig = sig;
        this.uPos = t.pos[code];
        return true;
      }
    }
    const v = this.format.decode(code); // validates the code
    if (v !== v) return false;
    this.unpackValue(v);
    return true;
  }

  /** unpack for a (non-NaR) value: normalizes |v| to a sigBits-bit integer (posit significands fit). */
  private unpackValue(v: number): void {
    if (v === 0) {
      this.uSig = 0;
      this.uPos = 0;
      return;
    }
    F64[0] = v;
    const k = ((U32[1] >>> 20) & 0x7ff) - 1023; // posit values are normal float64s
    const shift = this.sigBits - 1 - k;
    this.uSig = v * POW2_WIDE[shift + POW2_BIAS]; // exact: |shift| ≤ 29 + 480
    this.uPos = -shift + this.s;
  }
}

/** x · 2^e for an integer result (e may be negative only when the low bits are zero). */
function shiftExact(x: bigint, e: number): bigint {
  return e >= 0 ? x << BigInt(e) : x >> BigInt(-e);
}
