/**
 * lowrank_gemm's seeded operands: 4-bit activation and weight codes, group scales near 2^−4 (fp8 for NVFP4,
 * fp16/bf16 for int4; none when activations are quantized at run time), the bias, the raw X (rank > 0 or
 * runtime quantization), the branch's D and U, the NVFP4 tensor scale, and — drawn last so
 * that the draws before do not depend on them — the declared channel and LoRA scales (near 1, as
 * Nunchaku initializes them).
 */
import { BF16, FP16, FP32, FP8_E4M3 } from '../../formats/float.js';
import type { Xoshiro128 } from '../../formats/random.js';
import { loraScaleCount } from './golden.js';
import type { LowRankGemmOperands } from './golden.js';
import { floatCodes, intBelow, scaleCodes } from '../../compile/random-codes.js';
import type { GemmShape } from '../../compile/workload.js';
import type { TargetOf } from '../facets/compile.js';

export function lowRankGemmOperands(t: TargetOf<'lowrank_gemm'>, shape: GemmShape, rng: Xoshiro128): LowRankGemmOperands {
  const { m, k, n } = shape;
  const cfg = t.golden;
  const gs = cfg.main.groupSize;
  const G = Math.ceil(k / gs);
  const nib = (count: number): Uint32Array => {
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = intBelow(rng, 16);
    return out;
  };
  const qa = nib(m * k);
  const qw = nib(n * k);
  const scaleFmt = cfg.main.kind === 'nvfp4' ? FP8_E4M3 : cfg.main.scaleFormat === 'bf16' ? BF16 : FP16;
  const sa = scaleCodes(rng, m * G, scaleFmt, 2 ** -4);
  const sw = scaleCodes(rng, n * G, scaleFmt, 2 ** -4);
  const r16 = cfg.branchFormat === 'bf16' ? BF16 : FP16;
  const bias = floatCodes(rng, n, r16, 1);
  const r = cfg.rank;
  const runtime = cfg.activationQuant === 'runtime';
  const x = r > 0 || runtime ? floatCodes(rng, m * k, r16, 1) : undefined;
  const down = r > 0 ? floatCodes(rng, k * r, r16, 0.25) : undefined;
  const up = r > 0 ? floatCodes(rng, n * r, r16, 0.25) : undefined;
  const tensorScale = cfg.main.kind === 'nvfp4' ? FP32.encode(2 ** (2 * rng.nextFloat() - 1)) : undefined;
  // Declared optional operands, drawn last so that the draws above do not depend on them.
  const pe = t.pe;
  const channelScales = pe.channelScales ? scaleCodes(rng, n, r16, 1) : undefined;
  const loraScales = pe.loraScales && r > 0 ? scaleCodes(rng, loraScaleCount(r), FP32, 1) : undefined;
  return {
    m,
    k,
    n,
    // runtime quantization: the codes and scales come from X on chip (drawn above all the same, so that the
    // other operands are the offline design's)
    ...(runtime ? { x } : { qa, sa }),
    qw,
    sw,
    bias,
    ...(tensorScale !== undefined ? { tensorScale } : {}),
    ...(r > 0 ? { x, down, up } : {}),
    ...(channelScales ? { channelScales } : {}),
    ...(loraScales ? { loraScales } : {}),
  };
}
