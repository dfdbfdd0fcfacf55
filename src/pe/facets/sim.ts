/**
 * The simulator layer's view of a PE kind (src/pe/README.md): which tile opcodes it executes, their cycles
 * and SRAM traffic, and their arithmetic — through the kind's golden step functions only (one golden
 * truth: no arithmetic table or rounding loop in a kind's sim.ts). The registry
 * `SIM: { readonly [K in PeKind]: SimFacet<K> }` is added here in step 0b of issue 12 by the sim owner.
 *
 * Line numbers below are at main 6cdbbce (src/sim/machine.ts); the `sim` branch adds timing-only runs by
 * periods and SRAM traffic counting around the same switch sites.
 */
import type { Instruction, IsaBuffer, Mnemonic } from '../../isa/index.js';
import type { AccStore } from '../../sim/arith.js';
import type { PeKind } from '../kinds.js';
import type { TargetOf } from './compile.js';
import type { ConfigOf } from './golden.js';

/** The ISA's kind-specific compute opcodes (the ISA names them; they stay ISA contract). */
export type TileOpcode = Extract<Mnemonic, 'mod_tile' | 'simd_tile' | 'qgemm_tile' | 'mac_tile' | 'lr_down' | 'lr_up'>;

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
  /** Accumulator entries (AccStore moves to src/sim/acc-store.ts in step 0b) and low-rank partial sums. */
  readonly acc: AccStore;
  readonly lrt: Float64Array;
  /** True in a timing-only run: `execute` is not called, `cycles` must not need operand values beyond `peek`. */
  readonly timingOnly: boolean;
  /** Reads rows × cols elements of `bits` from a buffer, counted as SRAM traffic; CompileError('bad-program') out of range. */
  read(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, what: string): Uint32Array;
  /** As read, not counted as SRAM traffic (bsm timing reads the selectors: machine.ts:563–564 today). */
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
  /** SRAM bytes a compute instruction moves (the `sim` branch's timing-only traffic, per kind). */
  sramBytes(inst: KindInstruction, ctx: SimContext<K>): { readonly read: number; readonly write: number };
  /**
   * Tile ops and dequant on the accumulator entries, through the kind's golden step functions only.
   * Replaces the kind cases of compute (machine.ts:609–670) and sim/arith.ts's kind functions.
   */
  execute(inst: KindInstruction, ctx: SimContext<K>): void;
  /** One entry's output code. Replaces the writeback switch (machine.ts:680–697). */
  writeback(config: ConfigOf<K>, acc: AccStore, entry: number): number;
}
