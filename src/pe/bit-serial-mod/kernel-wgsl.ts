/**
 * The bit_serial_mod kind's WGSL reference kernel (issue 14), datapath `qacc`: the BitMoD GEMM of golden.ts,
 * one invocation per output (m, n), all in i32/u32 integers.
 * - Weights: each candidate type's term schedule comes from golden's termSchedule (the one definition of
 *   the BitMoD two-term split and the radix-4 Booth recoding), flattened on the host into a table of
 *   packed terms (bit | e << 1 | sign << 3) per (candidate, code, cycle); cycles, shifts and unit exponents
 *   are constants of the shader. A group's selector picks the candidate at run time.
 * - Stages 1–4 as golden's runGroupN: per step (lanes = geometry.lanes) and cycle, the exponent max, the
 *   truncating alignment (11-bit significand above 3 guard bits), the exact signed lane sum, the group
 *   accumulator's floor-shift alignment and leading-one normalization to a 15-bit mantissa, then the exact
 *   mantissa × 8-bit scale; the group value (−1)^S · R · 2^(X − 14 + u − 28) is an exact Sf.
 * - Stage 5: C ← round_fp32(C + group) (sf_add_round), then Y = round_out(C · channel scale) (the 35-bit
 *   product with a sticky bit, one rounding). An inf/NaN activation in a group makes Y the output's NaN.
 * `datapath = bitmod_rtl` (the authors' modules: golden-authors.ts) runs its own group loop (bitmodRtlGroup).
 */
import { FP16, FP32 } from '../../formats/float.js';
import { NoKernelError, type KernelSet } from '../../codegen/kernels/manifest.js';
import { gemmLaunch, wgslGemm } from '../../codegen/wgsl/gemm-kernel.js';
import { LLVMPIPE_LOOP_LIMIT, WGSL_LOOP_BUDGET as LOOP_BUDGET } from '../../codegen/wgsl/loop-limit.js';
import { packCodes, packedBits } from '../../codegen/wgsl/pack.js';
import { sfCodeArgs, sfFormat, sfRoundArgs } from '../../codegen/wgsl/softfloat.js';
import type { TargetOf } from '../facets/compile.js';
import { bitSerialConfigGeometry, termSchedule, type BitSerialModOperands } from './golden.js';
import { BITMOD_RTL_MAX_ACC_SHIFT } from './golden-authors.js';
import { BITMOD_GEOMETRY } from './golden-geometry.js';

const F16 = sfFormat(5, 10);
const F32 = sfFormat(8, 23);
/** Table stride per code: at most 4 cycles (int7/int8 Booth digits). */
const MAX_CYCLES = 4;
// llvmpipe's per-invocation loop limit and the kernel's budget under it: src/codegen/wgsl/loop-limit.ts

/** The WGSL kernel set of a bit_serial_mod target. */
export function bitSerialModWgsl(t: TargetOf<'bit_serial_mod'>): KernelSet<BitSerialModOperands> {
  const cfg = t.golden;
  const rtl = cfg.datapath === 'bitmod_rtl';
  const geo = bitSerialConfigGeometry(cfg);
  const scheds = cfg.candidates.map((c) => termSchedule(c));
  const maxBits = Math.max(...scheds.map((s) => s.bits));
  const codeStride = 2 ** maxBits;
  const table = new Uint32Array(scheds.length * codeStride * MAX_CYCLES);
  scheds.forEach((s, ti) => {
    if (s.cycles > MAX_CYCLES) throw new NoKernelError(`bit_serial_mod type ${s.type} has ${s.cycles} cycles (at most ${MAX_CYCLES})`);
    for (let code = 0; code < 2 ** s.bits; code++) {
      s.terms(code).forEach((term, c) => {
        table[(ti * codeStride + code) * MAX_CYCLES + c] = term.bit | (term.exponent << 1) | (term.sign << 3);
      });
    }
  });
  const pad = (xs: readonly number[], n: number): number[] => [...xs, ...new Array<number>(n - xs.length).fill(0)];
  const out = cfg.output === 'fp16' ? F16 : F32;
  const outNan = (cfg.output === 'fp16' ? FP16 : FP32).nanCode as number;
  const wBits = packedBits(maxBits);
  const helpers = `var<private> CYC: array<u32, 4> = array<u32, 4>(${pad(scheds.map((s) => s.cycles), 4).map((v) => `${v}u`).join(', ')});
var<private> SIG: array<u32, 16> = array<u32, 16>(${scheds.flatMap((s) => pad(s.sigs, MAX_CYCLES)).concat(new Array<number>(16 - scheds.length * MAX_CYCLES).fill(0)).map((v) => `${v}u`).join(', ')});
var<private> UEXP: array<i32, 4> = array<i32, 4>(${pad(scheds.map((s) => s.unitExponent), 4).join(', ')});

// fp16 activation fields as the datapath sees them (golden activationFields).
fn act_sig(a: u32) -> u32 {
  let e = (a >> 10u) & 31u;
  if (e == 31u || e == 0u) { return select(a & 0x3ffu, 0u, e == 31u); }
  return (a & 0x3ffu) | 0x400u;
}
fn act_exp(a: u32) -> u32 {
  let e = (a >> 10u) & 31u;
  if (e == 0u) { return 1u; }
  if (e == 31u) { return 0u; }
  return e;
}
fn align_sig(s: u32, d: u32) -> i32 {
  if (d >= ${geo.alignBits}u) { return 0; }
  return i32((s << ${geo.guardBits}u) >> d);
}
fn floor_shift(x: i32, d: u32) -> i32 {
  if (d >= 25u) { return select(0, -1, x < 0); }
  return x >> d;
}`;
  const L = geo.lanes;
  const QACC_GROUP = `  var st_s = 0u;
  var st_m = 0;
  var st_x = 0;
  for (var base = 0u; base < len; base += ${L}u) {
    let width = min(${L}u, len - base);
    for (var cy = 0u; cy < cyc; cy++) {
      var pmax = 0u;
      for (var i = 0u; i < width; i++) {
        let a = act_at(abase + base + i);
        let t = terms[(sel * ${codeStride}u + wgt_at(wbase + base + i)) * ${MAX_CYCLES}u + cy];
        if ((t & 1u) == 1u && act_sig(a) != 0u) { pmax = max(pmax, act_exp(a) + ((t >> 1u) & 3u)); }
      }
      var lane_sum = 0;
      for (var i = 0u; i < width; i++) {
        let a = act_at(abase + base + i);
        let t = terms[(sel * ${codeStride}u + wgt_at(wbase + base + i)) * ${MAX_CYCLES}u + cy];
        let on = (t & 1u) == 1u && act_sig(a) != 0u;
        var pe = 0u;
        var sg = 0u;
        if (on) { pe = act_exp(a) + ((t >> 1u) & 3u); sg = act_sig(a); }
        let al = align_sig(sg, pmax - pe);
        if (((a >> 15u) ^ (t >> 3u)) == 1u) { lane_sum = lane_sum - al; } else { lane_sum = lane_sum + al; }
      }
      if (lane_sum != 0) {
        let term = lane_sum << SIG[sel * ${MAX_CYCLES}u + cy];
        let acc_lsb = st_x - ${geo.mantissaBits - 1};
        let acc_v = select(st_m, -st_m, st_s == 1u);
        var e: i32;
        var sum: i32;
        if (i32(pmax) >= acc_lsb) {
          e = i32(pmax);
          sum = floor_shift(acc_v, u32(i32(pmax) - acc_lsb)) + term;
        } else {
          e = acc_lsb;
          sum = acc_v + floor_shift(term, u32(acc_lsb - i32(pmax)));
        }
        if (sum == 0) {
          st_s = 0u;
          st_m = 0;
          st_x = 0;
        } else {
          let mag = u32(abs(sum));
          let nb = firstLeadingBit(mag) + 1u;
          st_x = e + i32(nb) - 1;
          if (nb > ${geo.mantissaBits}u) { st_m = i32(mag >> (nb - ${geo.mantissaBits}u)); } else { st_m = i32(mag << (${geo.mantissaBits}u - nb)); }
          st_s = select(0u, 1u, sum < 0);
        }
      }
    }
  }
  let r = u32(st_m) * scl_at(n * params.G + g);
  var gv = sf_zero(0u);
  if (r != 0u) { gv = Sf(st_s, r, st_x - ${geo.mantissaBits - 1} + UEXP[sel] + ${geo.lsbExponent}, 0u); }
`;
  const RTL_GROUP = bitmodRtlGroup(codeStride);
  // The group loop runs in chunks of GP groups, one pass each, the state carried exactly in `st` (see the
  // header: llvmpipe's loop limit). st per output: word 0 = c.s | c.c << 1 | nan << 3 | next group << 4,
  // word 1 = c.m, word 2 = c.e (i32 bits).
  const chunkFn = `fn bsm_groups(m: u32, n: u32) {
  let si = (m * params.N + n) * 3u;
  let w0 = st[si];
  var c = Sf(w0 & 1u, st[si + 1u], bitcast<i32>(st[si + 2u]), (w0 >> 1u) & 3u);
  var nan = ((w0 >> 3u) & 1u) == 1u;
  let g0 = w0 >> 4u;
  let g1 = min(params.G, g0 + params.GP);
  for (var g = g0; g < g1; g++) {
    let start = g * params.GS;
    let len = min(params.K, start + params.GS) - start;
    let sel = sel_at(n * params.G + g);
    let cyc = CYC[sel];
    let abase = m * params.K + start;
    let wbase = n * params.K + start;
    for (var i = 0u; i < len; i++) { if (((act_at(abase + i) >> 10u) & 31u) == 31u) { nan = true; } }
${(rtl ? RTL_GROUP : QACC_GROUP).replace(/^/gm, '  ').trimEnd()}
    c = sf_add_round(c, gv, ${sfRoundArgs(F32)});
  }
  st[si] = c.s | (c.c << 1u) | (select(0u, 1u, nan) << 3u) | (g1 << 4u);
  st[si + 1u] = c.m;
  st[si + 2u] = bitcast<u32>(c.e);
}`;
  const body = `bsm_groups(m, n);
let si = (m * params.N + n) * 3u;
var c = Sf(st[si] & 1u, st[si + 1u], bitcast<i32>(st[si + 2u]), (st[si] >> 1u) & 3u);
if (((st[si] >> 3u) & 1u) == 1u) { c = sf_nan(); }
out[m * params.N + n] = sf_encode(sf_round(sf_mul_wide(c, sf_decode(chs_at(n), ${sfCodeArgs(F16)})), ${sfRoundArgs(out)}), ${sfCodeArgs(out)}, ${outNan}u);`;
  // Loop back-edges one invocation takes per group (an upper bound): the NaN scan, then per step the step
  // loop, per cycle the cycle loop and the two lane loops; the soft-float adds' short loops.
  const stepLanes = rtl ? BITMOD_GEOMETRY.lanes : L;
  const cycMax = Math.max(...scheds.map((s) => s.cycles));
  const perGroup = cfg.groupSize + Math.ceil(cfg.groupSize / stepLanes) * (1 + cycMax * (1 + 2 * stepLanes)) + 16;
  if (perGroup > LOOP_BUDGET) throw new NoKernelError(`bit_serial_mod group of ${cfg.groupSize} weights needs ~${perGroup} loop iterations in one WGSL invocation; Mesa llvmpipe ends every loop after ${LLVMPIPE_LOOP_LIMIT} per invocation (kernel budget ${LOOP_BUDGET})`);
  const groupsPerPass = Math.floor(LOOP_BUDGET / perGroup);
  const exactness = rtl
    ? `Integers only, as golden-authors.ts (datapath bitmod_rtl, the authors' PE modules): per group, per step of 4 lanes and per cycle, every lane's product exponent in the max, truncating alignment, exact lane sum; the accumulator's signed 15-bit mantissa right-shifted to max(x, Pmax) (0 past ${BITMOD_RTL_MAX_ACC_SHIFT}), the unshifted term added with 23-bit wrap-around, normalized only on overflow; R = M · scale exactly; C = round_fp32(C + group) across groups; Y = round_${cfg.output}(C · channel scale), one rounding; an inf/NaN activation gives the ${cfg.output} NaN.`
    : `Integers only, in golden's order: per group (selector → candidate term schedule from golden's termSchedule), per step of ${L} lanes and per cycle: exponent max, truncating alignment of the 11-bit significand above ${geo.guardBits} guard bits, exact signed lane sum, the group accumulator's floor-shift alignment and normalization to a ${geo.mantissaBits}-bit mantissa; the exact mantissa × 8-bit scale; C = round_fp32(C + group) across groups; Y = round_${cfg.output}(C · channel scale), one rounding (sticky bit below 31 bits); an inf/NaN activation gives the ${cfg.output} NaN.`;
  const config = { kind: cfg.kind, datapath: cfg.datapath ?? 'qacc', groupSize: cfg.groupSize, candidates: cfg.candidates, output: cfg.output, lanes: L };
  const { files, entries } = wgslGemm({
    file: `bit_serial_mod_${rtl ? 'bitmod_rtl' : `${L}lanes`}_${cfg.output}.wgsl`,
    title: `bit_serial_mod GEMM, candidates ${cfg.candidates.join(', ')}, ${L} lanes (src/pe/bit-serial-mod/golden.ts bitSerialModGemm)`,
    config,
    exactness,
    params: [
      ['G', 'groups along K = ceil(K/GS)'],
      ['GS', `group size (${cfg.groupSize})`],
      ['GP', `groups per pass (${groupsPerPass}: the loop budget ${LOOP_BUDGET} of llvmpipe's ${LLVMPIPE_LOOP_LIMIT} per invocation over ~${perGroup} per group)`],
    ],
    inputs: [
      { name: 'act', bits: 16, what: 'activation fp16 codes, row-major [M × K]', elements: 'M*K' },
      { name: 'wgt', bits: wBits, what: `weight codes in the group's selected type, row-major [N × K] (${wBits}-bit slots)`, elements: 'N*K' },
      { name: 'sel', bits: 2, what: 'group selector (candidate index) [N × G]', elements: 'N*G' },
      { name: 'scl', bits: 8, what: 'unsigned 8-bit group scales [N × G]', elements: 'N*G' },
      { name: 'chs', bits: 16, what: 'per-output-channel fp16 scale codes [N]', elements: 'N' },
      { name: 'terms', bits: 32, what: `weight terms [candidate][code < 2^${maxBits}][cycle < ${MAX_CYCLES}]: bit | exponent << 1 | sign << 3 (golden termSchedule)`, elements: `${table.length}` },
    ],
    output: `the ${cfg.output} code`,
    softfloat: true,
    helpers: `${helpers}\n\n${chunkFn}`,
    body,
    scratch: [{ name: 'st', what: 'per output (m, n) the cross-group state after a pass: c.s | c.c << 1 | nan << 3 | next group << 4, c.m, c.e', words: 'M*N*3' }],
    prePasses: [
      { entryPoint: 'init', uses: ['st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: 'let si = (y * params.N + x) * 3u;\nst[si] = 0u;\nst[si + 1u] = 0u;\nst[si + 2u] = 0u;' },
      { entryPoint: 'groups', uses: ['act', 'wgt', 'sel', 'scl', 'terms', 'st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: 'bsm_groups(y, x);' },
    ],
  });
  return {
    files,
    entries,
    exactness,
    config,
    launch(ops) {
      const G = Math.ceil(ops.k / cfg.groupSize);
      // init, then `groups` for all but the last chunk of GP groups; main runs the last chunk and the output.
      const chunks = Math.max(1, Math.ceil(G / groupsPerPass));
      const pre = [{ entryPoint: 'init', extent: [ops.n, ops.m] as const }, ...new Array<{ entryPoint: string; extent: readonly [number, number] }>(chunks - 1).fill({ entryPoint: 'groups', extent: [ops.n, ops.m] })];
      return gemmLaunch(ops.m, ops.k, ops.n, { G, GS: cfg.groupSize, GP: groupsPerPass }, {
        act: packCodes(ops.activations, 16),
        wgt: packCodes(ops.weights, wBits),
        sel: packCodes(ops.selectors, 2),
        scl: packCodes(ops.groupScales, 8),
        chs: packCodes(ops.channelScales, 16),
        terms: table,
      }, pre, { st: ops.m * ops.n * 3 });
    },
    outputCodes: (words) => Uint32Array.from(words),
  };
}

/**
 * The group loop of `datapath = bitmod_rtl` (golden-authors.ts bitmodRtlGroupDot): 4 lanes, every lane's
 * product exponent in the max (a lane past the group's end is a +0 activation with no term, P = 1); the
 * accumulator keeps a signed 15-bit mantissa M and LSB exponent x, right-shifts M to max(x, Pmax) (0 past
 * 13), adds T = L·2^sig unshifted, wraps to 23 bits and normalizes only on overflow; R = M · scale signed.
 */
function bitmodRtlGroup(codeStride: number): string {
  const G = BITMOD_GEOMETRY;
  const top = G.mantissaBits - 2;
  return `  var st_m = 0;
  var st_x = 0;
  for (var base = 0u; base < len; base += ${G.lanes}u) {
    for (var cy = 0u; cy < cyc; cy++) {
      var pmax = 0;
      for (var i = 0u; i < ${G.lanes}u; i++) {
        var pe = 1;
        if (base + i < len) {
          let a = act_at(abase + base + i);
          let t = terms[(sel * ${codeStride}u + wgt_at(wbase + base + i)) * ${MAX_CYCLES}u + cy];
          pe = max(i32((a >> 10u) & 31u), 1) + i32((t >> 1u) & 3u);
        }
        pmax = max(pmax, pe);
      }
      var lane_sum = 0;
      for (var i = 0u; i < ${G.lanes}u; i++) {
        if (base + i < len) {
          let a = act_at(abase + base + i);
          let t = terms[(sel * ${codeStride}u + wgt_at(wbase + base + i)) * ${MAX_CYCLES}u + cy];
          let e = (a >> 10u) & 31u;
          var sg = 0u;
          if ((t & 1u) == 1u && e != 31u) { sg = (a & 0x3ffu) | select(0x400u, 0u, e == 0u); }
          let pe = max(i32(e), 1) + i32((t >> 1u) & 3u);
          let al = align_sig(sg, u32(pmax - pe));
          if (((a >> 15u) ^ (t >> 3u)) == 1u) { lane_sum = lane_sum - al; } else { lane_sum = lane_sum + al; }
        }
      }
      let mx = max(st_x, pmax);
      let d = mx - st_x;
      var shifted = 0;
      if (d <= ${BITMOD_RTL_MAX_ACC_SHIFT}) { shifted = st_m >> u32(d); }
      let sum = (((lane_sum << SIG[sel * ${MAX_CYCLES}u + cy]) + shifted) << ${32 - G.adderBits}u) >> ${32 - G.adderBits}u;
      let q = u32(abs(sum));
      var k = 0u;
      if (q != 0u && q < ${2 ** (G.adderBits - 1)}u && firstLeadingBit(q) > ${top}u) { k = firstLeadingBit(q) - ${top}u; }
      st_m = ((sum >> k) << ${32 - G.mantissaBits}u) >> ${32 - G.mantissaBits}u;
      st_x = (mx + i32(k)) & ${2 ** G.exponentBits - 1};
    }
  }
  let rs = st_m * i32(scl_at(n * params.G + g));
  var gv = sf_zero(0u);
  if (rs != 0) { gv = Sf(select(0u, 1u, rs < 0), u32(abs(rs)), st_x + UEXP[sel] + ${G.lsbExponent}, 0u); }
`;
}
