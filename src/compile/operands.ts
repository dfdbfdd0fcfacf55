/**
 * Seeded random operands for a GEMM on a target: the golden model's operand object (codes, scales,
 * selectors, branch factors) for the target's PE kind. One xoshiro128** stream (src/formats/random.ts)
 * seeded by the user's seed draws every value in a fixed order, so a seed reproduces a workload exactly.
 *
 * Values: activations ~ N(0, 1) rounded to their format; weights are uniformly random codes of their
 * (selected) type, excluding NaN/NaR/inf codes for simd_mac (a poisoned dot product would hide the
 * arithmetic); group scales uniform 8-bit integers (BitMoD) or random positive 16-bit / fp8 values near
 * 2^−4 (int4, NVFP4); channel scales near 2^−6 (lowrank_gemm: near 1, as Nunchaku's wcscales and lora_scales,
 * which it initializes to 1; drawn after every other operand); branch factors ~ N(0, 1/4).
 */
import { BF16, FP16, FP32, FP8_E4M3, type FloatFormat } from '../formats/float.js';
import { seededRandom, type Xoshiro128 } from '../formats/random.js';
import { loraScaleCount, simdElementFormat, termSchedule } from '../golden/index.js';
import type { BitSerialModOperands, GoldenOperands, LowRankGemmOperands, MacOperands, SimdMacOperands } from '../golden/types.js';
import type { Target } from './target.js';
import type { GemmShape } from './workload.js';

/** Operands of any kind (the union of the golden operand types). */
export type AnyOperands = BitSerialModOperands | SimdMacOperands | LowRankGemmOperands | MacOperands;

function gaussian(rng: Xoshiro128): number {
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function intBelow(rng: Xoshiro128, n: number): number {
  return Math.floor(rng.nextFloat() * n);
}

function floatCodes(rng: Xoshiro128, count: number, fmt: FloatFormat, scale: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = fmt.encode(gaussian(rng) * scale);
  return out;
}

/** A positive value near `centre` (a factor of 2 either way), rounded to `fmt`. */
function scaleCodes(rng: Xoshiro128, count: number, fmt: FloatFormat, centre: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = fmt.encode(centre * 2 ** (2 * rng.nextFloat() - 1));
  return out;
}

/** Random operands for one GEMM of `shape` on `target`, reproducible from `seed`. */
export function randomOperands(target: Target, shape: GemmShape, seed: number): AnyOperands {
  const rng = seededRandom(seed);
  const { m, k, n } = shape;
  const cfg = target.golden;
  switch (cfg.kind) {
    case 'bit_serial_mod': {
      const G = Math.ceil(k / cfg.groupSize);
      const activations = floatCodes(rng, m * k, FP16, 1);
      const selectors = new Uint32Array(n * G);
      for (let i = 0; i < n * G; i++) selectors[i] = intBelow(rng, cfg.candidates.length);
      const weights = new Uint32Array(n * k);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < k; c++) weights[r * k + c] = intBelow(rng, 2 ** termSchedule(cfg.candidates[selectors[r * G + Math.floor(c / cfg.groupSize)]]).bits);
      }
      const groupScales = new Uint32Array(n * G);
      for (let i = 0; i < n * G; i++) groupScales[i] = intBelow(rng, 256);
      const channelScales = scaleCodes(rng, n, FP16, 2 ** -6);
      const ops: BitSerialModOperands = { m, k, n, activations, weights, selectors, groupScales, channelScales };
      return ops;
    }
    case 'simd_mac': {
      const fmt = simdElementFormat(cfg.element);
      const finite: number[] = [];
      for (let c = 0; c < 2 ** fmt.bits; c++) if (Number.isFinite(fmt.decode(c))) finite.push(c);
      const draw = (count: number): Uint32Array => {
        const out = new Uint32Array(count);
        for (let i = 0; i < count; i++) out[i] = finite[intBelow(rng, finite.length)];
        return out;
      };
      const activations = draw(m * k);
      const weights = draw(n * k);
      const ops: SimdMacOperands = { m, k, n, activations, weights };
      return ops;
    }
    case 'lowrank_gemm': {
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
      const x = r > 0 ? floatCodes(rng, m * k, r16, 1) : undefined;
      const down = r > 0 ? floatCodes(rng, k * r, r16, 0.25) : undefined;
      const up = r > 0 ? floatCodes(rng, n * r, r16, 0.25) : undefined;
      const tensorScale = cfg.main.kind === 'nvfp4' ? FP32.encode(2 ** (2 * rng.nextFloat() - 1)) : undefined;
      // Declared optional operands, drawn last so that the draws above do not depend on them.
      const pe = target.pe;
      const channelScales = pe.kind === 'lowrank_gemm' && pe.channelScales ? scaleCodes(rng, n, r16, 1) : undefined;
      const loraScales = pe.kind === 'lowrank_gemm' && pe.loraScales && r > 0 ? scaleCodes(rng, loraScaleCount(r), FP32, 1) : undefined;
      const ops: LowRankGemmOperands = {
        m,
        k,
        n,
        qa,
        sa,
        qw,
        sw,
        bias,
        ...(tensorScale !== undefined ? { tensorScale } : {}),
        ...(r > 0 ? { x, down, up } : {}),
        ...(channelScales ? { channelScales } : {}),
        ...(loraScales ? { loraScales } : {}),
      };
      return ops;
    }
    case 'mac': {
      if (cfg.variant === 'int8') {
        const draw = (count: number): Uint32Array => Uint32Array.from({ length: count }, () => intBelow(rng, 256));
        const ops: MacOperands = { m, k, n, activations: draw(m * k), weights: draw(n * k) };
        return ops;
      }
      const activations = floatCodes(rng, m * k, FP16, 1);
      if (cfg.variant === 'fp16_fma') {
        const ops: MacOperands = { m, k, n, activations, weights: floatCodes(rng, n * k, FP16, 0.25) };
        return ops;
      }
      const weights = Uint32Array.from({ length: n * k }, () => intBelow(rng, 256));
      const channelScales = target.bits.cscale > 0 ? scaleCodes(rng, n, FP16, 2 ** -6) : undefined;
      const ops: MacOperands = { m, k, n, activations, weights, ...(channelScales ? { channelScales } : {}) };
      return ops;
    }
    default: {
      const never: never = cfg;
      throw new Error(`unknown PE kind ${JSON.stringify(never)}`);
    }
  }
}

/** Narrows AnyOperands to the operands of a config (the caller made them for that config). */
export function operandsFor<C extends Target['golden']>(_config: C, ops: AnyOperands): GoldenOperands<C> {
  return ops as GoldenOperands<C>;
}
