/**
 * Exact floating-point arithmetic for WGSL kernels, in u32/i32 integers only (issue 14): WGSL lets an
 * implementation flush f32 subnormals, contract a·b + c, and assume no infinities or NaNs, and f16 is an
 * optional feature, so no kernel that must equal the golden model bit for bit computes in f32 or f16.
 *
 * A value is an `Sf`: a finite (−1)^s · m · 2^e (c = 0, m an unsigned integer, possibly 0: a signed zero),
 * an infinity (c = 1) or a NaN (c = 2). Operations follow IEEE 754 binary arithmetic with round to nearest,
 * ties to even, as the golden model's float64-plus-encode does (src/golden/common.ts addRounded, roundTo):
 * - `sf_round(x, mbits, qmin, emax)`: x rounded once to a binary format with mbits fraction bits, smallest
 *   quantum 2^qmin (subnormals) and largest exponent emax; overflow gives ±∞ (IEEE default), underflow a zero
 *   of x's sign. fp16: (10, −24, 15); bf16: (7, −133, 127); fp32: (23, −149, 127).
 * - `sf_add_round(a, b, …)`: a + b exact, then rounded once (x + (−x) = +0; −0 + −0 = −0). Operands need
 *   m < 2^30 and at most 27 significant bits: the larger is aligned at bit 29, the smaller shifted right with
 *   the lost bits jammed into bit 0, which cannot change the rounding (the jam happens only when the exponents
 *   differ by ≥ 2, so the sum keeps its top bit at ≥ 28 and the rounding point is ≥ 2 bits above the jam).
 * - `sf_mul(a, b)`: exact when a.m · b.m < 2^32 (e.g. 11 × 11 or 11 × 8 bits); `sf_mul_wide` takes any
 *   two u32 significands, forms the 64-bit product in 16-bit limbs and keeps 31 bits with a jam bit — only
 *   for a product that is rounded next (to ≤ 27 bits).
 * - `sf_decode(code, ebits, mbits, bias)` / `sf_encode(x, ebits, mbits, bias, nan)`: IEEE binary codes (the
 *   output NaN is the format's canonical NaN, as the format library's encode of a NaN).
 * Shifts by a run-time amount are guarded: WGSL takes the amount modulo 32.
 */

/** The WGSL source of the library (paste into a kernel before its entry point). */
export const WGSL_SOFTFLOAT = `// ---- qacc exact arithmetic in integers (src/codegen/wgsl/softfloat.ts) ----
// A finite (-1)^s * m * 2^e (c = 0u), an infinity of sign s (c = 1u) or a NaN (c = 2u).
struct Sf { s: u32, m: u32, e: i32, c: u32 }

fn sf_zero(s: u32) -> Sf { return Sf(s, 0u, 0, 0u); }
fn sf_inf(s: u32) -> Sf { return Sf(s, 0u, 0, 1u); }
fn sf_nan() -> Sf { return Sf(0u, 0u, 0, 2u); }

fn sf_from_i32(v: i32) -> Sf {
  if (v < 0) { return Sf(1u, ~bitcast<u32>(v) + 1u, 0, 0u); }
  return Sf(0u, u32(v), 0, 0u);
}

// An IEEE binary code with ebits exponent and mbits fraction bits and the given bias.
// A decode-table word (sfDecodeTable): m in bits 15:0, e + 256 in bits 25:16, class in 29:28, sign in 30.
fn sf_from_table(w: u32) -> Sf {
  return Sf((w >> 30u) & 1u, w & 0xffffu, i32((w >> 16u) & 0x3ffu) - 256, (w >> 28u) & 3u);
}

fn sf_decode(code: u32, ebits: u32, mbits: u32, bias: i32) -> Sf {
  let s = (code >> (ebits + mbits)) & 1u;
  let emask = (1u << ebits) - 1u;
  let be = (code >> mbits) & emask;
  let f = code & ((1u << mbits) - 1u);
  if (be == emask) {
    if (f == 0u) { return sf_inf(s); }
    return sf_nan();
  }
  if (be == 0u) { return Sf(s, f, 1 - bias - i32(mbits), 0u); }
  return Sf(s, f | (1u << mbits), i32(be) - bias - i32(mbits), 0u);
}

// z / 2^sh rounded to nearest, ties to even (any sh).
fn rne_shift(z: u32, sh: u32) -> u32 {
  if (sh == 0u) { return z; }
  if (sh > 32u) { return 0u; }
  if (sh == 32u) { return select(0u, 1u, z > 0x80000000u); }
  let q = z >> sh;
  let rem = z & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  if (rem > half || (rem == half && (q & 1u) == 1u)) { return q + 1u; }
  return q;
}

fn sf_round(x: Sf, mbits: u32, qmin: i32, emax: i32) -> Sf {
  if (x.c != 0u || x.m == 0u) { return x; }
  let top = i32(firstLeadingBit(x.m)) + x.e;
  let qe = max(top - i32(mbits), qmin);
  var r = x.m;
  var e = x.e;
  if (qe > x.e) {
    r = rne_shift(x.m, u32(qe - x.e));
    e = qe;
  }
  if (r == 0u) { return sf_zero(x.s); }
  if (i32(firstLeadingBit(r)) + e > emax) { return sf_inf(x.s); }
  return Sf(x.s, r, e, 0u);
}

fn sf_encode(x: Sf, ebits: u32, mbits: u32, bias: i32, nan: u32) -> u32 {
  let sbit = x.s << (ebits + mbits);
  let emask = (1u << ebits) - 1u;
  if (x.c == 2u) { return nan; }
  if (x.c == 1u) { return sbit | (emask << mbits); }
  if (x.m == 0u) { return sbit; }
  let msb = i32(firstLeadingBit(x.m));
  let top = msb + x.e;
  if (top < 1 - bias) {
    return sbit | (x.m << u32(x.e - (1 - bias - i32(mbits))));
  }
  let sh = msb - i32(mbits);
  var f: u32;
  if (sh >= 0) { f = x.m >> u32(sh); } else { f = x.m << u32(-sh); }
  return sbit | (u32(top + bias) << mbits) | (f & ((1u << mbits) - 1u));
}

fn sf_mul(a: Sf, b: Sf) -> Sf {
  let s = a.s ^ b.s;
  if (a.c == 2u || b.c == 2u) { return sf_nan(); }
  if (a.c == 1u || b.c == 1u) {
    if ((a.c == 0u && a.m == 0u) || (b.c == 0u && b.m == 0u)) { return sf_nan(); }
    return sf_inf(s);
  }
  return Sf(s, a.m * b.m, a.e + b.e, 0u);
}

fn sf_mul_wide(a: Sf, b: Sf) -> Sf {
  if (a.c != 0u || b.c != 0u) { return sf_mul(a, b); }
  let s = a.s ^ b.s;
  let al = a.m & 0xffffu;
  let ah = a.m >> 16u;
  let bl = b.m & 0xffffu;
  let bh = b.m >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = lh + hl;
  let midc = select(0u, 0x10000u, mid < lh);
  let lo = ll + (mid << 16u);
  let c1 = select(0u, 1u, lo < ll);
  let hi = ah * bh + (mid >> 16u) + midc + c1;
  if (hi == 0u && lo < 0x80000000u) { return Sf(s, lo, a.e + b.e, 0u); }
  var sh: u32;
  if (hi == 0u) { sh = 1u; } else { sh = firstLeadingBit(hi) + 2u; }
  // (hi:lo) >> sh with the lost bits jammed into bit 0; 1 <= sh <= 33.
  var m: u32;
  var lost: u32;
  if (sh < 32u) {
    m = (lo >> sh) | (hi << (32u - sh));
    lost = lo & ((1u << sh) - 1u);
  } else {
    m = hi >> (sh - 32u);
    lost = lo | (hi & ((1u << (sh - 32u)) - 1u));
  }
  return Sf(s, m | select(0u, 1u, lost != 0u), a.e + b.e + i32(sh), 0u);
}

fn sf_add_round(a: Sf, b: Sf, mbits: u32, qmin: i32, emax: i32) -> Sf {
  if (a.c == 2u || b.c == 2u) { return sf_nan(); }
  if (a.c == 1u) {
    if (b.c == 1u && b.s != a.s) { return sf_nan(); }
    return a;
  }
  if (b.c == 1u) { return b; }
  if (a.m == 0u) {
    if (b.m == 0u) { return sf_zero(a.s & b.s); }
    return sf_round(b, mbits, qmin, emax);
  }
  if (b.m == 0u) { return sf_round(a, mbits, qmin, emax); }
  var l = a;
  var t = b;
  if (i32(firstLeadingBit(b.m)) + b.e > i32(firstLeadingBit(a.m)) + a.e) {
    l = b;
    t = a;
  }
  let up = 29 - i32(firstLeadingBit(l.m));
  let le = l.e - up;
  let lm = l.m << u32(up);
  var tm: u32;
  let d = t.e - le;
  if (d >= 0) {
    tm = t.m << u32(d);
  } else if (d > -32) {
    let k = u32(-d);
    tm = (t.m >> k) | select(0u, 1u, (t.m & ((1u << k) - 1u)) != 0u);
  } else {
    tm = select(0u, 1u, t.m != 0u);
  }
  var z: u32;
  var s: u32;
  if (l.s == t.s) {
    z = lm + tm;
    s = l.s;
  } else if (lm >= tm) {
    z = lm - tm;
    s = l.s;
  } else {
    z = tm - lm;
    s = t.s;
  }
  if (z == 0u) { return sf_zero(0u); }
  return sf_round(Sf(s, z, le, 0u), mbits, qmin, emax);
}
// ---- end of the exact arithmetic ----
`;

/** sf_round / sf_add_round parameters of a binary format: fraction bits, smallest quantum exponent, largest exponent. */
export interface SfFormat {
  readonly ebits: number;
  readonly mbits: number;
  readonly bias: number;
  readonly qmin: number;
  readonly emax: number;
}

/** The SfFormat of an IEEE binary format (all-ones exponent = inf/NaN) with `ebits`, `mbits` and a bias (default 2^(ebits−1) − 1). */
export function sfFormat(ebits: number, mbits: number, bias = 2 ** (ebits - 1) - 1): SfFormat {
  return { ebits, mbits, bias, qmin: 1 - bias - mbits, emax: 2 ** ebits - 2 - bias };
}

/** `ebits, mbits, bias` as WGSL arguments of sf_decode / sf_encode. */
export function sfCodeArgs(f: SfFormat): string {
  return `${f.ebits}u, ${f.mbits}u, ${f.bias}`;
}

/** `mbits, qmin, emax` as WGSL arguments of sf_round / sf_add_round. */
export function sfRoundArgs(f: SfFormat): string {
  return `${f.mbits}u, ${f.qmin}, ${f.emax}`;
}

/**
 * A decode table for any format of ≤ 16 bits whose values have ≤ 16 significant bits (fp8 fn formats, fp4,
 * small integers): word c is sf_from_table's encoding of decode(c) (the format library's decode, so no
 * decoder is restated). Throws when a value does not fit.
 */
export function sfDecodeTable(bits: number, decode: (code: number) => number): Uint32Array {
  const words = new Uint32Array(2 ** bits);
  for (let c = 0; c < words.length; c++) {
    const v = decode(c);
    const sign = v < 0 || Object.is(v, -0) ? 1 << 30 : 0;
    if (Number.isNaN(v)) words[c] = 2 << 28;
    else if (!Number.isFinite(v)) words[c] = ((1 << 28) | sign) >>> 0;
    else if (v === 0) words[c] = ((256 << 16) | sign) >>> 0;
    else {
      let m = Math.abs(v);
      let e = 0;
      while (!Number.isInteger(m)) {
        m *= 2; // exact: a power-of-two scaling
        e--;
      }
      while (m % 2 === 0) {
        m /= 2;
        e++;
      }
      if (m >= 2 ** 16 || e < -256 || e > 767) throw new Error(`sfDecodeTable: code ${c} (${v}) does not fit a table word`);
      words[c] = (m | ((e + 256) << 16) | sign) >>> 0;
    }
  }
  return words;
}

/**
 * WGSL source of `sf_fma_round(a, b, c, mbits, qmin, emax)`: a·b + c with the product exact (up to 32 × 32
 * bits, formed in 16-bit limbs) and one rounding (needs WGSL_SOFTFLOAT). The larger of a·b and c by top bit
 * is placed at bit 93 of a 96-bit window, the smaller shifted with its lost bits jammed into bit 0 (only
 * when it lies ≥ 2 bits lower, so the sum's top bit stays ≥ 92); the window's top 32 bits plus a sticky
 * bit are then rounded by sf_round. Specials follow sf_mul and sf_add_round (IEEE).
 */
export const WGSL_FMA = `// ---- fused multiply-add, one rounding (src/codegen/wgsl/softfloat.ts WGSL_FMA) ----
alias W96 = array<u32, 3>;

fn mul64(a: u32, b: u32) -> vec2u {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = lh + hl;
  let midc = select(0u, 0x10000u, mid < lh);
  let lo = ll + (mid << 16u);
  let c1 = select(0u, 1u, lo < ll);
  return vec2u(ah * bh + (mid >> 16u) + midc + c1, lo);
}

fn w96_top(r: W96) -> i32 {
  if (r[2] != 0u) { return 64 + i32(firstLeadingBit(r[2])); }
  if (r[1] != 0u) { return 32 + i32(firstLeadingBit(r[1])); }
  if (r[0] != 0u) { return i32(firstLeadingBit(r[0])); }
  return -1;
}

// r * 2^s (s may be negative: bits below 0 jammed into bit 0); the result must fit 96 bits.
fn w96_shift(r: W96, s: i32) -> W96 {
  var o = W96(0u, 0u, 0u);
  if (s >= 0) {
    let q = u32(s) >> 5u;
    let b = u32(s) & 31u;
    for (var i = q; i < 3u; i++) {
      var v = r[i - q] << b;
      if (b != 0u && i > q) { v = v | (r[i - q - 1u] >> (32u - b)); }
      o[i] = v;
    }
    return o;
  }
  let t = u32(-s);
  if (t >= 96u) { return W96(select(0u, 1u, (r[0] | r[1] | r[2]) != 0u), 0u, 0u); }
  let q = t >> 5u;
  let b = t & 31u;
  var lost = false;
  for (var i = 0u; i < q; i++) { if (r[i] != 0u) { lost = true; } }
  if (b != 0u && (r[q] & ((1u << b) - 1u)) != 0u) { lost = true; }
  for (var i = 0u; i + q < 3u; i++) {
    var v = r[i + q] >> b;
    if (b != 0u && i + q + 1u < 3u) { v = v | (r[i + q + 1u] << (32u - b)); }
    o[i] = v;
  }
  if (lost) { o[0] = o[0] | 1u; }
  return o;
}

fn w96_ge(a: W96, b: W96) -> bool {
  if (a[2] != b[2]) { return a[2] > b[2]; }
  if (a[1] != b[1]) { return a[1] > b[1]; }
  return a[0] >= b[0];
}

fn w96_add(a: W96, b: W96) -> W96 {
  var o = W96(0u, 0u, 0u);
  var c = 0u;
  for (var i = 0u; i < 3u; i++) {
    let s = a[i] + b[i];
    let c1 = select(0u, 1u, s < a[i]);
    let s2 = s + c;
    let c2 = select(0u, 1u, s2 < s);
    o[i] = s2;
    c = c1 | c2;
  }
  return o;
}

fn w96_sub(a: W96, b: W96) -> W96 {
  var o = W96(0u, 0u, 0u);
  var c = 0u;
  for (var i = 0u; i < 3u; i++) {
    let d = a[i] - b[i];
    let b1 = select(0u, 1u, a[i] < b[i]);
    let d2 = d - c;
    let b2 = select(0u, 1u, d < c);
    o[i] = d2;
    c = b1 | b2;
  }
  return o;
}

// (-1)^s * r * 2^e as an Sf: the top 32 bits of r, lower bits jammed into bit 0.
fn w96_to_sf(s: u32, r: W96, e: i32) -> Sf {
  let top = w96_top(r);
  if (top < 0) { return sf_zero(s); }
  if (top < 32) { return Sf(s, r[0], e, 0u); }
  let w = w96_shift(r, 31 - top);
  return Sf(s, w[0], e + top - 31, 0u);
}

fn sf_fma_round(a: Sf, b: Sf, c: Sf, mbits: u32, qmin: i32, emax: i32) -> Sf {
  if (a.c != 0u || b.c != 0u || c.c != 0u) { return sf_add_round(sf_mul(a, b), c, mbits, qmin, emax); }
  let ps = a.s ^ b.s;
  if (a.m == 0u || b.m == 0u) { return sf_add_round(sf_zero(ps), c, mbits, qmin, emax); }
  let p = mul64(a.m, b.m);
  let pw = W96(p.y, p.x, 0u);
  let pe = a.e + b.e;
  if (c.m == 0u) { return sf_round(w96_to_sf(ps, pw, pe), mbits, qmin, emax); }
  let cw = W96(c.m, 0u, 0u);
  let tp = w96_top(pw) + pe;
  let tc = i32(firstLeadingBit(c.m)) + c.e;
  let e0 = max(tp, tc) - 93;
  let x = w96_shift(pw, pe - e0);
  let y = w96_shift(cw, c.e - e0);
  var z: W96;
  var s: u32;
  if (ps == c.s) {
    z = w96_add(x, y);
    s = ps;
  } else if (w96_ge(x, y)) {
    z = w96_sub(x, y);
    s = ps;
  } else {
    z = w96_sub(y, x);
    s = c.s;
  }
  if (w96_top(z) < 0) { return sf_zero(0u); }
  return sf_round(w96_to_sf(s, z, e0), mbits, qmin, emax);
}
// ---- end of the fused multiply-add ----
`;
