/**
 * The compile layer's view of a PE kind (src/pe/README.md): how the workload compiler maps the kind's IR
 * record to a target (golden config, storage widths, ISA format registers, tile limits), which PEs it
 * cannot run (located diagnostics, run by `qacc check`), its seeded operands, and its hooks into tiling,
 * DRAM layout, packing and program emission; and the registry `COMPILE` through which src/compile reaches
 * every kind (a full Record: tsc lists a kind that lacks its hooks).
 *
 * Line numbers in "Replaces …" below are at main 6cdbbce (before step 0b of issue 12 moved each kind's
 * code into src/pe/<kind>/compile.ts and operands.ts).
 */
import type { Xoshiro128 } from '../../formats/random.js';
import type { Span } from '../../dsl/source.js';
import type { IrAccelerator, IrArray } from '../../ir/types.js';
import type { Instruction, IsaBuffer } from '../../isa/index.js';
import type { DramLayout, SlotLayout, Tiling } from '../../compile/program.js';
import type { FormatRegisters, OperandBits, Target } from '../../compile/target.js';
import type { GemmShape } from '../../compile/workload.js';
import type { PeKind } from '../kinds.js';
import { bitSerialModCompile } from '../bit-serial-mod/compile.js';
import { lowRankGemmCompile } from '../lowrank-gemm/compile.js';
import { macCompile } from '../mac/compile.js';
import { simdMacCompile } from '../simd-mac/compile.js';
import type { ConfigOf, OperandsOf } from './golden.js';
import type { IrPeOf } from './schema.js';

/** A resolved target whose PE and golden config are of kind K (what every kind hook receives). */
export type TargetOf<K extends PeKind> = Target & { readonly pe: IrPeOf<K>; readonly golden: ConfigOf<K> };

/** What resolveTarget takes from the kind (compile/target.ts:221–242, :267, :285); the rest is generic. */
export interface KindTarget<K extends PeKind> {
  readonly golden: ConfigOf<K>;
  readonly bits: OperandBits;
  readonly formats: FormatRegisters;
  /** Reduction elements per scale group; 1 when the kind has none. */
  readonly groupSize: number;
  /** Low-rank rank (setmode.rank; lrtEntries = cols · max(1, rank)); 0 when none. */
  readonly rank: number;
  /** Deepest k one tile instruction takes as the PE declares it (lowrank tile_k), Infinity otherwise; resolveTarget caps it at RTL_MAX_TILE_K. Was target.ts:285. */
  readonly maxTileK: number;
  /** True when the kind's tile engine streams k through its staging as a ring: resolveTarget then keeps maxTileK (finite) instead of capping it at the staging depth. */
  readonly stagingRing?: boolean;
  /** Largest m and n of one tile the PE declares (lowrank tile_m, tile_n); absent: no limit beyond the array's and the ISA's. */
  readonly maxTileM?: number;
  readonly maxTileN?: number;
  /**
   * The kind's engine runs a tile of up to maxTileM × maxTileN as several array passes, its accumulators a
   * register file of that many entries (lowrank_gemm, issue 13); absent: a tile is one array pass.
   */
  readonly multiPass?: boolean;
  /**
   * The largest m × n of one tile instruction when the engine's tile is not rows × cols array passes (mac
   * weight-stationary: n ≤ cols weight columns held in the array, m ≤ its accumulator depth of streamed
   * tokens); its accumulators are then m · n entries. Absent: the array passes above.
   */
  readonly engineTile?: { readonly m: number; readonly n: number };
  /**
   * Without an `outputs` buffer, the out space lies at the end of the weights buffer instead of the
   * activations buffer (compile/target.ts): lowrank_gemm, whose multi-pass tiles stream their weights in two
   * small slots while its activation code panel wants the whole activations buffer. Absent: activations.
   */
  readonly outInWeights?: boolean;
  /** MACs one PE does per cycle in this variant when it differs from the IR's (simd_mac: the mode's lanes); absent: the array's declared rate. */
  readonly macsPerPe?: number;
}

/**
 * Where a located "the compiler, simulator or generated RTL cannot run this" goes; `checkDesign`
 * (src/compile/check-design.ts) renders each report as E414 (Diag.unsupportedByHardware) at `span`.
 */
export interface HardwareSink {
  report(span: Span, message: string, hint?: string): void;
}

/** One k step of one output tile, as emitProgram / planProgram compute it (program.ts:392–404). */
export interface StepContext {
  /** Tile indices along m, n, k. */
  readonly mi: number;
  readonly ni: number;
  readonly ki: number;
  /** Tile origin and extent along m, n, k (elements). */
  readonly m0: number;
  readonly mt: number;
  readonly n0: number;
  readonly nt: number;
  readonly k0: number;
  readonly kt: number;
  /** First scale group of the step, groups in the step, groups along the whole K. */
  readonly g0: number;
  readonly gt: number;
  readonly G: number;
  /** First and last k step of the tile (clear / epilogue). */
  readonly first: boolean;
  readonly last: boolean;
  /** Input slot parity, and the base addresses of this step's slot in act, wgt and meta. */
  readonly slot: number;
  /** Parity of the output tile's number in program order (a kind may keep per-tile data in two tile slots). */
  readonly tileSlot: number;
  readonly act: number;
  readonly wgt: number;
  readonly metaBase: number;
  readonly slots: SlotLayout;
  readonly layout: DramLayout;
  readonly shape: GemmShape;
  readonly tiling: Tiling;
  /**
   * K split (Schedule.kChunks > 1): the step's chunk of k tiles (global k tile indices ki0 … ki0 + kTiles − 1;
   * `k` the elements of a full chunk, what the kind's per-tile slot data is sized for); `first` and `last`
   * are then the tile's first and last step in this chunk. Absent: one chunk of every k tile.
   */
  readonly chunk?: KChunk;
  /**
   * The meta-space address of this step's partial sums (the first step of a tile in a chunk after the first):
   * the kind's tile instructions start with `acc_fill` from there (popping the load → compute token) and
   * continue the chain without `clear`. Absent: no fill.
   */
  readonly fill?: number;
}

/** One chunk of a K split (StepContext.chunk). */
export interface KChunk {
  readonly index: number;
  readonly count: number;
  readonly ki0: number;
  readonly kTiles: number;
  readonly k: number;
}

/** Whether a step lies in the last chunk of its tile's reduction (always, without a K split): its last step dequantizes and writes back. */
export function finalChunk(s: Pick<StepContext, 'chunk'>): boolean {
  return s.chunk === undefined || s.chunk.index === s.chunk.count - 1;
}

/** One DMA load before splitting to the ISA's limits (program.ts:406 `loads` tuples, named). */
export interface DmaLoad {
  readonly dram: number;
  readonly buf: IsaBuffer;
  readonly bufAddr: number;
  readonly rows: number;
  readonly rowBytes: number;
  readonly stride: number;
}

/** Per-slot bytes beyond the act/wgt codes, and kind-named offsets inside a slot (was SlotLayout.actRawOff/metaOff2/metaOff3/lrwUpOff). */
export interface KindSlots {
  /** Bytes after the activation codes in an act slot (lowrank: raw X). */
  readonly actExtra: number;
  readonly meta: number;
  readonly lrw: number;
  /**
   * Bytes of per-output-tile lrw data (lowrank: U, loaded in a tile's last step and read by its epilogue),
   * in two slots of the tile's parity above the lrw ring (SlotLayout.lrwTileSlot). Absent = 0.
   */
  readonly lrwTile?: number;
  /** Offsets inside a meta / lrw slot (absent = 0). */
  readonly offsets: Readonly<Partial<Record<SlotOffset, number>>>;
}

/** The SlotLayout offsets a kind sets (the rest of SlotLayout is generic). */
export type SlotOffset = 'metaOff2' | 'metaOff3' | 'cscaleOff' | 'lscaleOff' | 'lrwUpOff';
/** The DramLayout regions a kind allocates (A, W and Y are generic). */
export type DramRegion = Exclude<keyof DramLayout, 'a' | 'w' | 'y' | 'psum' | 'bytes' | 'tensorBytes'>;

/** What generic compile code calls on a kind (method syntax: see GoldenFacet). */
export interface CompileFacet<K extends PeKind> {
  /** How many variants a PE runs in (simd: its modes; 1 otherwise). Replaces verify/cases.ts:121 and the simd test behind TargetOptions.simdMode. */
  variants(pe: IrPeOf<K>): number;
  /** IR → golden config, storage widths, ISA format registers, group, rank, tile limits. Replaces bitSerialTarget/simdTarget/lowRankTarget/macTarget and the switch of resolveTarget (target.ts:105–267, :285). */
  target(pe: IrPeOf<K>, variant: number, array: IrArray): KindTarget<K>;
  /**
   * Every reason the compiler, simulator or generated RTL cannot run this PE in this accelerator, each at a
   * span of the .qacc text (the PE's paramSpans, the array's rows/cols, a buffer's width/banks, …). Run by
   * `checkDesign` for `qacc check` and every command before any work, so neither the compiler nor the
   * kind's RTL generators meet a PE they cannot map. `target` may then assume a PE that passed.
   */
  diagnose(accel: IrAccelerator, pe: IrPeOf<K>, sink: HardwareSink): void;
  /** Seeded operands of a GEMM. Replaces the switch of randomOperands (compile/operands.ts:49–122); gaussian/floatCodes/scaleCodes move to compile/random-codes.ts. */
  randomOperands(t: TargetOf<K>, shape: GemmShape, rng: Xoshiro128): OperandsOf<K>;
  /** Throws CompileError for a GEMM shape the datapath is not sized for (simd: K > max_dot_length). Replaces program.ts:183. */
  checkShape(t: TargetOf<K>, shape: GemmShape): void;
  /** k-tile alignment the kind adds to lcm(8, group). Replaces program.ts:190 (simd round-each-step lanes); 1 when none. */
  kAlign(t: TargetOf<K>): number;
  /** Bytes per slot of one k step beyond the codes (k: the whole reduction, for per-tile data). Replaces the switch of slotNeeds (program.ts:129–155). */
  slotNeeds(t: TargetOf<K>, mt: number, nt: number, kt: number, k: number): KindSlots;
  /** Longest per-k-step DMA row beyond the act/wgt rows (0 when none). Replaces program.ts:167–168. */
  stepRowBytes(t: TargetOf<K>, nt: number, kt: number): number;
  /**
   * False when the activation codes are produced on chip (lowrank_gemm `activation_quant = runtime`: `qact`):
   * the generic A region is then empty and never loaded. Absent = true.
   */
  loadsActivationCodes?(t: TargetOf<K>): boolean;
  /**
   * True when the kind's packDram stores the activation and weight codes tile-major (within each m tile's
   * — n tile's — band of rows, the k tiles' blocks one after another, each its rows × the k tile's codes):
   * a step's codes are then one contiguous DMA row instead of mt (nt) rows of a k tile each. Absent = false.
   */
  tileMajorCodes?(t: TargetOf<K>): boolean;
  /**
   * True when the kind keeps a panel per m tile beside its streamed k steps (lowrank_gemm's runtime code
   * panel), which may fit only at fewer tokens than the largest tile: the scheduler then also offers the
   * widest tile at half its tokens (schedule/tiling.ts fittingTiles). Absent = false.
   */
  mTilePanel?(t: TargetOf<K>): boolean;
  /**
   * True when a kind whose act or lrw slot holds more than codes still runs the scheduler's resident
   * activation panel (`act`, m-outer) correctly: lowrank_gemm with a low-rank branch and offline codes
   * (its raw X, D and U loads follow the step's act slot and the m tile's first n tile). Absent = false.
   */
  actResidency?(t: TargetOf<K>): boolean;
  /**
   * Cycles the scheduler's cost model (compile/schedule/cost.ts) adds to one tile instruction of mt × nt × kt
   * beyond kt / (MACs per PE per cycle): its operand fill and drain, at a ranking's precision. Absent = a
   * short generic fill.
   */
  tileFill?(t: TargetOf<K>, mt: number, nt: number, kt: number): number;
  /**
   * Cycles of the kind's tile instruction on an mt × nt × kt tile as its engine takes them (the scheduler's
   * compute per k step, src/compile/schedule/cost.ts); absent (or undefined): array passes · (kt / MACs per PE + a fill).
   */
  tileCycles?(t: TargetOf<K>, mt: number, nt: number, kt: number): number | undefined;
  /**
   * Cycles of one k step's tile instructions (all of tileInstructions: lowrank_gemm's qact and lr_down
   * besides qgemm_tile) as the kind's engine takes them, the scheduler's compute per step; absent (or
   * undefined): tileCycles, else the generic estimate.
   */
  stepCycles?(t: TargetOf<K>, s: StepContext): number | undefined;
  /**
   * Cycles of an output tile's epilogue (the epilogue instructions and the writeback) after its last k step
   * `s`, as the kind's engine takes them; absent (or undefined): one output per array column per cycle.
   */
  epilogueCycles?(t: TargetOf<K>, s: StepContext): number | undefined;
  /**
   * The kind's DRAM regions by DramLayout field name (meta, cscale, ascale, …; absent = −1), allocated in
   * order after A and W and before Y; `take(bytes)` allocates a 64-byte-aligned region. Replaces
   * layoutDram's kind branches (program.ts:251–272).
   */
  layoutDram(t: TargetOf<K>, shape: GemmShape, tiling: Tiling, take: (bytes: number) => number): Readonly<Partial<Record<DramRegion, number>>>;
  /** Packs the kind's tensors, act and wgt included, into `mem`. Replaces the switch of packDram (program.ts:307–369). */
  packDram(t: TargetOf<K>, shape: GemmShape, tiling: Tiling, layout: DramLayout, ops: OperandsOf<K>, mem: Uint8Array): void;
  /** Instructions after setfmt/setmode. Replaces program.ts:382–385 (nvfp4 setscale); [] when none. */
  preamble(t: TargetOf<K>, ops: OperandsOf<K> | undefined): Instruction[];
  /** Loads of one k step besides act and wgt. Replaces the loads switch (program.ts:413–439). */
  stepLoads(t: TargetOf<K>, s: StepContext): DmaLoad[];
  /** The tile instruction(s) of one k step, token flags included. Replaces the tile-op switch (program.ts:454–476). */
  tileInstructions(t: TargetOf<K>, s: StepContext): Instruction[];
  /** dequant / lr_up before the writeback of the tile's last step. Replaces program.ts:481–486. */
  epilogue(t: TargetOf<K>, s: StepContext): Instruction[];
  /**
   * True when the kind's tile instructions continue an output's reduction exactly from its accumulator entry
   * written out and reloaded as 32 bits (acc_spill / acc_fill; the simulator's SimFacet.rawAccumulator), so
   * the scheduler may split K into chunks whose partial sums go through DRAM, and the kind's hooks honour
   * StepContext.chunk and .fill. Absent = false.
   */
  splitsK?(t: TargetOf<K>): boolean;
  /**
   * Cycles of an acc_spill (port 'out') or acc_fill (port 'meta') of an m × n tile as the kind's engine takes
   * them: the scheduler's price of a K split's partial-sum transfers. Required where splitsK is true.
   */
  rawTransferCycles?(t: TargetOf<K>, m: number, n: number, port: 'out' | 'meta'): number;
  /**
   * Layer chains (compile/chain.ts): the buffer spaces in which the last k step of an output tile may read
   * bytes that the tile's earlier steps loaded; everything else it reads (its tile instructions and the
   * epilogue) is its own step's loads or a generic resident panel. Absent: the kind does not chain layers.
   */
  chainSpaces?(t: TargetOf<K>): readonly IsaBuffer[];
}

/** Every kind's compile hooks: the one place src/compile reaches a kind. */
export const COMPILE: { readonly [K in PeKind]: CompileFacet<K> } = {
  bit_serial_mod: bitSerialModCompile,
  simd_mac: simdMacCompile,
  lowrank_gemm: lowRankGemmCompile,
  mac: macCompile,
};

/** The hooks of a kind, widened for generic callers (method parameters are bivariant). */
export function compileFacet(kind: PeKind): CompileFacet<PeKind> {
  return COMPILE[kind] as CompileFacet<PeKind>;
}
