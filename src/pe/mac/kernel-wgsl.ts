/**
 * The mac kind's WGSL reference kernel (issue 14): the tile GEMM of golden.ts, one invocation per output,
 * k ascending, bit-exact.
 * - int8: i32 `acc + a·b` (WGSL integer arithmetic wraps, as golden's `| 0`).
 * - fp16_fma / fp16_int8: the product of two fp16 values (11 × 11 bits) or of an fp16 value and an int8
 *   (11 × 8 bits) is exact in the integer soft float; acc ← round_A(a·b + acc) is sf_add_round into fp16 or
 *   fp32, then round_fp16 of acc (or of acc·s with the channel scale: one rounding of the exact product).
 *   No f32/f16 arithmetic anywhere (src/codegen/wgsl/softfloat.ts says why).
 */
import { FP16 } from '../../formats/float.js';
import type { KernelSet } from '../../codegen/kernels/manifest.js';
import { gemmLaunch, wgslGemm } from '../../codegen/wgsl/gemm-kernel.js';
import { LLVMPIPE_LOOP_LIMIT, WGSL_LOOP_BUDGET } from '../../codegen/wgsl/loop-limit.js';
import { packCodes } from '../../codegen/wgsl/pack.js';
import { sfCodeArgs, sfFormat, sfRoundArgs } from '../../codegen/wgsl/softfloat.js';
import type { TargetOf } from '../facets/compile.js';
import type { MacOperands } from './golden.js';

const F16 = sfFormat(5, 10);
const F32 = sfFormat(8, 23);
/** k steps per pass: ≤ 2 loop back-edges each (the k loop; sf_add_round has none) within the budget. */
const K_PER_PASS = WGSL_LOOP_BUDGET / 2;

/** The WGSL kernel set of a mac target. */
export function macWgsl(t: TargetOf<'mac'>): KernelSet<MacOperands> {
  const cfg = t.golden;
  const int8 = cfg.variant === 'int8';
  const file = `mac_${cfg.variant}${int8 ? '' : `_${cfg.accumulator}`}.wgsl`;
  const aBits = int8 ? 8 : 16;
  const wBits = cfg.variant === 'fp16_fma' ? 16 : 8;
  const exactness = int8
    ? 'int8 × int8 products summed k ascending in an i32 that wraps modulo 2^32 (WGSL integer arithmetic wraps), as golden macDot.'
    : `acc ← round_${cfg.accumulator}(a·b + acc), k ascending, acc₀ = +0: the product is exact in integers (Sf, ${cfg.variant === 'fp16_fma' ? '11 × 11' : '11 × 8'} significand bits), the sum is formed exactly and rounded once (RNE, IEEE inf/NaN) by sf_add_round; the output is round_fp16(acc), or round_fp16(acc·s) with the channel scale s (the 35-bit product kept with a sticky bit, rounded once). No f32/f16 arithmetic: WGSL may flush subnormals and contract.`;
  const A = cfg.variant === 'int8' ? F16 : cfg.accumulator === 'fp16' ? F16 : F32;
  // The k loop runs in chunks of KP steps, one pass each (llvmpipe's loop limit, codegen/wgsl/loop-limit.ts),
  // the accumulator carried exactly in `st` per (m, n): int8: word 0 = next k, word 1 = acc (i32 bits);
  // else word 0 = acc.s | acc.c << 1 | next k << 3, acc.m, acc.e.
  const chunkFn = int8
    ? `fn mac_chunk(m: u32, n: u32) {
  let si = (m * params.N + n) * 3u;
  var acc = bitcast<i32>(st[si + 1u]);
  let k0 = st[si];
  let k1 = min(params.K, k0 + params.KP);
  for (var k = k0; k < k1; k++) {
    acc = acc + sext8(act_at(m * params.K + k)) * sext8(wgt_at(n * params.K + k));
  }
  st[si] = k1;
  st[si + 1u] = bitcast<u32>(acc);
}`
    : `fn mac_chunk(m: u32, n: u32) {
  let si = (m * params.N + n) * 3u;
  let w0 = st[si];
  var acc = Sf(w0 & 1u, st[si + 1u], bitcast<i32>(st[si + 2u]), (w0 >> 1u) & 3u);
  let k0 = w0 >> 3u;
  let k1 = min(params.K, k0 + params.KP);
  for (var k = k0; k < k1; k++) {
    let a = sf_decode(act_at(m * params.K + k), ${sfCodeArgs(F16)});
    let w = ${cfg.variant === 'fp16_fma' ? `sf_decode(wgt_at(n * params.K + k), ${sfCodeArgs(F16)})` : 'sf_from_i32(sext8(wgt_at(n * params.K + k)))'};
    acc = sf_add_round(sf_mul(a, w), acc, ${sfRoundArgs(A)});
  }
  st[si] = acc.s | (acc.c << 1u) | (k1 << 3u);
  st[si + 1u] = acc.m;
  st[si + 2u] = bitcast<u32>(acc.e);
}`;
  const body = int8
    ? `mac_chunk(m, n);
out[m * params.N + n] = st[(m * params.N + n) * 3u + 1u];`
    : `mac_chunk(m, n);
let si = (m * params.N + n) * 3u;
let acc = Sf(st[si] & 1u, st[si + 1u], bitcast<i32>(st[si + 2u]), (st[si] >> 1u) & 3u);
var y = acc;
if (params.scaled != 0u) {
  y = sf_mul_wide(acc, sf_decode(scales_at(n), ${sfCodeArgs(F16)}));
}
out[m * params.N + n] = sf_encode(sf_round(y, ${sfRoundArgs(F16)}), ${sfCodeArgs(F16)}, ${FP16.nanCode}u);`;
  const { files, entries } = wgslGemm({
    file,
    title: `mac ${cfg.variant} GEMM Y[M × N] = A[M × K] · W[N × K]ᵀ (src/pe/mac/golden.ts macGemm)`,
    config: cfg,
    exactness,
    params: [['KP', `k steps per pass (${K_PER_PASS}: within the loop budget ${WGSL_LOOP_BUDGET} of llvmpipe's ${LLVMPIPE_LOOP_LIMIT} per invocation)`], ...(int8 ? [] : [['scaled', '1 when channel scales are given (fp16_int8), else 0'] as const])],
    inputs: [
      { name: 'act', bits: aBits, what: `activation ${int8 ? 'int8' : 'fp16'} codes, row-major [M × K]`, elements: 'M*K' },
      { name: 'wgt', bits: wBits, what: `weight ${wBits === 8 ? 'int8' : 'fp16'} codes, row-major [N × K]`, elements: 'N*K' },
      ...(int8 ? [] : [{ name: 'scales', bits: 16 as const, what: 'per-output-channel fp16 scale codes [N] (one dummy word when scaled = 0)', elements: 'N' }]),
    ],
    output: int8 ? 'the int32 accumulator (two\'s complement)' : 'the fp16 code in bits 15:0',
    softfloat: !int8,
    helpers: `fn sext8(c: u32) -> i32 { return (bitcast<i32>(c << 24u)) >> 24u; }\n\n${chunkFn}`,
    body,
    scratch: [{ name: 'st', what: int8 ? 'per output (m, n) after a pass: next k, acc (i32 bits)' : 'per output (m, n) after a pass: acc.s | acc.c << 1 | next k << 3, acc.m, acc.e', words: 'M*N*3' }],
    prePasses: [
      { entryPoint: 'init', uses: ['st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: 'let si = (y * params.N + x) * 3u;\nst[si] = 0u;\nst[si + 1u] = 0u;\nst[si + 2u] = 0u;' },
      { entryPoint: 'chunk', uses: ['act', 'wgt', 'st'], extent: ['N', 'M'], wgslExtent: ['params.N', 'params.M'], body: 'mac_chunk(y, x);' },
    ],
  });
  return {
    files,
    entries,
    exactness,
    config: cfg,
    launch(ops) {
      const inputs: Record<string, Uint32Array> = { act: packCodes(ops.activations, aBits), wgt: packCodes(ops.weights, wBits) };
      // init, then `chunk` for all but the last KP steps; main runs the last chunk and the output.
      const chunks = Math.max(1, Math.ceil(ops.k / K_PER_PASS));
      const pre = [{ entryPoint: 'init', extent: [ops.n, ops.m] as const }, ...Array.from({ length: chunks - 1 }, () => ({ entryPoint: 'chunk', extent: [ops.n, ops.m] as const }))];
      const scratch = { st: ops.m * ops.n * 3 };
      if (int8) return gemmLaunch(ops.m, ops.k, ops.n, { KP: K_PER_PASS }, inputs, pre, scratch);
      inputs.scales = packCodes(ops.channelScales ?? [], 16);
      return gemmLaunch(ops.m, ops.k, ops.n, { KP: K_PER_PASS, scaled: ops.channelScales ? 1 : 0 }, inputs, pre, scratch);
    },
    outputCodes: (words) => Uint32Array.from(words),
  };
}
