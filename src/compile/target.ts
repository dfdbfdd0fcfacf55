/**
 * Maps an elaborated accelerator (src/ir) to what the workload compiler and the simulator need: the
 * golden datapath config of its PE array (src/golden), the element widths of every operand as stored in
 * the on-chip buffers, the ISA format-register values, and the byte capacity of each ISA buffer space.
 *
 * Buffer mapping (the ISA's spaces act, wgt, meta, out, lrw onto the declared buffers; the IR has no
 * per-space declaration, so this is the compiler's choice, stated here once):
 * - act → the `activations` buffer (else the `unified` one); wgt → the `weights` buffer;
 * - out → the `outputs` buffer when declared, otherwise the end of the activations buffer (of the weights
 *   buffer for a kind that asks, KindTarget.outInWeights: lowrank_gemm's code panel needs the activations
 *   buffer, its weights stream): what two output tiles of the whole accumulator tile need (rows · cols ·
 *   passes entries, passes > 1 for a multi-pass kind's declared tile; OUT_BYTES_PER_ENTRY per entry, the
 *   widest output), at most a quarter of the buffer (issue 13: a fixed quarter left Llama `down`'s
 *   activation panel 17 tokens) — half of the weights buffer where it goes there (its weights stream
 *   through a few slots of one k step; svdquant's 256 × 128 tile needs 2 × 64 KiB of 16-bit outputs);
 * - meta and lrw → halves of the `unified` buffer when declared, otherwise meta takes the last eighth of
 *   the weights buffer (lrw then has no space: a design without a unified buffer cannot run a branch).
 * The accumulators (`acc` entries) are the PE array's output registers: rows · cols entries, one per PE
 * (an output-stationary tile is one array pass), or, for a multi-pass kind (lowrank_gemm), a register file
 * of one entry per pass of the declared tile in each PE; `lrt` holds cols · (m passes) · rank entries.
 * Compute reads from a buffer at banks · width bits per cycle.
 *
 * Only the first array of an accelerator is used (every example has one).
 */
import type { GoldenConfig } from '../golden/types.js';
import type { IrAccelerator, IrArray, IrBuffer, IrPe } from '../ir/types.js';
import type { IsaBuffer, IsaFormat } from '../isa/index.js';
import { compileFacet } from '../pe/facets/compile.js';
import { CompileError } from './errors.js';
import { portBuffers } from './kind-support.js';

/** Options that pick among what a design declares. */
export interface TargetOptions {
  /** simd_mac: index of the SIMD mode to run (default 0). */
  readonly simdMode?: number;
}

/** Storage widths (bits per element) of the operands in buffers and DRAM. */
export interface OperandBits {
  readonly act: number;
  readonly wgt: number;
  /** Group/block scale bits (0 when none). */
  readonly gscale: number;
  /** Selector bits (bit_serial_mod mixtures; 0 otherwise). */
  readonly selector: number;
  /** Channel scale bits (0 when none). */
  readonly cscale: number;
  /** Bias / low-rank factor / raw activation bits (lowrank_gemm; 0 otherwise). */
  readonly branch: number;
  readonly out: number;
}

/** The format registers a program sets (`setfmt`). */
export interface FormatRegisters {
  readonly act: IsaFormat;
  readonly wgt: IsaFormat;
  readonly raw: IsaFormat;
  readonly gscale: IsaFormat;
  readonly cscale: IsaFormat;
  readonly bias: IsaFormat;
  readonly acc: IsaFormat;
  readonly out: IsaFormat;
  readonly lr: IsaFormat;
}

export interface Target {
  readonly accelerator: IrAccelerator;
  readonly array: IrArray;
  readonly pe: IrPe;
  readonly golden: GoldenConfig;
  readonly bits: OperandBits;
  readonly formats: FormatRegisters;
  /** simd_mac: the chosen mode index (0 otherwise). */
  readonly simdMode: number;
  /** Reduction elements per scale group (1 when the kind has none). */
  readonly groupSize: number;
  /** Byte capacity of each ISA buffer space. */
  readonly capacity: Readonly<Record<IsaBuffer, number>>;
  /** Bytes per cycle the compute side reads from the act and wgt buffers. */
  readonly actReadBytesPerCycle: number;
  readonly wgtReadBytesPerCycle: number;
  /**
   * Bytes per cycle of the read/write port of the physical buffer behind each ISA buffer space
   * (banks · width / 8): act → the activations buffer, wgt → the weights buffer, meta → the unified
   * buffer when there is a separate one, else the weights buffer, lrw → the unified buffer, out → the
   * outputs buffer, else the activations buffer. 0 for a space with no capacity.
   */
  readonly portBytes: Readonly<Record<IsaBuffer, number>>;
  /**
   * Largest k of one tile instruction the hardware takes: the depth of the tile engine's operand
   * staging (docs/array-rtl.md). The compiler cuts longer reductions into k tiles of at most this.
   */
  readonly maxTileK: number;
  /**
   * Elements of k the tile engine's operand staging holds per row (RTL_MAX_TILE_K). Tiles are at most this
   * deep, except for a kind whose engine streams k through its staging as a ring (KindTarget.stagingRing:
   * bit_serial_mod), whose tiles go up to maxTileK.
   */
  readonly stagingK: number;
  /** Largest m and n of one tile as the PE declares them (lowrank tile_m, tile_n), Infinity otherwise: the tiler takes the min with the array and the ISA. */
  readonly maxTileM: number;
  readonly maxTileN: number;
  /**
   * Array passes one tile may take along m (tokens, cols each) and n (channels, rows each): 1 and 1 for a
   * single-pass engine; a multi-pass kind (lowrank_gemm) takes ceil(declared tile_m / cols) ×
   * ceil(tile_n / rows), its accumulators a register file of that many entries per PE.
   */
  readonly tilePassesM: number;
  readonly tilePassesN: number;
  /** Accumulator entries (rows · cols · passes) and low-rank partial-sum entries (cols · m passes · rank). */
  readonly accEntries: number;
  readonly lrtEntries: number;
  /**
   * The array's peak MACs per cycle in the configuration run: PEs × MACs per PE per cycle, the latter for
   * the variant run (simd_mac: the chosen mode's lanes, not its widest), every other kind at its declared rate.
   */
  readonly peakMacsPerCycle: number;
}

function findBuffer(accel: IrAccelerator, role: IrBuffer['role']): IrBuffer | undefined {
  return accel.buffers.find((b) => b.role === role);
}

/** Depth (elements) of the tile engines' per-row/column operand staging in the generated RTL. */
export const RTL_MAX_TILE_K = 1024;

/** Bytes of the widest output element (fp32 / int32): an out slot of the whole array is rows · cols of them. */
const OUT_BYTES_PER_ENTRY = 4;

/** The ISA buffer spaces of an accelerator mapped onto its declared buffers (see the file header). */
interface BufferSpaces {
  readonly actBuf: IrBuffer;
  readonly wgtBuf: IrBuffer;
  readonly outBuf: IrBuffer | undefined;
  readonly metaBuf: IrBuffer;
  readonly unified: IrBuffer | undefined;
  readonly capacity: Readonly<Record<IsaBuffer, number>>;
}

/**
 * Maps the ISA buffer spaces; throws CompileError when there is no activations or weights buffer.
 * `passes`: accumulator entries per PE (the array passes of a multi-pass kind's declared tile; 1 otherwise).
 */
export function bufferSpaces(accel: IrAccelerator, passes = 1, outInWeights = false): BufferSpaces {
  // Which buffer serves which port is decided once, in portBuffers (check's port diagnostics use it too).
  const ports = portBuffers(accel);
  const actBuf = ports.act;
  const wgtBuf = ports.wgt;
  if (!actBuf || !wgtBuf) throw new CompileError('unsupported', `accelerator '${accel.name}' needs an activations and a weights buffer`);
  const outBuf = findBuffer(accel, 'outputs');
  const unified = findBuffer(accel, 'unified');
  let act = actBuf.bytes;
  let wgt = wgtBuf.bytes;
  let out: number;
  if (outBuf) out = outBuf.bytes;
  else {
    const array = accel.arrays[0];
    const twoTiles = array ? 2 * array.rows * array.cols * passes * OUT_BYTES_PER_ENTRY : Infinity;
    if (outInWeights) {
      out = Math.min(Math.floor(wgt / 2), twoTiles);
      wgt -= out;
    } else {
      out = Math.min(Math.floor(act / 4), twoTiles);
      act -= out;
    }
  }
  let meta: number;
  let lrw: number;
  if (ports.lrw) {
    // a unified buffer of its own holds the meta space and the low-rank weights, half each
    meta = Math.floor(ports.lrw.bytes / 2);
    lrw = ports.lrw.bytes - meta;
  } else {
    meta = Math.floor(wgt / 8);
    wgt -= meta;
    lrw = 0;
  }
  const metaBuf = ports.meta ?? wgtBuf;
  return { actBuf, wgtBuf, outBuf, metaBuf, unified, capacity: { act, wgt, meta, out, lrw } };
}

/** Resolves the target of an accelerator (its first array). Throws CompileError for designs it cannot map. */
export function resolveTarget(accel: IrAccelerator, options: TargetOptions = {}): Target {
  const array = accel.arrays[0];
  if (!array) throw new CompileError('unsupported', `accelerator '${accel.name}' has no PE array`);
  const pe = array.pe;
  const simdMode = options.simdMode ?? 0;
  const t = compileFacet(pe.kind).target(pe, simdMode, array);
  const passesOf = (declared: number | undefined, per: number): number => (t.multiPass && declared !== undefined && Number.isFinite(declared) ? Math.max(1, Math.ceil(declared / per)) : 1);
  // an engine tile of its own (KindTarget.engineTile) counts as the passes of rows × cols that cover it
  const et = t.engineTile;
  const passesM = et ? Math.ceil(et.m / array.cols) : passesOf(t.maxTileM, array.cols);
  const passesN = et ? Math.ceil(et.n / array.rows) : passesOf(t.maxTileN, array.rows);
  const { actBuf, wgtBuf, outBuf, metaBuf, unified, capacity } = bufferSpaces(accel, passesM * passesN, t.outInWeights === true);
  const port = (b: IrBuffer | undefined, bytes: number): number => (b && bytes > 0 ? Math.max(1, Math.floor((b.banks * b.widthBits) / 8)) : 0);
  return {
    accelerator: accel,
    array,
    pe,
    golden: t.golden,
    bits: t.bits,
    formats: t.formats,
    simdMode,
    groupSize: t.groupSize,
    capacity,
    actReadBytesPerCycle: (actBuf.banks * actBuf.widthBits) / 8,
    wgtReadBytesPerCycle: (wgtBuf.banks * wgtBuf.widthBits) / 8,
    portBytes: { act: port(actBuf, capacity.act), wgt: port(wgtBuf, capacity.wgt), meta: port(metaBuf, capacity.meta), lrw: port(unified, capacity.lrw), out: port(outBuf ?? (t.outInWeights === true ? wgtBuf : actBuf), capacity.out) },
    maxTileK: t.stagingRing === true ? t.maxTileK : Math.min(t.maxTileK, RTL_MAX_TILE_K),
    stagingK: RTL_MAX_TILE_K,
    maxTileM: et?.m ?? t.maxTileM ?? Number.POSITIVE_INFINITY,
    maxTileN: et?.n ?? t.maxTileN ?? Number.POSITIVE_INFINITY,
    tilePassesM: passesM,
    tilePassesN: passesN,
    accEntries: et ? et.m * et.n : array.rows * passesN * array.cols * passesM,
    lrtEntries: array.cols * passesM * Math.max(t.rank, 1),
    peakMacsPerCycle: t.macsPerPe === undefined ? array.macsPerCycle : array.pes * t.macsPerPe,
  };
}
