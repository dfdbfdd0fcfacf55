/**
 * The simd_mac kind's WGSL reference kernel (issue 14): the SIMD MAC GEMM of golden.ts, one invocation per
 * output, bit-exact.
 * - Elements are decoded through a table the host builds from the format library's decode (as golden's
 *   elementTables): per code its sign, whether it is NaN/NaR/inf, and |v|·2^F = m·2^s (F the element's
 *   finest fraction bit). Products m_a·m_b (≤ 32 bits) are added at bit s_a + s_b of an exact two's
 *   complement quire in u32 limbs (src/codegen/wgsl/quire.ts), LSB 2^−P.
 * - `exact`: the quire holds Σ a·b (order-free: integer addition); one RNE rounding to the output at the end.
 * - `round-each-step`: after every step (one operand word = `lanes` elements, k ascending) the quire is
 *   rounded to the output format and replaced by the rounded value; P reaches the output's smallest
 *   quantum, so the rounded value is again exact in the quire. An IEEE output that overflowed stays ±inf.
 * - Output: IEEE floats through sf_round/sf_encode, posits (n ≤ 16) through posit_encode (rounding on the
 *   bit string, saturating); a NaN/NaR/inf operand poisons the result to the output's NaN/NaR.
 */
import { FloatFormat } from '../../formats/float.js';
import { PositFormat } from '../../formats/posit.js';
import { NoKernelError, type KernelSet } from '../../codegen/kernels/manifest.js';
import { gemmLaunch, wgslGemm } from '../../codegen/wgsl/gemm-kernel.js';
import { LLVMPIPE_LOOP_LIMIT, WGSL_LOOP_BUDGET } from '../../codegen/wgsl/loop-limit.js';
import { packCodes, packedBits } from '../../codegen/wgsl/pack.js';
import { wgslPositEncode, wgslQuire } from '../../codegen/wgsl/quire.js';
import { sfCodeArgs, sfFormat, sfRoundArgs } from '../../codegen/wgsl/softfloat.js';
import type { TargetOf } from '../facets/compile.js';
import { simdMacQuire, type SimdElementFormat, type SimdMacOperands } from './golden.js';

/** Decode table word of each element code: m < 2^16 (bits 16:0), s (bits 25:17), sign (bit 30), special (bit 31). */
function elementTable(f: SimdElementFormat, F: number): Uint32Array {
  const size = 2 ** f.bits;
  const words = new Uint32Array(size);
  for (let c = 0; c < size; c++) {
    const v = f.decode(c);
    if (!Number.isFinite(v)) {
      words[c] = 0x80000000;
      continue;
    }
    let scaled = BigInt(Math.abs(v) * 2 ** F); // exact: a power-of-two scaling of an integer multiple of 2^−F
    let s = 0;
    while (scaled !== 0n && (scaled & 1n) === 0n) {
      scaled >>= 1n;
      s++;
    }
    if (scaled >= 1n << 16n || s >= 512) throw new NoKernelError(`simd_mac element ${f.name} has a value too wide for the kernel's decode table`);
    words[c] = (Number(scaled) | (s << 17) | (v < 0 || Object.is(v, -0) ? 1 << 30 : 0)) >>> 0;
  }
  return words;
}

/** The WGSL kernel set of a simd_mac target (one SIMD mode). */
export function simdMacWgsl(t: TargetOf<'simd_mac'>): KernelSet<SimdMacOperands> {
  const cfg = t.golden;
  const out = cfg.output;
  const q = simdMacQuire(cfg);
  const F2 = 2 * q.fractionBits;
  const table = elementTable(cfg.element, q.fractionBits);
  let P = F2;
  let topBits = q.width - F2; // integer bits of any exact dot product, sign included
  let outEncode: string;
  let ieee = false;
  if (out instanceof PositFormat) {
    if (out.bits > 16) throw new NoKernelError(`simd_mac output ${out.name}: the kernel encodes posits of at most 16 bits`);
    if (cfg.accumulation !== 'exact') {
      const scale = (out.bits - 2) * 2 ** out.es;
      P = Math.max(P, scale + 2);
      topBits = Math.max(topBits, scale + 3);
    }
    outEncode = `posit_encode(x, ${out.bits}u, ${out.es}u)`;
  } else if (out instanceof FloatFormat) {
    if (out.mantissaBits > 23) throw new NoKernelError(`simd_mac output ${out.name}: at most 23 fraction bits`);
    const o = sfFormat(out.exponentBits, out.mantissaBits, out.bias);
    ieee = true;
    if (cfg.accumulation !== 'exact') {
      P = Math.max(P, -o.qmin);
      topBits = Math.max(topBits, o.emax + 3);
    }
    outEncode = `sf_encode(sf_round(x, ${sfRoundArgs(o)}), ${sfCodeArgs(o)}, ${out.nanCode}u)`;
  } else throw new NoKernelError(`simd_mac output ${(out as { name: string }).name} is neither IEEE nor posit`);
  const limbs = Math.ceil((P + topBits + 2) / 32);
  if (limbs > 24) throw new NoKernelError(`simd_mac ${cfg.element.name} → ${out.name} needs a ${limbs * 32}-bit quire (at most 768 bits)`);
  const bits = packedBits(cfg.element.bits);
  const poison = out instanceof PositFormat ? out.narCode : out.nanCode;
  const stepEnd =
    cfg.accumulation === 'exact'
      ? ''
      : `
  if ((k + 1u) % ${cfg.lanes}u == 0u || k + 1u == params.K) {
    if (!inf) {
      let x = sf_round_out(q_to_sf(&q, ${P}));
      ${ieee ? 'if (x.c == 1u) { inf = true; infs = x.s; }' : ''}
      q_set(&q, x, ${P});
      negzero = x.c == 0u && x.m == 0u && x.s == 1u;
    }
  }`;
  // The k loop runs in chunks of KP steps, one pass each (llvmpipe's loop limit, codegen/wgsl/loop-limit.ts),
  // the state carried exactly in `st` per (m, n), ${limbs + 2} words: next k, flags (poisoned | inf << 1 |
  // infs << 2 | negzero << 3), then the quire's limbs.
  const SW = limbs + 2;
  const chunkFn = `fn smac_chunk(m: u32, n: u32) {
  let si = (m * params.N + n) * ${SW}u;
  var q: Quire;
  for (var i = 0u; i < QL; i++) { q[i] = st[si + 2u + i]; }
  let fl = st[si + 1u];
  var poisoned = (fl & 1u) != 0u;
  var inf = (fl & 2u) != 0u;
  var infs = (fl >> 2u) & 1u;
  var negzero = (fl & 8u) != 0u;
  let k0 = st[si];
  let k1 = min(params.K, k0 + params.KP);
  for (var k = k0; k < k1; k++) {
    let a = lut[act_at(m * params.K + k)];
    let b = lut[wgt_at(n * params.K + k)];
    if (((a | b) >> 31u) == 1u) { poisoned = true; }
    let p = (a & 0x1ffffu) * (b & 0x1ffffu);
    if (p != 0u) { q_add(&q, p, ((a >> 17u) & 0x1ffu) + ((b >> 17u) & 0x1ffu) + ${P - F2}u, (((a ^ b) >> 30u) & 1u) == 1u); }${stepEnd.replace(/\n/g, '\n  ')}
  }
  for (var i = 0u; i < QL; i++) { st[si + 2u + i] = q[i]; }
  st[si] = k1;
  st[si + 1u] = select(0u, 1u, poisoned) | (select(0u, 1u, inf) << 1u) | (infs << 2u) | (select(0u, 1u, negzero) << 3u);
}`;
  const body = `smac_chunk(m, n);
let si = (m * params.N + n) * ${SW}u;
var q: Quire;
for (var i = 0u; i < QL; i++) { q[i] = st[si + 2u + i]; }
let fl = st[si + 1u];
var x = q_to_sf(&q, ${P});
if ((fl & 2u) != 0u) { x = sf_inf((fl >> 2u) & 1u); }
if ((fl & 8u) != 0u) { x = sf_zero(1u); }
if ((fl & 1u) != 0u) { x = sf_nan(); }
out[m * params.N + n] = ${outEncode};`;
  // Loop back-edges per k step (an upper bound): the k loop, q_add's limb loop, and at a step end
  // (round-each-step) q_to_sf's three limb loops and q_set's.
  const perK = 2 + limbs + (cfg.accumulation === 'exact' ? 0 : 4 * limbs + 8);
  const kPerPass = Math.floor(WGSL_LOOP_BUDGET / perK);
  const helpers = [
    wgslQuire(limbs),
    out instanceof PositFormat ? wgslPositEncode() : '',
    chunkFn,
    cfg.accumulation === 'exact' ? '' : `fn sf_round_out(x: Sf) -> Sf { ${out instanceof PositFormat ? `return posit_value(x);` : `return sf_round(x, ${sfRoundArgs(sfFormat((out as FloatFormat).exponentBits, (out as FloatFormat).mantissaBits, (out as FloatFormat).bias))});`} }`,
    out instanceof PositFormat && cfg.accumulation !== 'exact' ? positValue(out) : '',
  ].join('\n');
  const exactness = `Elements decoded by a table from the format library (|v|·2^${q.fractionBits} = m·2^s); products m_a·m_b are exact u32 values added at bit s_a + s_b of a ${limbs * 32}-bit two's complement quire (LSB 2^-${P}). ${cfg.accumulation === 'exact' ? 'exact: one RNE rounding of the quire to' : `round-each-step: every ${cfg.lanes} elements (one operand word) the quire is rounded to the output and replaced by the rounded value; the result is`} ${out.name}${out instanceof PositFormat ? ' (bit-string rounding, saturating to ±minpos/±maxpos)' : ' (IEEE RNE, overflow to ±inf)'}; a NaN/NaR/inf operand gives the output's ${out instanceof PositFormat ? 'NaR' : 'NaN'} (code ${poison}). No float arithmetic.`;
  const config = { kind: cfg.kind, element: cfg.element.name, lanes: cfg.lanes, wordBits: cfg.wordBits, output: out.name, accumulation: cfg.accumulation, maxDotLength: cfg.maxDotLength };
  const { files, entries } = wgslGemm({
    file: `simd_mac_${cfg.lanes}x${cfg.element.name}_${out.name}_${cfg.accumulation === 'exact' ? 'exact' : 'step'}.wgsl`.replace(/[^A-Za-z0-9_.]/g, '_'),
    title: `simd_mac GEMM, ${cfg.lanes} × ${cfg.element.name} lanes, ${cfg.accumulation} accumulation, ${out.name} output (src/pe/simd-mac/golden.ts simdMacGemm)`,
    config,
    exactness,
    params: [['KP', `k steps per pass (${kPerPass}: the loop budget ${WGSL_LOOP_BUDGET} of llvmpipe's ${LLVMPIPE_LOOP_LIMIT} per invocation over ~${perK} per step)`]],
    inputs: [
      { name: 'act', bits, what: `activation ${cfg.element.name} codes, row-major [M × K]`, elements: 'M*K' },
      { name: 'wgt', bits, what: `weight ${cfg.element.name} codes, row-major [N × K]`, elements: 'N*K' },
      { name: 'lut', bits: 32, what: `${cfg.element.name} decode table [2^${cfg.element.bits}]: |v|·2^${q.fractionBits} = m·2^s with m in bits 16:0, s in bits 25:17, sign in bit 30, NaN/NaR/inf in bit 31`, elements: `${table.length}` },
    ],
    output: `the ${out.name} code`,
    softfloat: true,
    helpers,
    body,
    scratch: [{ name: 'st', what: `per output (m, n) after a pass: next k, flags (poisoned | inf << 1 | infs << 2 | negzero << 3), ${limbs} quire limbs`, words: `M*N*${SW}` }],
    prePasses: [
      { entryPoint: 'init', uses: ['st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: `let si = (y * params.N + x) * ${SW}u;\nfor (var i = 0u; i < ${SW}u; i++) { st[si + i] = 0u; }` },
      { entryPoint: 'chunk', uses: ['act', 'wgt', 'lut', 'st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: 'smac_chunk(y, x);' },
    ],
  });
  return {
    files,
    entries,
    exactness,
    config,
    launch(ops) {
      // init, then `chunk` for all but the last KP steps; main runs the last chunk and the output.
      const chunks = Math.max(1, Math.ceil(ops.k / kPerPass));
      const pre = [{ entryPoint: 'init', extent: [ops.n, ops.m] as const }, ...Array.from({ length: chunks - 1 }, () => ({ entryPoint: 'chunk', extent: [ops.n, ops.m] as const }))];
      return gemmLaunch(ops.m, ops.k, ops.n, { KP: kPerPass }, { act: packCodes(ops.activations, bits), wgt: packCodes(ops.weights, bits), lut: table }, pre, { st: ops.m * ops.n * SW });
    },
    outputCodes: (words) => Uint32Array.from(words),
  };
}

/** round-each-step with a posit output: the posit value of x as an Sf (encode, then decode the code). */
function positValue(out: PositFormat): string {
  return `fn posit_value(x: Sf) -> Sf {
  let c = posit_encode(x, ${out.bits}u, ${out.es}u);
  if (c == 0u) { return sf_zero(0u); }
  let s = c >> ${out.bits - 1}u;
  var mag = c;
  if (s == 1u) { mag = ((1u << ${out.bits}u) - c) & ${2 ** out.bits - 1}u; }
  // magnitude bits after the sign, left-aligned in a word
  let w = mag << ${33 - out.bits}u;
  let run1 = (w >> 31u) == 1u;
  var r: u32;
  if (run1) { r = countLeadingZeros(~w); } else { r = countLeadingZeros(w); }
  var k: i32;
  if (run1) { k = i32(r) - 1; } else { k = -i32(r); }
  let rest = w << min(r + 1u, 31u);
  let restv = select(rest, 0u, r + 1u >= 32u);
  let e = ${out.es === 0 ? '0u' : `restv >> ${32 - out.es}u`};
  let fw = restv << ${out.es}u;
  // value = 2^(k*2^es + e) * (1 + f), f the bits of fw
  let frac = (fw >> 1u) | 0x80000000u;
  return Sf(s, frac >> 8u, (k << ${out.es}u) + i32(e) - 23, 0u);
}
`;
}
