/**
 * The rounded elementary operations the golden models rely on, against exact rationals rounded once by
 * the format library: fp32 add/mul through Math.fround (the double-rounding argument), and TwoSum-checked
 * fp16/bf16 addition and fused multiply-add.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BF16, FP16, FP32 } from '../../src/formats/float.js';
import { add, fromNumber, mul } from '../../src/formats/rational.js';
import { addRounded, fmaRounded, fp32Add, fp32Mul } from '../../src/golden/index.js';

/** Finite fp32 values from random bit patterns (subnormals included). */
const arbFp32 = fc.integer({ min: 0, max: 0xffffffff }).map((bits) => FP32.decode(bits)).filter(Number.isFinite);
const same = (a: number, b: number): boolean => Object.is(a, b) || (a === 0 && b === 0);

describe('golden rounding helpers', () => {
  it('fp32Add / fp32Mul equal one rounding of the exact result', () => {
    fc.assert(
      fc.property(arbFp32, arbFp32, fc.integer({ min: -60, max: 60 }), (a, b0, shift) => {
        const b = Math.fround(b0 * 2 ** shift) || b0; // bring exponents close sometimes
        if (!Number.isFinite(b)) return;
        const s = fp32Add(a, b);
        const sum = add(fromNumber(a), fromNumber(b));
        expect(same(s, FP32.decode(FP32.encode(sum)))).toBe(true);
        // (An exact zero has no sign as a Rational; `same` treats ±0 alike.)
        expect(same(fp32Mul(a, b), FP32.decode(FP32.encode(mul(fromNumber(a), fromNumber(b)))))).toBe(true);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });

  it('fp32Add at a halfway point: 1 + 2^-24 ties to 1, 1 + 3·2^-24 to 1 + 2^-22', () => {
    expect(fp32Add(1, 2 ** -24)).toBe(1);
    expect(fp32Add(1 + 2 ** -23, 2 ** -24)).toBe(1 + 2 ** -22);
  });

  it('addRounded / fmaRounded into fp16 and bf16 equal one rounding of the exact result (far-apart operands too)', () => {
    const arb16 = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.constantFrom(FP16, BF16), arb16, arb16, arb16, (f, x, y, z) => {
        const [a, b, c] = [f.decode(x), f.decode(y), f.decode(z)];
        if (![a, b, c].every(Number.isFinite)) return;
        const want = f.decode(f.encode(add(fromNumber(a), fromNumber(b))));
        expect(same(addRounded(f, a, b), want)).toBe(true);
        const fused = add(mul(fromNumber(a), fromNumber(b)), fromNumber(c));
        expect(same(fmaRounded(f, a, b, c), f.decode(f.encode(fused)))).toBe(true);
      }),
      { numRuns: 3000, seed: 2 },
    );
    // bf16 2^100 + 2^-100 is not exact in float64 (TwoSum error ≠ 0): the Rational fallback decides.
    expect(addRounded(BF16, 2 ** 100, 2 ** -100)).toBe(2 ** 100);
    // fp16: 1 + (2^-11 + 2^-40) lies just above the midpoint of 1 and 1 + 2^-10; float64 keeps it, → 1 + 2^-10.
    expect(fmaRounded(FP16, 2 ** -11 + 2 ** -40, 1, 1)).toBe(1 + 2 ** -10);
  });
});
