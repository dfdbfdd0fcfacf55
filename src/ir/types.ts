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
import type { Span } from '../dsl/source.js';
import type { IrPe } from '../pe/facets/schema.js';
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

// Each kind's IR record lives in its schema (src/pe/<folder>/schema.ts); IrPe is their union.
export type { IrPe } from '../pe/facets/schema.js';
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

/** `dram_latency` when the accelerator does not declare one (cycles), and its range. */
export const DEFAULT_DRAM_LATENCY = 64;
export const MAX_DRAM_LATENCY = 1024;
/** `dram_outstanding` when the accelerator does not declare one, and its range (the RTL's FIFO depth). */
export const DEFAULT_DRAM_OUTSTANDING = 8;
export const MAX_DRAM_OUTSTANDING = 64;

export interface IrAccelerator {
  readonly name: string;
  readonly arrays: readonly IrArray[];
  readonly buffers: readonly IrBuffer[];
  readonly clockHz: number;
  /** Off-chip bandwidth in bits per clock cycle. */
  readonly dramBitsPerCycle: number;
  /** dramBitsPerCycle · clockHz / 8. */
  readonly dramBytesPerSecond: number;
  /** `dram_latency`: cycles from a DMA's last beat to its completion (docs/simulator.md "DRAM"). */
  readonly dramLatencyCycles: number;
  /** `dram_outstanding`: DMAs each of the load and store queues may have in flight. */
  readonly dramOutstanding: number;
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
