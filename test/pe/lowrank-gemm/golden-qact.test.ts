/**
 * The runtime activation quantizer (`qact`, golden-qact.ts) against an oracle written here from the rules of
 * docs/golden.md §lowrank_gemm "Runtime activation quantization" in exact rational (BigInt) arithmetic:
 * the 16-bit inputs are decoded from their bit fields, every fp32 / fp16 / bf16 / fp8_e4m3 / fp4_e2m1
 * rounding is a rational rounding to p significant bits (no float64 arithmetic, no src/formats call).
 * Exhaustive over every fp16 (and bf16) code in two-element groups with fixed maxima, fast-check beyond.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rounding } from '../../../src/formats/types.js';
import { lowRankQuantizeActivations, lowRankQuantizeGroup } from '../../../src/pe/lowrank-gemm/golden-qact.js';
import { lowRankGemm, lowRankOutputTrace, type LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';

// ---- exact rationals: n / d with d > 0 ----
interface Q {
  readonly n: bigint;
  readonly d: bigint;
}
const q = (n: bigint, d = 1n): Q => (d < 0n ? { n: -n, d: -d } : { n, d });
const mulQ = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const divQ = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
const cmpQ = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const absQ = (a: Q): Q => q(a.n < 0n ? -a.n : a.n, a.d);
const pow2 = (e: number): Q => (e >= 0 ? q(1n << BigInt(e)) : q(1n, 1n << BigInt(-e)));
const ZERO = q(0n);

/** Round a rational to an integer by a rule (rne / rtz / rna). */
function roundInt(a: Q, rule: Rounding): bigint {
  const neg = a.n < 0n;
  const n = neg ? -a.n : a.n;
  const fl = n / a.d;
  const rem2 = 2n * (n - fl * a.d); // compare rem with d/2
  let r = fl;
  if (rule === 'rne') r = rem2 > a.d || (rem2 === a.d && fl % 2n === 1n) ? fl + 1n : fl;
  else if (rule === 'rna') r = rem2 >= a.d ? fl + 1n : fl;
  return neg ? -r : r;
}

/** A binary float format: p significant bits, smallest normal exponent emin, largest finite value max. */
interface Bin {
  readonly p: number;
  readonly emin: number;
  readonly max: Q;
}
const F32: Bin = { p: 24, emin: -126, max: mulQ(q((1n << 24n) - 1n), pow2(104)) };
const F16: Bin = { p: 11, emin: -14, max: q(65504n) };
const B16: Bin = { p: 8, emin: -126, max: mulQ(q(255n), pow2(120)) };
const E4M3: Bin = { p: 4, emin: -6, max: q(448n) };
const E2M1: Bin = { p: 2, emin: 0, max: q(6n) };

/** floor(log2 |a|) for a ≠ 0. */
function ilog2(a: Q): number {
  const x = absQ(a);
  let e = x.n.toString(2).length - x.d.toString(2).length;
  if (cmpQ(x, pow2(e)) < 0) e--;
  return e;
}

/** Round a rational to format f by `rule`; 'inf' beyond max (IEEE), or clamp to ±max ('sat'). */
function roundBin(a: Q, f: Bin, rule: Rounding, over: 'inf' | 'sat'): Q | 'inf' | '-inf' {
  if (a.n === 0n) return ZERO;
  const e = Math.max(ilog2(a), f.emin);
  const ulp = pow2(e - f.p + 1);
  const k = roundInt(divQ(a, ulp), rule);
  const r = mulQ(q(k), ulp);
  if (cmpQ(absQ(r), f.max) > 0) {
    if (over === 'sat') return a.n < 0n ? q(-f.max.n, f.max.d) : f.max;
    return a.n < 0n ? '-inf' : 'inf';
  }
  return r;
}
const r32 = (a: Q): Q => {
  const r = roundBin(a, F32, 'rne', 'inf');
  if (typeof r === 'string') throw new Error('fp32 overflow in the oracle');
  return r;
};

/** Decode a 16-bit code (fp16: 5 exponent bits, bf16: 8) to a rational, or undefined for inf/NaN. */
function decode16(code: number, bf: boolean): Q | undefined {
  const eb = bf ? 8 : 5;
  const mb = 15 - eb;
  const bias = (1 << (eb - 1)) - 1;
  const s = code >> 15;
  const e = (code >> mb) & ((1 << eb) - 1);
  const m = code & ((1 << mb) - 1);
  if (e === (1 << eb) - 1) return undefined;
  const v = e === 0 ? mulQ(q(BigInt(m)), pow2(1 - bias - mb)) : mulQ(q(BigInt(m + (1 << mb))), pow2(e - bias - mb));
  return s ? q(-v.n, v.d) : v;
}

/** Encode a rational value of format (exponent bits eb, mantissa bits mb, bias) to its code (finite values). */
function encodeBin(v: Q, eb: number, mb: number, signBit: number): number {
  const bias = (1 << (eb - 1)) - 1;
  const neg = v.n < 0n;
  const a = absQ(v);
  let code = 0;
  if (a.n !== 0n) {
    const e = Math.max(ilog2(a), 1 - bias);
    const sig = divQ(a, pow2(e - mb)); // integer
    const si = Number(sig.n / sig.d);
    code = si >= 1 << mb ? ((e + bias) << mb) | (si - (1 << mb)) : si; // normal : subnormal
  }
  return neg ? code | signBit : code;
}

interface Expect {
  readonly scaleCode: number;
  readonly codes: number[];
}

type Kind = 'int4' | 'uint4' | 'nvfp4';
const cfg = (kind: Kind, scale: 'fp16' | 'bf16', branch: 'fp16' | 'bf16', gs: number): LowRankGemmConfig => ({
  kind: 'lowrank_gemm',
  main: kind === 'nvfp4' ? { kind: 'nvfp4', groupSize: gs } : { kind: 'int4', activations: kind, groupSize: gs, scaleFormat: scale },
  accumulation: 'fp32',
  rank: 0,
  branchFormat: branch,
});

/** The oracle: docs/golden.md's rules for one group of finite values. */
function oracle(kind: Kind, scaleFmt: 'fp16' | 'bf16', xs: Q[], rule: Rounding, signs: boolean[] = xs.map((x) => x.n < 0n)): Expect {
  let a = ZERO;
  for (const x of xs) if (cmpQ(absQ(x), a) > 0) a = absQ(x);
  const qmax = kind === 'nvfp4' ? 6n : kind === 'uint4' ? 15n : 7n;
  let s = r32(mulQ(a, r32(q(1n, qmax))));
  if (kind === 'nvfp4' && cmpQ(s, q(448n)) > 0) s = q(448n);
  let scaleCode: number;
  if (kind === 'nvfp4') {
    const sr = roundBin(s, E4M3, 'rne', 'sat') as Q;
    scaleCode = encodeBin(sr, 4, 3, 0x80);
  } else {
    const sr = roundBin(s, scaleFmt === 'bf16' ? B16 : F16, 'rne', 'inf');
    if (typeof sr === 'string') scaleCode = scaleFmt === 'bf16' ? 0x7f80 : 0x7c00; // s ≥ 0: only +inf
    else scaleCode = scaleFmt === 'bf16' ? encodeBin(sr, 8, 7, 0x8000) : encodeBin(sr, 5, 10, 0x8000);
  }
  const infRecip = cmpQ(s, pow2(-126)) < 0; // zero or subnormal → +inf
  const r = infRecip ? undefined : r32(divQ(q(1n), s));
  const codes = xs.map((x, i) => {
    if (x.n === 0n && infRecip) return 0; // 0·inf = NaN → +0
    const big = kind === 'nvfp4' ? q(7n) : q(16n); // beyond saturation: ±inf in the rule
    const v = infRecip ? (x.n < 0n ? q(-big.n) : big) : r32(mulQ(x, r as Q));
    if (kind === 'nvfp4') {
      // fp4 keeps the sign of x (and of a −0 input): v = x·r has x's sign, and so has its e2m1 rounding
      const rv = roundBin(absQ(v), E2M1, rule, 'sat') as Q;
      return encodeBin(rv, 2, 1, 0x8) | (signs[i] ? 0x8 : 0);
    }
    const lo = kind === 'uint4' ? 0n : -8n;
    const hi = kind === 'uint4' ? 15n : 7n;
    let iv = roundInt(v, rule);
    if (iv < lo) iv = lo;
    if (iv > hi) iv = hi;
    return Number(iv) & 0xf;
  });
  return { scaleCode, codes };
}

function golden(kind: Kind, scale: 'fp16' | 'bf16', branch: 'fp16' | 'bf16', codes: number[], rule: Rounding): Expect {
  const r = lowRankQuantizeActivations(cfg(kind, scale, branch, codes.length), 1, codes.length, codes, rule);
  return { scaleCode: r.sa[0], codes: Array.from(r.qa) };
}

const finite = (c: number, bf: boolean): boolean => decode16(c, bf) !== undefined;

describe('qact golden vs the rational oracle, exhaustive two-element groups', () => {
  // Groups [A, x]: A fixes the group maximum, x runs over every finite code with |x| ≤ |A|.
  const cases: { kind: Kind; scale: 'fp16' | 'bf16'; branch: 'fp16' | 'bf16'; maxima: number[]; rules: Rounding[] }[] = [
    { kind: 'int4', scale: 'fp16', branch: 'fp16', maxima: [0x3c00, 0x7bff, 0x0003, 0x2e66, 0xc500], rules: ['rne', 'rtz', 'rna'] },
    { kind: 'uint4', scale: 'fp16', branch: 'fp16', maxima: [0x3c00, 0x4d1f], rules: ['rne'] },
    { kind: 'nvfp4', scale: 'fp16', branch: 'bf16', maxima: [0x3f80, 0x4500, 0x0001, 0x7f7f, 0x3e4d], rules: ['rne', 'rtz'] },
    { kind: 'int4', scale: 'bf16', branch: 'bf16', maxima: [0x0005, 0x3f80], rules: ['rne'] },
  ];
  for (const c of cases) {
    for (const A of c.maxima) {
      it(`${c.kind} scale ${c.scale} branch ${c.branch}, max code 0x${A.toString(16)}`, () => {
        const bf = c.branch === 'bf16';
        const aV = absQ(decode16(A, bf) as Q);
        let checked = 0;
        for (let x = 0; x < 0x10000; x++) {
          const xv = decode16(x, bf);
          if (xv === undefined || cmpQ(absQ(xv), aV) > 0) continue;
          for (const rule of c.rules) {
            const want = oracle(c.kind, c.scale, [decode16(A, bf) as Q, xv], rule, [A >= 0x8000, x >= 0x8000]);
            const got = golden(c.kind, c.scale, c.branch, [A, x], rule);
            if (got.scaleCode !== want.scaleCode || got.codes[0] !== want.codes[0] || got.codes[1] !== want.codes[1]) {
              expect({ A, x, rule, got }).toEqual({ A, x, rule, got: want });
            }
          }
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});

describe('qact golden, hand-checked cases', () => {
  it('an all-zero group: scale +0, codes +0 (0 · inf is NaN → 0), int4 and nvfp4', () => {
    expect(golden('int4', 'fp16', 'fp16', [0, 0x8000, 0, 0], 'rne')).toEqual({ scaleCode: 0, codes: [0, 0, 0, 0] });
    expect(golden('nvfp4', 'fp16', 'fp16', [0x8000, 0], 'rne')).toEqual({ scaleCode: 0, codes: [0, 0] });
  });
  it('[7, 3.5, −7]: s = 7·round32(1/7) = 1 − 2^-24·… rounds to fp16 1.0; 3.5·r = 3.5 (+ε) → 4 (rne)', () => {
    // round32(1/7) = 0x3E124925 = 9586981·2^-26; 7·that = 67108867·2^-26 = 1 + 3·2^-26 → round32 = 1 (ulp 2^-23 above 1).
    // s = 1 exactly, r = 1, v = x: 3.5 rne → 4, rtz → 3, rna → 4; −7 → 9 (two's complement nibble).
    const x = [0x4700, 0x4300, 0xc700];
    expect(golden('int4', 'fp16', 'fp16', x, 'rne')).toEqual({ scaleCode: 0x3c00, codes: [7, 4, 9] });
    expect(golden('int4', 'fp16', 'fp16', x, 'rtz')).toEqual({ scaleCode: 0x3c00, codes: [7, 3, 9] });
  });
  it('stochastic rounding is refused with a message', () => {
    expect(() => golden('int4', 'fp16', 'fp16', [0x3c00], 'stochastic')).toThrow(/stochastic/);
  });
  it('NVFP4 scales are capped at 448 before rounding: a group maximum of 65504 (bf16 branch) gives fp8 code 0x7e', () => {
    // 65504/6 > 448 → s = 448 = 1.75·2^8 → e4m3 exponent field 8+7 = 15, mantissa 6: 0x7e.
    expect(golden('nvfp4', 'fp16', 'bf16', [0x477f, 0x3f80], 'rne').scaleCode).toBe(0x7e);
  });
});

describe('qact golden vs the oracle, random groups (fast-check)', () => {
  const group = (len: number, bf: boolean): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 0, max: 0xffff }).filter((c) => finite(c, bf)), { minLength: len, maxLength: len });
  it('int4 groups of 64 (fp16), uint4, and NVFP4 groups of 16 (bf16)', () => {
    fc.assert(
      fc.property(group(64, false), fc.constantFrom<Rounding>('rne', 'rtz', 'rna'), fc.constantFrom<Kind>('int4', 'uint4'), (xs, rule, kind) => {
        expect(golden(kind, 'fp16', 'fp16', xs, rule)).toEqual(oracle(kind, 'fp16', xs.map((c) => decode16(c, false) as Q), rule, xs.map((c) => c >= 0x8000)));
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(group(16, true), fc.constantFrom<Rounding>('rne', 'rna'), (xs, rule) => {
        expect(golden('nvfp4', 'fp16', 'bf16', xs, rule)).toEqual(oracle('nvfp4', 'fp16', xs.map((c) => decode16(c, true) as Q), rule, xs.map((c) => c >= 0x8000)));
      }),
      { numRuns: 150 },
    );
  });
  it('an [m × k] tile: row-major codes, scales [m × ceil(k/g)], the last group shorter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (m, k, seed) => {
        const gs = 16;
        const x = Array.from({ length: m * k }, (_, i) => {
          const c = (Math.imul(seed ^ (i * 2654435761), 2246822519) >>> 0) & 0x7bff; // finite fp16, sign set below
          return i % 3 === 0 ? c | 0x8000 : c;
        });
        const r = lowRankQuantizeActivations(cfg('int4', 'fp16', 'fp16', gs), m, k, x, 'rne');
        const G = Math.ceil(k / gs);
        expect(r.sa.length).toBe(m * G);
        for (let i = 0; i < m; i++) {
          for (let g = 0; g < G; g++) {
            const xs = x.slice(i * k + g * gs, i * k + Math.min(k, (g + 1) * gs));
            const want = oracle('int4', 'fp16', xs.map((c) => decode16(c, false) as Q), 'rne');
            expect(r.sa[i * G + g]).toBe(want.scaleCode);
            expect(Array.from(r.qa.slice(i * k + g * gs, i * k + g * gs + xs.length))).toEqual(want.codes);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('qact golden on non-finite inputs (the rules, case by case)', () => {
  it('NaN elements are skipped by the maximum and get code 0; an inf maximum gives an inf scale and r = 0', () => {
    // [NaN, 7, −3.5]: a = 7, s = 1 (as above), codes: NaN·1 = NaN → 0; 7 → 7; −3.5 → −4 (rne, ties to even) = 0xc.
    expect(golden('int4', 'fp16', 'fp16', [0x7e00, 0x4700, 0xc300], 'rne')).toEqual({ scaleCode: 0x3c00, codes: [0, 7, 0xc] });
    // [inf, 1]: a = inf, s = inf (fp16 0x7c00), r = round32(1/inf) = 0: inf·0 = NaN → 0, 1·0 = 0.
    expect(golden('int4', 'fp16', 'fp16', [0x7c00, 0x3c00], 'rne')).toEqual({ scaleCode: 0x7c00, codes: [0, 0] });
  });
  it('single-element groups decode as qmax for every positive finite fp16 (two-element exhaustive covers the rest)', () => {
    const config = cfg('int4', 'fp16', 'fp16', 1);
    for (let c = 1; c < 0x7c00; c += 37) expect(lowRankQuantizeGroup(config, [decode16Number(c)]).codes[0]).toBe(oracle('int4', 'fp16', [decode16(c, false) as Q], 'rne').codes[0]);
  });
});

describe('the runtime GEMM: qact of X, then the offline GEMM on those codes', () => {
  // The codes come from the oracle above; the offline GEMM is tested on its own (golden.test.ts).
  it('equals the offline GEMM on the oracle-quantized activations (int4 g16 + rank-16 branch, nvfp4 g16)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 }), (m, k, n, nv, seed) => {
        const code = (i: number, salt: number): number => (Math.imul((seed + salt) ^ Math.imul(i, 2654435761), 2246822519) >>> 0) & 0x3bff; // finite, |v| < 1
        const branch = nv ? 'bf16' : 'fp16';
        const base = cfg(nv ? 'nvfp4' : 'int4', 'fp16', branch, 16);
        const offline: LowRankGemmConfig = { ...base, rank: 16 };
        const runtime: LowRankGemmConfig = { ...offline, activationQuant: 'runtime' };
        const G = Math.ceil(k / 16);
        const x = Array.from({ length: m * k }, (_, i) => code(i, 1) | (i % 2 ? 0x8000 : 0));
        const qw = Array.from({ length: n * k }, (_, i) => code(i, 2) & 0xf);
        const sw = Array.from({ length: n * G }, () => (nv ? 0x38 : 0x3c00));
        const down = Array.from({ length: k * 16 }, (_, i) => code(i, 3));
        const up = Array.from({ length: n * 16 }, (_, i) => code(i, 4));
        const tensorScale = nv ? 0x3f800000 : undefined;
        const qa: number[] = [];
        const sa: number[] = [];
        for (let i = 0; i < m; i++) {
          for (let g = 0; g < G; g++) {
            const xs = x.slice(i * k + g * 16, i * k + Math.min(k, (g + 1) * 16));
            const o = oracle(nv ? 'nvfp4' : 'int4', 'fp16', xs.map((c) => decode16(c, nv) as Q), 'rne', xs.map((c) => c >= 0x8000));
            qa.push(...o.codes);
            sa.push(o.scaleCode);
          }
        }
        const common = { m, k, n, qw, sw, x, down, up, ...(tensorScale !== undefined ? { tensorScale } : {}) };
        const want = lowRankGemm(offline, { ...common, qa, sa });
        expect(Array.from(lowRankGemm(runtime, common).codes)).toEqual(Array.from(want.codes));
        expect(lowRankOutputTrace(runtime, common, m - 1, n - 1).code).toBe(want.codes[m * n - 1]);
      }),
      { numRuns: 60 },
    );
  });
  it('refuses runtime operands without x, or with qa/sa given', () => {
    const runtime: LowRankGemmConfig = { ...cfg('int4', 'fp16', 'fp16', 16), activationQuant: 'runtime' };
    expect(() => lowRankGemm(runtime, { m: 1, k: 1, n: 1, qw: [0], sw: [0x3c00] })).toThrow(/needs the raw activations x/);
    expect(() => lowRankGemm(runtime, { m: 1, k: 1, n: 1, qa: [0], sa: [0], x: [0], qw: [0], sw: [0x3c00] })).toThrow(/must not give them/);
  });
});

/** A finite fp16 code's value as a float64 (exact: 11 significant bits), from the oracle's rational. */
function decode16Number(c: number): number {
  const v = decode16(c, false) as Q;
  return Number(v.n) / Number(v.d);
}
