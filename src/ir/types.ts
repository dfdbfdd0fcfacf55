/**
 * The elaborated hardware IR: plain typed data that every later stage (golden models, simulator, code
 * generators, estimators) reads instead of the AST. Invariants, established by elaboration:
 * - every element carries the span of the `.qacc` text it came from (`span`), and every PE parameter the
 *   span of the property that set it (`paramSpans`; absent when the default was used);
 * - every parameter is explicit: defaults are filled in, nothing is optional unless it is absent in the
 *   hardware (e.g. `quireBits` only for exact accumulation);
 * - derived numbers (total PEs, bytes, depths, lane widths, cycles per weight) are computed here once;
 * - all integers are safe JavaScript integers within the limits checked by elaboration.
 * Formats are typed values from src/formats; quantization schemes are src/quant's `QuantScheme`.
 */
import type { NumberFormat } from '../formats/index.js';
import type { BitSerialDatapath } from '../golden/types.js';
import type { Span } from '../dsl/source.js';
import type { QuantScheme } from '../quant/scheme.js';

/** An operand stored in a plain format, without scaling (e.g. fp16 activations). */
export interface IrPlainOperand {
  readonly kind: 'plain';
  readonly format: NumberFormat;
  /** Storage bits per element (= format.bits). */
  readonly bitsPerElement: number;
  readonly span: Span;
}

/** An operand quantized with a block-scaling scheme. */
export interface IrQuantizedOperand {
  readonly kind: 'quantized';
  readonly scheme: QuantScheme;
  /** Width of one element code in bits. */
  readonly elementBits: number;
  /** Elements sharing one scale (0 for per-tensor and per-channel scaling, whose sharing depends on the shape). */
  readonly groupSize: number;
  /** The format each group/block scale is stored in. */
  readonly scaleFormat: NumberFormat;
  /** Mixture only: bits selecting a group's datatype (⌈log2 candidates⌉ or as declared); 0 otherwise. */
  readonly selectorBits: number;
  /** Optional second-level scale per output channel (BitMoD's fp16 channel scale). */
  readonly channelScale: NumberFormat | null;
  /** Metadata bits stored per group (scale + selector + zero point), 0 when groupSize is 0. */
  readonly overheadBitsPerGroup: number;
  /** Average storage bits per element, elementBits + overheadBitsPerGroup / groupSize. */
  readonly bitsPerElement: number;
  readonly span: Span;
}

export type IrOperand = IrPlainOperand | IrQuantizedOperand;

/** Spans of the properties that were written explicitly, by property name. */
export type ParamSpans = Readonly<Record<string, Span>>;

/** BitMoD bit-serial mixture-of-datatype PE (bitmod.md). Widths in bits. */
export interface BitSerialModPe {
  readonly kind: 'bit_serial_mod';
  readonly name: string;
  /** Dot-product lanes (4 in BitMoD). */
  readonly lanes: number;
  readonly weights: IrQuantizedOperand;
  /** Floating-point activations (fp16 in BitMoD). */
  readonly activations: IrPlainOperand;
  /** Weight bits consumed per cycle (2: radix-4 Booth / two power-of-two terms). */
  readonly weightBitsPerCycle: number;
  /** Cycles to process one weight: ⌈element bits / weightBitsPerCycle⌉. */
  readonly cyclesPerWeight: number;
  /** Group size along the reduction dimension (from the weight scheme). */
  readonly groupSize: number;
  readonly scaleFormat: NumberFormat;
  readonly scaleBits: number;
  /** Aligned significand field: significand + guard bits (11 + 3). */
  readonly alignBits: number;
  /** Signed lane-sum width after the adder tree (alignBits + 1 + ⌈log2 lanes⌉). */
  readonly laneSumBits: number;
  /** Group accumulator adder width (23) and its normalized mantissa/exponent (15/6). */
  readonly groupAccBits: number;
  readonly groupMantissaBits: number;
  readonly groupExponentBits: number;
  /** Bit-serial dequantization register width (21). */
  readonly dequantBits: number;
  /** Format of the cross-group accumulator (qacc's choice: fp32). */
  readonly crossGroupFormat: NumberFormat;
  readonly output: NumberFormat;
  /** The group datapath (docs/golden.md §bit_serial_mod): qacc's (default) or the authors' RTL. */
  readonly datapath: BitSerialDatapath;
  readonly pipelineStages: number;
  /** Multiply-accumulates per cycle at steady state: lanes / cyclesPerWeight (may be fractional). */
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** One SIMD mode: `lanes × format` packed into the operand word. */
export interface SimdMode {
  readonly lanes: number;
  readonly format: NumberFormat;
  /** Bits per lane (= format.bits). */
  readonly laneBits: number;
  readonly span: Span;
}

/** XR-NPE-style reconfigurable SIMD dot-product MAC (xr-npe.md). */
export interface SimdMacPe {
  readonly kind: 'simd_mac';
  readonly name: string;
  /** Operand word width per input (16). */
  readonly operandWidth: number;
  readonly modes: readonly SimdMode[];
  /** `exact`: quire-style fixed point, one final rounding; `round_each_step`: round to `output` every step. */
  readonly accumulation: 'exact' | 'round_each_step';
  /** Exact accumulation: the accumulator width covering every mode's products and carries; else null. */
  readonly quireBits: number | null;
  /** Longest dot product the accumulator is sized for. */
  readonly maxDotLength: number;
  readonly output: NumberFormat;
  readonly pipelineStages: number;
  /** The widest mode's lane count (peak MACs per cycle). */
  readonly maxLanes: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** SVDQuant/Nunchaku 4-bit GEMM with a 16-bit low-rank branch (svdquant.md). */
export interface LowRankGemmPe {
  readonly kind: 'lowrank_gemm';
  readonly name: string;
  readonly weights: IrQuantizedOperand;
  readonly activations: IrQuantizedOperand;
  /** Scale group size of the main branch (64 for int4, 16 for NVFP4). */
  readonly groupSize: number;
  /** Low-rank branch rank (multiple of 16; 0 = no branch). */
  readonly rank: number;
  /** 16-bit float of the branch (fp16 or bf16). */
  readonly branchFormat: NumberFormat;
  /** Cross-group accumulation of the main branch (fp32, fp16 or bf16). */
  readonly accumulation: NumberFormat;
  /** `accumulation = <P>_fma`: each group's scaled dot product is added with one fused rounding. */
  readonly accumulationFma: boolean;
  /** Format of the channel-scale and bias epilogue: fp32, or the 16-bit branch format (Nunchaku's order). */
  readonly epilogue: 'fp32' | 'fp16' | 'bf16';
  /** `channel_scales = <branch format>`: per-output-channel scales (Nunchaku's `wcscales`) in the epilogue. */
  readonly channelScales: boolean;
  /** `lora_scales = fp32`: one fp32 scale per 16 ranks on the down-projection sums (Nunchaku's `lora_scales`). */
  readonly loraScales: boolean;
  /** Accumulation of the down projection. */
  readonly branchAccumulation: NumberFormat;
  readonly output: NumberFormat;
  readonly fused: boolean;
  /** Tile of one GEMM step: M × N outputs, K along the reduction (one or more scale groups). */
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  readonly groupsPerTileK: number;
  /** Dot-product lanes of one PE along K (4-bit MACs per cycle). */
  readonly lanes: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** A plain bit-parallel MAC baseline (int8, fp16, fp16×int8, …). */
export interface MacPe {
  readonly kind: 'mac';
  readonly name: string;
  readonly weights: IrOperand;
  readonly activations: IrOperand;
  readonly accumulator: NumberFormat;
  /** Dot-product lanes (1: a single MAC). */
  readonly lanes: number;
  readonly pipelineStages: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

export type IrPe = BitSerialModPe | SimdMacPe | LowRankGemmPe | MacPe;
// The kind names live in src/pe/kinds.ts (one list for every layer).
export { PE_KINDS, type PeKind } from '../pe/kinds.js';

export type Dataflow = 'output_stationary' | 'weight_stationary';
export const DATAFLOWS: readonly Dataflow[] = ['output_stationary', 'weight_stationary'];

/** A rows × cols grid of identical PEs. */
export interface IrArray {
  readonly name: string;
  readonly pe: IrPe;
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  /** rows · cols. */
  readonly pes: number;
  /** pes · pe.macsPerCycle. */
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

export type BufferRole = 'weights' | 'activations' | 'outputs' | 'unified';
export const BUFFER_ROLES: readonly BufferRole[] = ['weights', 'activations', 'outputs', 'unified'];

/** An on-chip SRAM buffer. Invariant: bits = banks · depth · widthBits. */
export interface IrBuffer {
  readonly name: string;
  readonly role: BufferRole;
  readonly bytes: number;
  readonly bits: number;
  /** Bits read or written per access, per bank. */
  readonly widthBits: number;
  readonly banks: number;
  /** Words per bank. */
  readonly depth: number;
  readonly bytesPerBank: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

export interface IrAccelerator {
  readonly name: string;
  readonly arrays: readonly IrArray[];
  readonly buffers: readonly IrBuffer[];
  readonly clockHz: number;
  /** Off-chip bandwidth in bits per clock cycle. */
  readonly dramBitsPerCycle: number;
  /** dramBitsPerCycle · clockHz / 8. */
  readonly dramBytesPerSecond: number;
  readonly totalPes: number;
  readonly totalBufferBytes: number;
  /** Σ arrays' macsPerCycle. */
  readonly peakMacsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** A parameter's final value (after `--set`), printed in .qacc syntax. */
export interface IrParam {
  readonly name: string;
  readonly value: string;
  /** True when `--set` replaced the declared value. */
  readonly overridden: boolean;
  readonly span: Span;
}

/** The elaborated design: the accelerators declared in the root file. */
export interface IrDesign {
  readonly root: string;
  readonly params: readonly IrParam[];
  readonly accelerators: readonly IrAccelerator[];
}
