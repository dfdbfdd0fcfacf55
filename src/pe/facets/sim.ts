/**
 * The simulator layer's view of a PE kind (src/pe/README.md): which tile opcodes it executes, their cycles
 * and SRAM traffic, and their arithmetic — through the kind's golden step functions only (one golden
 * truth: no arithmetic table or rounding loop in a kind's sim.ts). The registry
 * `SIM: { readonly [K in PeKind]: SimFacet<K> }` below is what src/sim/machine.ts and src/sim/run.ts
 * dispatch through; a new kind that lacks its line fails to compile.
 *
 * Line numbers below are at main 6cdbbce (src/sim/machine.ts); the `sim` branch adds timing-only runs by
 * periods and SRAM traffic counting around the same switch sites.
 */
import type { Instruction, IsaBuffer, IsaRounding, TileOpcode } from '../../isa/index.js';
import type { AccStore } from '../../sim/acc-store.js';
import { bitSerialModSim } from '../bit-serial-mod/sim.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmSim } from '../lowrank-gemm/sim.js';
import { macSim } from '../mac/sim.js';
import { simdMacSim } from '../simd-mac/sim.js';
import type { TargetOf } from './compile.js';
import type { ConfigOf } from './golden.js';

/** The ISA's kind-specific compute opcodes (the ISA names them; they stay ISA contract). */
/** The kind-specific compute opcodes, stated once in src/isa/tile-opcodes.ts. */
export type { TileOpcode };

/** The instructions a kind's hooks execute or time: its tile opcodes and the shared epilogue ones. */
export type KindInstruction = Extract<Instruction, { readonly kind: TileOpcode | 'dequant' | 'writeback' }>;

/** What a kind's simulator hooks see of the machine (today private state of Machine, machine.ts:180–211). */
export interface SimContext<K extends PeKind> {
  readonly t: TargetOf<K>;
  /** The current `settile` shape. */
  readonly tile: { readonly m: number; readonly n: number; readonly k: number };
  /** The `setmode` group and rank, and the `setscale` tensor scale. */
  readonly group: number;
  readonly rank: number;
  readonly tscale: number;
  /** The `setmode` SIMD mode register. */
  readonly simd: number;
  /** The `setfmt` rounding register (qact's codes). */
  readonly rounding: IsaRounding;
  /** Accumulator entries and low-rank partial sums. */
  readonly acc: AccStore;
  readonly lrt: Float64Array;
  /** True in a timing-only run: `execute` is not called, `cycles` must not need operand values beyond `peek`. */
  readonly timingOnly: boolean;
  /**
   * Reads rows × cols elements of `bits` from a buffer; CompileError('bad-program') out of range. The SRAM
   * traffic is counted from `sramBytes` (the same in timing-only runs), not by reads.
   */
  read(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, what: string): Uint32Array;
  /** Packs rows × cols codes of `bits` into a buffer (qact's codes and scales); CompileError('bad-program') out of range. */
  write(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, codes: ArrayLike<number>, what: string): void;
  /** As read, for timing decisions that depend on buffer contents (bsm reads the selectors). */
  peek(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, what: string): Uint32Array;
  /** CompileError('bad-program') unless acc entries base..base+entries exist. */
  checkAcc(base: number, entries: number, what: string): void;
}

/** What the generic machine calls on a kind (method syntax: see GoldenFacet). */
export interface SimFacet<K extends PeKind> {
  /**
   * Tile opcodes the kind executes; any other tile opcode is CompileError('bad-program') generically.
   * Replaces the `pe.kind !== …` guards of computeCycles (machine.ts:509–531) and compute (:610–653).
   */
  readonly opcodes: readonly TileOpcode[];
  /** Accumulator entries need BigInt quires. Replaces machine.ts:224 (simd big quire). */
  wideAccumulators(config: ConfigOf<K>): boolean;
  /** setmode consistency with the target (CompileError('bad-program') otherwise). Replaces machine.ts:606–607. */
  checkSetmode(inst: Extract<Instruction, { readonly kind: 'setmode' }>, t: TargetOf<K>): void;
  /**
   * Cycles of one of the kind's tile opcodes, or of dequant / writeback. Replaces the kind cases of
   * computeCycles and cyclesPerWeight (machine.ts:507–568) and the per-kind formulas of sim/timing.ts
   * (:148–299, moving to the kind's timing.ts).
   */
  cycles(inst: KindInstruction, ctx: SimContext<K>): number;
  /** SRAM bytes a tile opcode or dequant moves (writeback's m·n output bytes are counted generically). */
  sramBytes(inst: KindInstruction, ctx: SimContext<K>): { readonly read: number; readonly write: number };
  /**
   * Tile ops and dequant on the accumulator entries, through the kind's golden step functions only.
   * (No arithmetic of its own: see src/pe/README.md "One golden truth".)
   */
  execute(inst: KindInstruction, ctx: SimContext<K>): void;
  /** One entry's output code. Replaces the writeback switch (machine.ts:680–697). */
  writeback(config: ConfigOf<K>, acc: AccStore, entry: number): number;
  /**
   * The K split's raw accumulator transfer (acc_spill / acc_fill, isa/qacc-isa.json), for a kind whose entry
   * is one 32-bit word that continues its golden chain exactly when reloaded (bit_serial_mod's fp32
   * cross-group sum). Absent: those instructions cannot run on the kind's PEs.
   */
  readonly rawAccumulator?: RawAccumulator<K>;
}

/** A kind's acc_spill / acc_fill: an entry as its 32-bit word and back, and the engine's cycles of an m × n tile. */
export interface RawAccumulator<K extends PeKind> {
  /** The entry's 32 bits (written little-endian by acc_spill). */
  word(acc: AccStore, entry: number): number;
  /** Sets the entry from its 32 bits (acc_fill), so that the next tile instruction continues the chain. */
  fill(acc: AccStore, entry: number, word: number): void;
  spillCycles(t: TargetOf<K>, m: number, n: number): number;
  fillCycles(t: TargetOf<K>, m: number, n: number): number;
}

/** Every kind's simulator hooks. */
export const SIM: { readonly [K in PeKind]: SimFacet<K> } = {
  bit_serial_mod: bitSerialModSim,
  simd_mac: simdMacSim,
  lowrank_gemm: lowRankGemmSim,
  mac: macSim,
};

/** The hooks of `kind`, widened for generic callers (method parameters are bivariant). */
export function simFacet(kind: PeKind): SimFacet<PeKind> {
  return SIM[kind] as SimFacet<PeKind>;
}

/** The kind whose PEs execute tile opcode `op` (for the error of a program that uses it on another array). */
export function opcodeOwner(op: TileOpcode): PeKind | undefined {
  return (Object.keys(SIM) as PeKind[]).find((k) => SIM[k].opcodes.includes(op));
}
