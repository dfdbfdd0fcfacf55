/**
 * The tile shapes a schedule may use on a target, and what they need of the buffer spaces.
 *
 * An output tile is one array pass (the RTL's tile engines and accumulators hold one pass:
 * docs/array-rtl.md): mt ≤ array cols tokens, nt ≤ array rows output channels (and the ISA's settile
 * fields and the PE's declared tile_m / tile_n) — except for a multi-pass kind (lowrank_gemm), whose
 * engine runs the declared tile_m × tile_n as several passes (`Target.tilePassesM/N`); its tile is the
 * largest one ≤ the declared one whose smallest k step fits the buffers double-buffered (`fittingTile`). The reduction is streamed in k tiles of kt elements,
 * kt a multiple of kAlign = lcm(8, group size, the kind's alignment) so that tiles start on a byte and
 * never split a scale group, at most the hardware's and the ISA's largest tile k.
 *
 * Buffer use: every per-k-step operand takes two slots of its buffer space (double buffering: the next
 * step loads while this one computes); a *resident* operand (schedule.ts) instead keeps a whole panel —
 * one slot per k tile, kTiles slots, or two slots when kTiles = 1 — loaded once per outer tile and read by
 * every inner tile. Each space is used only up to the capacity the ISA can address (isa-limits.ts), and
 * kt is also capped so that every per-k-step DMA row fits `row_bytes` (unless even one aligned step does
 * not, e.g. a huge group: dma.ts then splits it).
 */
import type { IsaBuffer } from '../../isa/index.js';
import { compileFacet, type DmaLoad } from '../../pe/facets/compile.js';
import { CompileError } from '../errors.js';
import type { IsaLimits } from '../isa-limits.js';
import { rowBytes } from '../pack.js';
import type { Target } from '../target.js';
import type { GemmShape } from '../workload.js';

export interface Tiling {
  readonly mt: number;
  readonly nt: number;
  readonly kt: number;
  readonly mTiles: number;
  readonly nTiles: number;
  readonly kTiles: number;
  readonly kAlign: number;
}

/**
 * Which operand keeps a whole k panel in its buffer across the inner tile loop ('none': both stream per k
 * step; 'both': a block of n tiles' weight panels and an m tile's activation panel, choose.ts).
 */
export type Resident = 'none' | 'act' | 'wgt' | 'both';

export const BUFFER_SPACES = ['act', 'wgt', 'meta', 'lrw', 'out'] as const satisfies readonly IsaBuffer[];

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
export function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** The rank of a config with a low-rank branch (its setmode.rank), 0 for the others. */
export function branchRank(t: Target): number {
  return 'rank' in t.golden ? t.golden.rank : 0;
}

/** Per-slot byte needs of one k step of kt elements, and the kind's offsets inside a slot. */
export interface SlotNeeds extends Record<IsaBuffer, number> {
  readonly actRawOff: number;
  readonly metaOff2: number;
  readonly metaOff3: number;
  readonly cscaleOff: number;
  readonly lscaleOff: number;
  readonly lrwUpOff: number;
  /** Per-output-tile lrw bytes (two tile-parity slots above the lrw ring; KindSlots.lrwTile). */
  readonly lrwTile: number;
  /** K split: offset of the partial-sum tile (mt × nt fp32 words, acc_fill's source) in a meta slot; 0 unsplit. */
  readonly psumOff: number;
}

/** Bytes of one raw accumulator word of the K split (acc_spill / acc_fill: an entry's 32 bits). */
export const PSUM_BYTES = 4;

/**
 * Per-slot byte needs of one k step of kt elements (k: the reduction one output tile runs, a K split's
 * chunk). A K split (`split`) adds the partial-sum tile to each meta slot and an out slot holds an m × n
 * tile of 32-bit words (acc_spill) if that is more than its outputs.
 */
export function slotNeeds(t: Target, mt: number, nt: number, kt: number, k: number, split = false): SlotNeeds {
  const actCodes = mt * rowBytes(kt, t.bits.act);
  const kind = compileFacet(t.pe.kind).slotNeeds(t, mt, nt, kt, k);
  const o = kind.offsets;
  const psumOff = split ? alignUp(kind.meta, PSUM_BYTES) : 0;
  return {
    act: actCodes + kind.actExtra,
    wgt: nt * rowBytes(kt, t.bits.wgt),
    meta: split ? psumOff + mt * nt * PSUM_BYTES : kind.meta,
    lrw: kind.lrw,
    out: Math.max(mt * nt * (t.bits.out / 8), split ? mt * nt * PSUM_BYTES : 0),
    psumOff,
    actRawOff: actCodes,
    metaOff2: o.metaOff2 ?? 0,
    metaOff3: o.metaOff3 ?? 0,
    cscaleOff: o.cscaleOff ?? 0,
    lscaleOff: o.lscaleOff ?? 0,
    lrwUpOff: o.lrwUpOff ?? 0,
    lrwTile: kind.lrwTile ?? 0,
  };
}

/** The longest row (bytes) of the per-k-step loads of a k step of kt elements. */
export function stepRowBytes(t: Target, nt: number, kt: number): number {
  return Math.max(rowBytes(kt, t.bits.act), rowBytes(kt, t.bits.wgt), compileFacet(t.pe.kind).stepRowBytes(t, nt, kt));
}

/** Bytes of each buffer space the compiler may use: its capacity, cut to what the ISA can address. */
export function usableCapacity(t: Target, limits: IsaLimits): Record<IsaBuffer, number> {
  const cap = { ...t.capacity };
  for (const b of Object.keys(cap) as IsaBuffer[]) cap[b] = Math.min(cap[b], limits.bufferAddress[b]);
  return cap;
}

/**
 * Slots each buffer space holds under a residency: 2 (double buffering; `ring` for the streamed input
 * spaces of a streamed schedule whose loads run `ring` steps ahead), a resident panel's, or a block of
 * `block` weight panels.
 */
export function slotCount(resident: Resident, b: IsaBuffer, kTiles: number, block = 2, ring = 2): number {
  if (resident === 'none' && b !== 'out') return ring;
  if (resident === 'both' && b === 'wgt') return block * kTiles;
  return resident === b || (resident === 'both' && b === 'act') ? Math.max(2, kTiles) : 2;
}

/**
 * The k-tile alignment and the largest m and n of a tile of a GEMM on a target (one array pass, or the
 * declared tile of a multi-pass kind); throws CompileError for what no tiling can run.
 */
export function tileBasics(t: Target, shape: GemmShape, limits: IsaLimits): { mt: number; nt: number; kAlign: number } {
  const kind = compileFacet(t.pe.kind);
  kind.checkShape(t, shape);
  if (t.groupSize > limits.group) throw new CompileError('unsupported', `group size ${t.groupSize} exceeds the ISA's setmode.group limit ${limits.group}`);
  if (t.simdMode > limits.simdMode) throw new CompileError('unsupported', `SIMD mode ${t.simdMode} exceeds the ISA's setmode.simd limit ${limits.simdMode}`);
  const rank = branchRank(t);
  if (rank > limits.rank) throw new CompileError('unsupported', `low-rank rank ${rank} exceeds the ISA's setmode.rank limit ${limits.rank}`);
  const mt = Math.min(shape.m, t.array.cols * t.tilePassesM, limits.tileM, t.maxTileM);
  const nt = Math.min(shape.n, t.array.rows * t.tilePassesN, limits.tileN, t.maxTileN);
  const kAlign = lcm(lcm(8, t.groupSize), kind.kAlign(t));
  if (kAlign > t.maxTileK) throw new CompileError('unsupported', `the smallest aligned k tile (${kAlign} elements) exceeds the hardware's largest tile k ${t.maxTileK}`);
  if (kAlign > limits.tileK) throw new CompileError('unsupported', `the smallest aligned k tile (${kAlign} elements) exceeds the ISA's settile.k limit ${limits.tileK}`);
  if (t.accEntries < mt * nt) throw new CompileError('capacity', `accumulators: ${mt * nt} entries needed, ${t.accEntries} available`);
  return { mt, nt, kAlign };
}

/** Whether a k tile of kt fits every buffer space (and the ISA's row and tile limits) under a residency. */
export function ktFits(t: Target, shape: GemmShape, limits: IsaLimits, mt: number, nt: number, kAlign: number, kt: number, resident: Resident, block = 2, ring = 2, split = false): boolean {
  if (kt > limits.tileK || kt > t.maxTileK) return false;
  // The smallest aligned step may have over-long rows (the DMA splitter cuts them); larger steps may not.
  if (kt !== kAlign && stepRowBytes(t, nt, kt) > limits.dmaRowBytes) return false;
  const cap = usableCapacity(t, limits);
  const need = slotNeeds(t, mt, nt, kt, shape.k, split);
  const kTiles = Math.ceil(shape.k / kt);
  // the lrw space also holds the two tile-parity slots of per-tile data (KindSlots.lrwTile)
  const tileBytes = (b: IsaBuffer): number => (b === 'lrw' ? 2 * need.lrwTile : 0);
  return BUFFER_SPACES.every((b) => (need[b] === 0 && tileBytes(b) === 0) || slotCount(resident, b, kTiles, block, ring) * need[b] + tileBytes(b) <= cap[b]);
}

/** The tiling with k tiles of kt. */
export function tilingOf(shape: GemmShape, mt: number, nt: number, kt: number, kAlign: number): Tiling {
  return { mt, nt, kt, mTiles: Math.ceil(shape.m / mt), nTiles: Math.ceil(shape.n / nt), kTiles: Math.ceil(shape.k / kt), kAlign };
}

/**
 * The largest aligned kt (at most K rounded up) that fits under a residency, or undefined when none does.
 * Needs grow with kt for streamed operands, a resident panel is about the same size for every kt, so the
 * candidates are scanned from the largest down.
 */
export function largestKt(t: Target, shape: GemmShape, limits: IsaLimits, mt: number, nt: number, kAlign: number, resident: Resident, block = 2, ring = 2, split = false): number | undefined {
  const top = Math.min(alignUp(shape.k, kAlign), Math.floor(Math.min(limits.tileK, t.maxTileK) / kAlign) * kAlign);
  if (resident === 'none') {
    // monotone: binary search (a huge K would make a scan long)
    if (!ktFits(t, shape, limits, mt, nt, kAlign, kAlign, resident, block, ring, split)) return undefined;
    let lo = 1;
    let hi = Math.max(1, top / kAlign);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (ktFits(t, shape, limits, mt, nt, kAlign, mid * kAlign, resident, block, ring, split)) lo = mid;
      else hi = mid - 1;
    }
    return lo * kAlign;
  }
  for (let kt = top; kt >= kAlign; kt -= kAlign) if (ktFits(t, shape, limits, mt, nt, kAlign, kt, resident, block, 2, split)) return kt;
  return undefined;
}

/** CompileError for a one-pass tile whose smallest k step does not fit double-buffered. */
export function tileTooLarge(t: Target, limits: IsaLimits, mt: number, nt: number, kAlign: number, k: number): CompileError {
  const cap = usableCapacity(t, limits);
  const need = slotNeeds(t, mt, nt, kAlign, k);
  const worst = BUFFER_SPACES.find((b) => need[b] > 0 && 2 * need[b] > cap[b]) ?? 'act';
  return new CompileError('capacity', `a ${mt}×${nt}×${kAlign} tile does not fit: the ${worst} buffer space holds ${cap[worst]} usable bytes, double buffering needs ${2 * need[worst]}`);
}

/**
 * A multi-pass kind's tiles: the (m1, n1) — m1 ≤ mt a multiple of the array's cols or mt itself, n1 likewise
 * of its rows — whose smallest k step fits double-buffered and that no other fitting one contains (for each
 * m1 the largest fitting n1), most outputs first, then most tokens; empty when none fits.
 */
export function fittingTiles(t: Target, shape: GemmShape, limits: IsaLimits, mt: number, nt: number, kAlign: number): { mt: number; nt: number }[] {
  const sizes = (top: number, per: number): number[] => [top, ...Array.from({ length: Math.ceil(top / per) }, (_, i) => (Math.ceil(top / per) - i) * per).filter((x) => x < top)];
  const out: { mt: number; nt: number }[] = [];
  let widest = 0;
  // m1 descending: keep a pair only when its n1 exceeds every larger m1's (otherwise it is contained)
  for (const m1 of sizes(mt, t.array.cols)) {
    const n1 = sizes(nt, t.array.rows).find((x) => ktFits(t, shape, limits, m1, x, kAlign, kAlign, 'none'));
    if (n1 !== undefined && n1 > widest) {
      out.push({ mt: m1, nt: n1 });
      widest = n1;
    }
  }
  // A kind with a panel per m tile (CompileFacet.mTilePanel: lowrank_gemm's runtime code panel): one contained
  // tile too, the widest one at half its tokens or fewer, where the panel may fit when it does not at the
  // largest (without it the panel's data is re-made per n tile: a 256 KiB svdquant activations buffer runs
  // 256x3072x3072 at 4.82x with 256-token tiles, 1.68x at 128). One, not every narrower m: each is a set of
  // candidates compiled and costed, and all of them made whole-model svdquant compiles take minutes.
  const top = out[0];
  if (top !== undefined && compileFacet(t.pe.kind).mTilePanel?.(t) === true) {
    const half = sizes(mt, t.array.cols).find((m1) => m1 <= top.mt / 2);
    if (half !== undefined && !out.some((o) => o.mt === half) && ktFits(t, shape, limits, half, top.nt, kAlign, kAlign, 'none')) out.push({ mt: half, nt: top.nt });
  }
  return out.sort((a, b) => b.mt * b.nt - a.mt * a.nt || b.mt - a.mt);
}

/**
 * The load of one step's act (wgt) codes: rows r0 … r0 + rows − 1, k elements k0 … k0 + kt − 1, into the
 * slot at `bufAddr` (rows of rowBytes(kt) one after another). Row-major codes: `rows` DMA rows at the
 * tensor's row stride; tile-major codes (CompileFacet.tileMajorCodes): the step's block, one DMA row, at
 * the band's start (row r0's row-major start) + rows · the k tiles before it.
 */
export function codeLoad(t: Target, buf: 'act' | 'wgt', region: number, r0: number, rows: number, k0: number, kt: number, bufAddr: number, stride: number): DmaLoad {
  const bits = t.bits[buf];
  if (compileFacet(t.pe.kind).tileMajorCodes?.(t) === true) return { dram: region + r0 * stride + (rows * k0 * bits) / 8, buf, bufAddr, rows: 1, rowBytes: rows * rowBytes(kt, bits), stride: 0 };
  return { dram: region + r0 * stride + (k0 * bits) / 8, buf, bufAddr, rows, rowBytes: rowBytes(kt, bits), stride };
}
