/**
 * Typed configurations and operand/result shapes of the golden datapath models. Every config is plain
 * data (literal unions, numbers, no classes or functions) so that the IR can produce one from a `.qacc`
 * description and the simulator, RTL and kernel generators can read the same object. Each config is tagged
 * by `kind`; `GoldenConfig` is their union and `goldenGemm` (gemm.ts) dispatches on it exhaustively.
 *
 * GEMM layout convention for every kind: activations A are [M × K] row-major, weights W are [N × K]
 * row-major (one output channel per row, the reduction dimension K contiguous), outputs Y are [M × N]
 * row-major with Y[m, n] = Σ_k A[m, k] · W[n, k] (plus each kind's scales, bias and branch). Codes are the
 * unsigned integers of bit patterns, as in src/formats.
 */

/** Names of the 16-bit and 32-bit IEEE-style formats the models use for scales, accumulators and outputs. */
/** The 16/32-bit float formats golden accumulates and rounds in. */
export const WIDE_FLOAT_NAMES = ['fp16', 'bf16', 'fp32'] as const;
export type WideFloatName = (typeof WIDE_FLOAT_NAMES)[number];

// ---------------------------------------------------------------------------------------------------
// bit_serial_mod (BitMoD)
// ---------------------------------------------------------------------------------------------------

/** The BitMoD lookup datatypes (standard E2M1 units, see ../shared/reference/bitmod.md). */
export type BitModLutTypeName =
  | 'bitmod_fp4_er_pos'
  | 'bitmod_fp4_er_neg'
  | 'bitmod_fp4_ea_pos'
  | 'bitmod_fp4_ea_neg'
  | 'bitmod_fp3_er_pos'
  | 'bitmod_fp3_er_neg'
  | 'bitmod_fp3_ea_pos'
  | 'bitmod_fp3_ea_neg';

/** Symmetric two's complement integer weights, recoded as radix-4 Booth digits. */
export type BitSerialIntTypeName = 'int2' | 'int3' | 'int4' | 'int5' | 'int6' | 'int7' | 'int8';

/**
 * A weight datatype the bit-serial PE accepts: a BitMoD type, plain fp4_e2m1 (its −0 code is 0) or an
 * integer type.
 */
export type BitSerialWeightType = BitModLutTypeName | 'fp4_e2m1' | BitSerialIntTypeName;

/**
 * Which group datapath a bit_serial_mod PE computes (docs/golden.md §bit_serial_mod): `qacc` (the default,
 * qacc's datapath) or `bitmod_rtl` (bit-faithful to the authors' PE modules, yc2367/BitMoD hardware/pe).
 */
export const BIT_SERIAL_DATAPATHS = ['qacc', 'bitmod_rtl'] as const;
export type BitSerialDatapath = (typeof BIT_SERIAL_DATAPATHS)[number];

export interface BitSerialModConfig {
  readonly kind: 'bit_serial_mod';
  /** The group datapath; absent = 'qacc'. */
  readonly datapath?: BitSerialDatapath;
  /** Weights per group along K (one datatype selector and one 8-bit scale each). Multiple of 4, 4..512. */
  readonly groupSize: number;
  /** The datatypes a group may select; a group's selector is an index into this list (1..4 entries). */
  readonly candidates: readonly BitSerialWeightType[];
  /** Format of Y after the per-channel scale. */
  readonly output: 'fp16' | 'fp32';
}

/** Operands of a bit_serial_mod GEMM. G = ceil(K / groupSize). */
export interface BitSerialModOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** fp16 codes, [M × K]. */
  readonly activations: ArrayLike<number>;
  /** Weight codes in the group's selected datatype, [N × K]. */
  readonly weights: ArrayLike<number>;
  /** Index into `candidates` per group, [N × G]. */
  readonly selectors: ArrayLike<number>;
  /** Unsigned 8-bit integer group scales, [N × G]. */
  readonly groupScales: ArrayLike<number>;
  /** fp16 codes of the per-output-channel scale, [N]. */
  readonly channelScales: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------------
// simd_mac (XR-NPE)
// ---------------------------------------------------------------------------------------------------

/** Element formats of the 16-bit SIMD operand word: lanes = 16 / bits. */
export const SIMD_ELEMENT_NAMES = [
  'fp4_e2m1',
  'posit4_1',
  'int4',
  'posit8_0',
  'fp8_e4m3',
  'fp8_e5m2',
  'int8',
  'posit16_1',
] as const;
export type SimdElementName = (typeof SIMD_ELEMENT_NAMES)[number];

/** Formats the SIMD MAC result can be rounded to (each has a NaN or NaR code for poisoned results). */
export const SIMD_OUTPUT_NAMES = ['fp16', 'bf16', 'fp32', 'posit8_0', 'posit16_1'] as const;
export type SimdOutputName = (typeof SIMD_OUTPUT_NAMES)[number];

export interface SimdMacConfig {
  readonly kind: 'simd_mac';
  /** Element format of both operands; the lane count is 16 / its width (4, 2 or 1). */
  readonly element: SimdElementName;
  readonly output: SimdOutputName;
  /**
   * `exact`: quire-style fixed-point accumulation, one final rounding (RNE) to `output`.
   * `round-each-step`: after every step (one operand word = all lanes), acc ← round(acc + Σ lanes),
   * the step's lane sum and the addition exact, one rounding per step.
   */
  readonly accumulation: 'exact' | 'round-each-step';
  /** Longest dot product (K) the accumulator is sized for; sets the quire's carry bits. */
  readonly maxDotLength: number;
}

/** Operands of a simd_mac GEMM: both in `element` codes. */
export interface SimdMacOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** [M × K] element codes. */
  readonly activations: ArrayLike<number>;
  /** [N × K] element codes. */
  readonly weights: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------------
// lowrank_gemm (SVDQuant / Nunchaku)
// ---------------------------------------------------------------------------------------------------

/** The 4-bit main path: int4 (signed weights, int4 or uint4 activations, 16-bit scales) or NVFP4. */
export type LowRankMainPath =
  | {
      readonly kind: 'int4';
      /** Activations are signed int4 (−8..7) or unsigned uint4 (0..15, after GELU). */
      readonly activations: 'int4' | 'uint4';
      /** Elements per scale group along K (64 in SVDQuant). */
      readonly groupSize: number;
      /** Format of both scale tensors. */
      readonly scaleFormat: 'fp16' | 'bf16';
    }
  | {
      readonly kind: 'nvfp4';
      /** Elements per block along K (16 in NVFP4). Scales are fp8_e4m3; one fp32 per-tensor weight scale. */
      readonly groupSize: number;
    };

export interface LowRankGemmConfig {
  readonly kind: 'lowrank_gemm';
  readonly main: LowRankMainPath;
  /** Precision of scale application and cross-group accumulation of the main path. */
  readonly accumulation: WideFloatName;
  /**
   * Cross-group accumulation fused: acc = round_P(d̂·s + acc) in one rounding (Nunchaku's int4 kernel,
   * `__hfma2`), instead of p = round_P(d̂·s), acc = round_P(acc + p). Default false.
   */
  readonly fmaAccumulation?: boolean;
  /**
   * Where channel scales and bias are applied: 'fp32' (default) on the fp32-widened main result, each
   * operation rounded to fp32; or the 16-bit branch format (Nunchaku's EpilogueBias): the main result is
   * rounded to it first, then y = round16(y·cs + b) fused (or y·cs, or y + b alone). Must be fp32 or branchFormat.
   */
  readonly epilogue?: 'fp32' | 'fp16' | 'bf16';
  /** Low-rank branch rank r (0: no branch). */
  readonly rank: number;
  /** The 16-bit format of X, the down/up projections, the bias, the rounded down result and Y. */
  readonly branchFormat: 'fp16' | 'bf16';
}

/** Operands of a lowrank_gemm. G = ceil(K / groupSize). 16-bit codes are in `branchFormat`. */
export interface LowRankGemmOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 4-bit activation codes [M × K] (int4 two's complement nibble, uint4, or fp4_e2m1). */
  readonly qa: ArrayLike<number>;
  /** Activation scale codes [M × G] (scaleFormat, or fp8_e4m3 for nvfp4). */
  readonly sa: ArrayLike<number>;
  /** 4-bit weight codes [N × K]. */
  readonly qw: ArrayLike<number>;
  /** Weight scale codes [N × G]. */
  readonly sw: ArrayLike<number>;
  /** nvfp4 only: fp32 code of the per-tensor weight scale. */
  readonly tensorScale?: number;
  /** Bias codes [N], optional. */
  readonly bias?: ArrayLike<number>;
  /** Per-output-channel scale codes [N] in branchFormat (Nunchaku's `wcscales`), optional. */
  readonly channelScales?: ArrayLike<number>;
  /**
   * fp32 codes of the LoRA scales, one per 16 ranks [ceil(r / 16)] (Nunchaku's `lora_scales`), optional:
   * rank j's fp32 down-projection sum is multiplied by scale ⌊j / 16⌋ (rounded to fp32) before rounding to 16 bits.
   */
  readonly loraScales?: ArrayLike<number>;
  /** Raw (unquantized, un-smoothed-by-quantization) activations X [M × K] for the down projection; rank > 0. */
  readonly x?: ArrayLike<number>;
  /** Down projection D = diag(λ)⁻¹·Vᵀ, [K × r] row-major; rank > 0. */
  readonly down?: ArrayLike<number>;
  /** Up projection U, [N × r] row-major; rank > 0. */
  readonly up?: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------------
// mac (plain baselines)
// ---------------------------------------------------------------------------------------------------

export type MacConfig =
  | {
      readonly kind: 'mac';
      /** int8 × int8 products accumulated in a wrapping 32-bit two's complement register. */
      readonly variant: 'int8';
    }
  | {
      readonly kind: 'mac';
      /** fp16 × fp16 + acc, fused (one rounding per step) into an fp16 or fp32 accumulator. */
      readonly variant: 'fp16_fma';
      readonly accumulator: 'fp16' | 'fp32';
    }
  | {
      readonly kind: 'mac';
      /** fp16 activation × int8 weight + acc, fused, then an optional per-channel fp16 scale. */
      readonly variant: 'fp16_int8';
      readonly accumulator: 'fp16' | 'fp32';
    };

export interface MacOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** [M × K]: int8 codes (variant int8) or fp16 codes. */
  readonly activations: ArrayLike<number>;
  /** [N × K]: int8 codes (int8, fp16_int8) or fp16 codes (fp16_fma). */
  readonly weights: ArrayLike<number>;
  /** fp16_int8 only: per-output-channel fp16 scale codes [N]; absent = 1. */
  readonly channelScales?: ArrayLike<number>;
}

// ---------------------------------------------------------------------------------------------------
// Common
// ---------------------------------------------------------------------------------------------------

export type GoldenConfig = BitSerialModConfig | SimdMacConfig | LowRankGemmConfig | MacConfig;

/** Operands matching a config's kind. */
export type GoldenOperands<C extends GoldenConfig> = C extends BitSerialModConfig
  ? BitSerialModOperands
  : C extends SimdMacConfig
    ? SimdMacOperands
    : C extends LowRankGemmConfig
      ? LowRankGemmOperands
      : MacOperands;

/** Output format names of all kinds. */
export type GoldenOutputName = WideFloatName | SimdOutputName | 'int32';

/** A GEMM result: [M × N] row-major codes of `format`. */
export interface GemmResult {
  readonly format: GoldenOutputName;
  readonly m: number;
  readonly n: number;
  readonly codes: Uint32Array;
}
