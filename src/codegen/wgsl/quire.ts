/**
 * An exact fixed-point accumulator ("quire") in u32 limbs for WGSL kernels (issue 14): `limbs` little-endian
 * 32-bit words, two's complement, LSB 2^−P. `q_add` adds or subtracts an unsigned product p · 2^sh (carry or
 * borrow through the upper limbs), `q_to_sf` reads the value as an Sf (src/codegen/wgsl/softfloat.ts) whose
 * significand is the top 32 bits of |Q| with every lower bit jammed into bit 0 — exact for rounding to any
 * format of ≤ 27 significant bits (the rounding point lies ≥ 5 bits above the jam), `q_set` stores a
 * finite Sf that is a multiple of 2^−P (as a value; its m may carry trailing zeros below 2^−P). The caller sizes the quire so it never overflows.
 */

/** The WGSL source of a quire of `limbs` words (needs the soft-float library for q_to_sf / q_set). */
export function wgslQuire(limbs: number): string {
  return `// ---- qacc quire: ${limbs} u32 limbs, two's complement, little-endian (src/codegen/wgsl/quire.ts) ----
const QL: u32 = ${limbs}u;
alias Quire = array<u32, ${limbs}>;

fn q_add(q: ptr<function, Quire>, p: u32, sh: u32, neg: bool) {
  let li = sh >> 5u;
  let b = sh & 31u;
  let lo = p << b;
  let hi = select(0u, p >> (32u - b), b != 0u);
  var c = 0u;
  for (var i = li; i < QL; i++) {
    var a = 0u;
    if (i == li) { a = lo; } else if (i == li + 1u) { a = hi; } else if (c == 0u) { break; }
    let x = (*q)[i];
    if (neg) {
      let d = x - a;
      let b1 = select(0u, 1u, x < a);
      let d2 = d - c;
      let b2 = select(0u, 1u, d < c);
      (*q)[i] = d2;
      c = b1 | b2;
    } else {
      let s = x + a;
      let c1 = select(0u, 1u, s < x);
      let s2 = s + c;
      let c2 = select(0u, 1u, s2 < s);
      (*q)[i] = s2;
      c = c1 | c2;
    }
  }
}

fn q_to_sf(q: ptr<function, Quire>, p: i32) -> Sf {
  var a = *q;
  let neg = (a[QL - 1u] >> 31u) == 1u;
  if (neg) {
    var c = 1u;
    for (var i = 0u; i < QL; i++) {
      let v = ~a[i] + c;
      c = select(0u, 1u, c == 1u && v == 0u);
      a[i] = v;
    }
  }
  var t = -1;
  for (var i = 0u; i < QL; i++) { if (a[i] != 0u) { t = i32(i); } }
  let s = select(0u, 1u, neg);
  if (t < 0) { return sf_zero(0u); }
  let msb = u32(t) * 32u + firstLeadingBit(a[u32(t)]);
  if (msb < 32u) { return Sf(s, a[0], -p, 0u); }
  let lb = msb - 31u;
  let wi = lb >> 5u;
  let wb = lb & 31u;
  var m = a[wi] >> wb;
  if (wb != 0u && wi + 1u < QL) { m = m | (a[wi + 1u] << (32u - wb)); }
  var sticky = (a[wi] & ((1u << wb) - 1u)) != 0u;
  for (var i = 0u; i < wi; i++) { if (a[i] != 0u) { sticky = true; } }
  return Sf(s, m | select(0u, 1u, sticky), i32(lb) - p, 0u);
}

fn q_set(q: ptr<function, Quire>, x: Sf, p: i32) {
  for (var i = 0u; i < QL; i++) { (*q)[i] = 0u; }
  if (x.m != 0u) {
    let tz = countTrailingZeros(x.m);
    q_add(q, x.m >> tz, u32(x.e + i32(tz) + p), x.s == 1u);
  }
}
// ---- end of the quire ----
`;
}

/** The WGSL source of posit(n, es) encoding of an Sf for n ≤ 16 (needs the soft-float library). */
export function wgslPositEncode(): string {
  return `// ---- posit encoding (src/codegen/wgsl/quire.ts): rounding on the bit string, RNE, saturating ----
// x: exact, or its significand jammed below bit 5; n <= 16. NaN -> NaR; 0 -> 0; never rounds to 0 or NaR.
fn posit_encode(x: Sf, n: u32, es: u32) -> u32 {
  let nar = 1u << (n - 1u);
  if (x.c != 0u) { return nar; }
  if (x.m == 0u) { return 0u; }
  let msb = firstLeadingBit(x.m);
  let scale = i32(msb) + x.e;
  let k = scale >> es;
  let ex = u32(scale - (k << es));
  var mag: u32;
  if (k >= i32(n) - 2) {
    mag = nar - 1u;
  } else if (k < 2 - i32(n)) {
    mag = 1u;
  } else {
    // regime || exponent (plen bits), then the fraction below the leading one (31 bits, jam included).
    var reg: u32;
    var rlen: u32;
    if (k >= 0) { rlen = u32(k) + 2u; reg = ((1u << (u32(k) + 1u)) - 1u) << 1u; } else { rlen = u32(-k) + 1u; reg = 1u; }
    let plen = rlen + es;
    let prefix = (reg << es) | ex;
    let frac = (x.m << (31u - msb)) & 0x7fffffffu;
    // 64-bit string hi:lo, left-aligned: prefix (plen <= 20 bits) then frac (31 bits).
    let hi = (prefix << (32u - plen)) | (frac >> (plen - 1u));
    let lo = frac << (33u - plen);
    let keep = n - 1u;
    var kept = hi >> (32u - keep);
    let rb = (hi >> (31u - keep)) & 1u;
    let sticky = ((hi & ((1u << (31u - keep)) - 1u)) != 0u) || lo != 0u;
    if (rb == 1u && (sticky || (kept & 1u) == 1u)) { kept = kept + 1u; }
    mag = kept;
  }
  if (x.s == 1u) { return ((1u << n) - mag) & ((1u << n) - 1u); }
  return mag;
}
`;
}
