/**
 * The workload compiler proper: one GEMM on a target → tiling, a DRAM image with the packed operands,
 * and an ISA program (src/isa instructions) that computes it on the accelerator.
 *
 * Tiling (output stationary, one array pass per output tile): mt = min(M, array cols) tokens,
 * nt = min(N, array rows) output channels; the reduction is streamed in k tiles of kt elements, kt a
 * multiple of kAlign = lcm(8, group size, SIMD lanes when rounding every step) so that tiles start on a
 * byte and never split a scale group; kt is the largest such value (at most K rounded up) for which two
 * copies (double buffering) of every per-k-step operand fit their buffer space (target.ts).
 *
 * ISA field limits (isa-limits.ts, read from the ISA definition) bound everything emitted: mt, nt and kt
 * fit settile's m, n, k; each buffer space is used only up to the largest address every instruction naming
 * it can encode; kt is also capped so that every per-k-step DMA row fits `row_bytes` (unless even one
 * aligned step does not, e.g. a huge group); any DMA still out of range (rows, row bytes, DRAM stride) is
 * split into several loads/stores by dma.ts; the DRAM image must fit the 40-bit address registers, and
 * the group size, rank and SIMD mode must fit setmode — those are user errors (CompileError) when the
 * workload or design is genuinely too large.
 *
 * Program (straight-line, one instruction stream that the dispatch unit splits into the load, compute
 * and store queues; addresses set by `seti` right before each DMA):
 *   preamble: setfmt, setmode, [setscale], csync push_prev × ahead (the free input slots: 2, or more where
 *   every slot a step loads is a resident panel's, schedule/choose.ts loadsAhead), ssync push_prev ×2
 *   (two free output slots);
 *   for each output tile (mi outer, ni inner), for each k tile (input slot s = step parity):
 *     loads of the step's operands into slot s (the first pops C→L "slot free", the last pushes L→C);
 *     [settile when the shape changes]; [lowrank, ni = 0: lr_down]; the tile op (pop L→C, `clear` on the
 *     first k tile, push C→L "slot free" except on the last k tile);
 *   epilogue (output slot o = tile parity): [dequant] [lr_up] writeback (pop S→C, push C→S, push C→L);
 *   store of the output tile (pop C→S, push S→C).
 * K split (Schedule.kChunks > 1; bit_serial_mod, docs/scheduler.md "Branch ksplit"): the loop nest above runs
 * once per chunk of whole k tiles; a tile's first step in a chunk after the first also loads its fp32
 * partial sums from the psum region into the step's meta slot (SlotLayout.psumOff) and its tile instructions
 * start with acc_fill; its last step in a chunk before the last ends with acc_spill (the writeback's tokens)
 * and a store of the 32-bit words to psum instead of the epilogue, writeback and output store. Input slot,
 * output slot and panel parities are counted over the whole program.
 * Down projections (lowrank) are computed once per m tile (ni = 0) into `lrt`, which persists over the
 * n tiles. Activations come quantized from DRAM, or (lowrank_gemm `activation_quant = runtime`) raw, quantized
 * on chip by `qact` (src/pe/lowrank-gemm/compile.ts).
 *
 * DRAM layout (64-byte aligned regions): A [M × K] and W [N × K] packed row-major (tile-major for a kind
 * whose `tileMajorCodes` says so: lowrank_gemm, one DMA row per step's codes, `codeLoad`); BitMoD meta blocks
 * pre-tiled per (n tile, k tile): group scales [nt × gt] then the selectors packed 2 bits each; channel
 * scales [N] (also lowrank's, when declared); lowrank activation scales [M × G], weight scales [N × G],
 * bias [N], LoRA scales [r / 16] (fp32, when declared), raw X [M × K], D stored transposed as [r × K],
 * U [N × r]; the output Y [M × N]. A lowrank meta slot holds the step's activation and weight scales, then
 * (loaded in the last k step) the bias, the channel scales and the LoRA scales.
 */
import { createInstruction, type Instruction } from '../isa/index.js';
import { compileFacet, type DmaLoad, type DramRegion, type KChunk, type StepContext } from '../pe/facets/compile.js';
import { splitDma, type DmaTransfer } from './dma.js';
import { flattenPlan, uniformRuns, type PlanNode } from './plan.js';
import { checkCompact, compactPlan, compactTimingPlan, IMEM_WORDS, loopProgram, words } from './compact.js';
import { CompileError } from './errors.js';
import { ISA_LIMITS, tightenLimits, type IsaLimits } from './isa-limits.js';
import type { AnyOperands } from './operands.js';
import { rowBytes } from './pack.js';
import type { Target } from './target.js';
import type { GemmShape } from './workload.js';
import { chooseSchedule, rankedSchedules, scheduleCandidates, splitChunks, splitSchedules, streamRing, type Schedule } from './schedule/choose.js';
import { alignUp, branchRank, codeLoad, PSUM_BYTES, slotNeeds, type Resident, type Tiling } from './schedule/tiling.js';
import { beatBytes, serpentineBlocks, storePieceRows } from './schedule/cost.js';

export type { Tiling };

/** The tiling the scheduler chooses for a GEMM on a target (schedule/choose.ts). Throws CompileError when nothing fits. */
export function chooseTiling(t: Target, shape: GemmShape, limits: IsaLimits = ISA_LIMITS): Tiling {
  return chooseSchedule(t, shape, limits).tiling;
}

/** Byte offsets inside one slot of each buffer space, and the slot sizes. */
export interface SlotLayout {
  readonly actSlot: number;
  /** lowrank: raw X after the codes in an act slot. */
  readonly actRawOff: number;
  readonly wgtSlot: number;
  readonly metaSlot: number;
  /** Offset of the second meta item: bsm channel scales, lowrank weight scales. */
  readonly metaOff2: number;
  /** lowrank: bias offset in a meta slot; mac: channel scales at 0. */
  readonly metaOff3: number;
  /** lowrank: channel-scale offset in a meta slot (after the bias), and the LoRA scales' after them. */
  readonly cscaleOff: number;
  readonly lscaleOff: number;
  readonly lrwSlot: number;
  /** lowrank: U offset inside an lrw slot. */
  readonly lrwUpOff: number;
  /** Bytes of a tile-parity lrw slot above the lrw ring (lowrank: U; KindSlots.lrwTile); absent: none. */
  readonly lrwTileSlot?: number;
  readonly outSlot: number;
  /** K split: offset of the partial-sum tile in a meta slot (SlotNeeds.psumOff); absent unsplit. */
  readonly psumOff?: number;
  /**
   * Slots of each streamed input space (act, wgt, meta, lrw), used in turn by the k steps: 2 (double
   * buffering) unless a streamed schedule's loads run further ahead (schedule/choose.ts: the `ahead` slots
   * of its ring). Absent: 2.
   */
  readonly ring?: number;
}

/** Where each tensor lies in DRAM (−1 when absent). */
export interface DramLayout {
  readonly a: number;
  readonly w: number;
  readonly meta: number;
  readonly cscale: number;
  /** lowrank: the LoRA scales [ceil(r / 16)], fp32. */
  readonly lscale: number;
  readonly ascale: number;
  readonly wscale: number;
  readonly bias: number;
  readonly x: number;
  readonly down: number;
  readonly up: number;
  readonly y: number;
  /** K split: the fp32 partial sums [M × N] between chunks (−1 unsplit); scratch, not a tensor (not in tensorBytes). */
  readonly psum: number;
  readonly bytes: number;
  /** Bytes of the tensors themselves (every region's size, without the alignment padding between them). */
  readonly tensorBytes: number;
}

export interface CompiledGemm {
  readonly target: Target;
  readonly shape: GemmShape;
  readonly tiling: Tiling;
  /** The scheduler's decision (tiling, loop order, resident operand, prediction). */
  readonly schedule: Schedule;
  readonly slots: SlotLayout;
  readonly layout: DramLayout;
  /**
   * The loop program's dispatch stream as a plan of identical repeats (compact.ts compactTimingPlan):
   * what the timing-only simulator walks; its timing is the loop program's, cycle for cycle.
   */
  readonly plan: PlanNode;
  /** The straight-line program as a plan of uniform repeats (planProgram); its flattening has the loop program's semantics. */
  readonly straightPlan: PlanNode;
  /** The compact program (loops and address stepping, compact.ts), at most IMEM_WORDS words. */
  readonly program: readonly Instruction[];
  /** The DRAM image with every operand packed (absent for timing-only compilation). */
  readonly dram: Uint8Array | undefined;
  /** The golden operands the image was packed from. */
  readonly operands: AnyOperands | undefined;
}

/** Region allocator: 64-byte aligned consecutive regions. */
class Regions {
  bytes = 0;
  /** Sum of the sizes taken (without padding). */
  tensors = 0;
  take(size: number): number {
    const at = this.bytes;
    this.bytes = alignUp(at + size, 64);
    this.tensors += size;
    return at;
  }
}

/**
 * Lays out DRAM for a GEMM on a target with a tiling. Throws CompileError when the image would not be
 * addressable by the ISA's address registers.
 */
export function layoutDram(t: Target, shape: GemmShape, tiling: Tiling, limits: IsaLimits = ISA_LIMITS, kChunks = 1): DramLayout {
  const { m, k, n } = shape;
  const r = new Regions();
  const a = r.take(compileFacet(t.pe.kind).loadsActivationCodes?.(t) === false ? 0 : m * rowBytes(k, t.bits.act));
  const w = r.take(n * rowBytes(k, t.bits.wgt));
  const regions = compileFacet(t.pe.kind).layoutDram(t, shape, tiling, (bytes) => r.take(bytes));
  const region = (name: DramRegion): number => regions[name] ?? -1;
  const y = r.take(m * rowBytes(n, t.bits.out));
  // a K split's partial sums: scratch after the tensors, not counted in tensorBytes (the bound's traffic)
  const tensors = r.tensors;
  const psum = kChunks > 1 ? r.take(m * n * PSUM_BYTES) : -1;
  // Every address the program sets lies below r.bytes; the image must fit the address registers.
  if (r.bytes - 1 > limits.dramAddress) throw new CompileError('capacity', `the ${m}×${k}×${n} GEMM needs a ${r.bytes}-byte DRAM image; the ISA addresses at most ${limits.dramAddress + 1} bytes`);
  return {
    a,
    w,
    meta: region('meta'),
    cscale: region('cscale'),
    lscale: region('lscale'),
    ascale: region('ascale'),
    wscale: region('wscale'),
    bias: region('bias'),
    x: region('x'),
    down: region('down'),
    up: region('up'),
    y,
    psum,
    bytes: r.bytes,
    tensorBytes: tensors,
  };
}

/** Packs the operands into a fresh DRAM image. */
export function packDram(t: Target, shape: GemmShape, tiling: Tiling, layout: DramLayout, ops: AnyOperands): Uint8Array {
  const { m, k, n } = shape;
  let mem: Uint8Array;
  try {
    mem = new Uint8Array(layout.bytes);
  } catch (e) {
    if (e instanceof RangeError) throw new CompileError('capacity', `cannot allocate the ${layout.bytes}-byte DRAM image of the ${m}×${k}×${n} GEMM for an arithmetic run (a timing-only run needs none)`);
    throw e;
  }
  compileFacet(t.pe.kind).packDram(t, shape, tiling, layout, ops, mem);
  return mem;
}

/** Parity (0 or 1) of a · b + c for non-negative integers, exact however large the product. */
function parity(a: number, b: number, c: number): number {
  return ((a % 2) * (b % 2) + (c % 2)) % 2;
}

/** (a · b + c) mod r for non-negative integers, exact however large the product. */
function modOf(a: number, b: number, c: number, r: number): number {
  return ((a % r) * (b % r) + (c % r)) % r;
}

/**
 * The ISA program of a GEMM under a schedule, as a plan (plan.ts; see the file header for the program):
 * the preamble, then the outer → inner → k loop nest (m → n → k, or n → m → k for `n-outer`) as repeats
 * whose iterations have the same timing content — the first and last iteration of each loop are cut off
 * (the first follows different code, may emit a `settile` and loads a resident panel, the last may be
 * ragged and carries the epilogue), the ones between are uniform. Every instruction is the one the
 * straight-line loop would emit: slot parities, tile numbers and the `settile` decision are computed in
 * closed form from (outer, inner, ki).
 *
 * Residency (schedule/choose.ts): a resident operand's k slot ki lies at
 * (panel · kTiles + ki) · slot bytes, panel = outer parity when kTiles = 1 (two panels) and 0 otherwise;
 * it is loaded in the steps of inner tile 0 only.
 */
export function planProgram(t: Target, shape: GemmShape, schedule: Schedule, slots: SlotLayout, layout: DramLayout, ops: AnyOperands | undefined, limits: IsaLimits = ISA_LIMITS, phase = 0): PlanNode {
  const { m, k, n } = shape;
  const kind = compileFacet(t.pe.kind);
  const G = Math.ceil(k / t.groupSize);
  const rank = branchRank(t);
  const tiling = schedule.tiling;
  const resident: Resident = schedule.resident;
  const ring = slots.ring ?? 2;
  if (ring > 2 && (resident !== 'none' || ring !== schedule.ahead)) throw new Error(`planProgram: a ring of ${ring} slots needs a streamed schedule running ${ring} steps ahead`);
  const preamble = (): Instruction[] => {
    const prog: Instruction[] = [];
    prog.push(createInstruction('setfmt', { ...t.formats }));
    prog.push(createInstruction('setmode', { group: t.groupSize, wsel: t.bits.selector > 0 ? 'group' : 'fixed', simd: t.simdMode, rank }));
    prog.push(...kind.preamble(t, ops));
    for (let j = 0; j < schedule.ahead; j++) prog.push(createInstruction('csync', { push_prev: true }));
    prog.push(createInstruction('ssync', { push_prev: true }), createInstruction('ssync', { push_prev: true }));
    return prog;
  };
  const { mTiles, nTiles, kTiles } = tiling;
  // K split (schedule.kChunks): chunks of kc k tiles (the last one ragged), each a pass over every output
  // tile whose partial sums go through the psum region (see splitChunks)
  const { chunks, kc } = splitChunks(schedule);
  const split = chunks > 1;
  if (split && (ring > 2 || schedule.ahead > 2 || resident === 'both' || resident === 'wgt' || layout.psum < 0 || slots.psumOff === undefined)) throw new Error(`planProgram: a K split needs a two-slot schedule with no resident weight panel, a psum region and a partial-sum slot`);
  const chunkList: readonly KChunk[] = Array.from({ length: chunks }, (_, c) => ({ index: c, count: chunks, ki0: c * kc, kTiles: Math.min(kc, kTiles - c * kc), k: split ? kc * tiling.kt : k }));
  const chunkOf = (c: number): KChunk => chunkList[c];
  const macsPerPe = Math.max(1, t.peakMacsPerCycle / Math.max(1, t.array.pes));
  // a full k step's tile instruction (the kind's closed form, else its ideal compute per array pass)
  // Loop levels: blocks b → outer o → inner i → k. Only 'both' has several blocks (of `block` n tiles,
  // o = m tile, i = n tile in the block); otherwise one block, o and i the m and n tiles in loop order.
  const both = resident === 'both';
  const mOuter = schedule.order !== 'n-outer';
  const J = both ? schedule.block : mOuter ? nTiles : mTiles;
  const blocks = both ? Math.ceil(nTiles / J) : 1;
  const outerTiles = mOuter ? mTiles : nTiles;
  /** Inner tiles of block b (the last block of 'both' may hold fewer). */
  const innerOf = (b: number): number => (both ? Math.min(J, nTiles - b * J) : J);
  // Serpentine blocks (loads running ahead, m a whole number of m tiles): odd blocks walk the m tiles
  // backwards, so a block starts on the previous block's last activation panel, still in its slot.
  const serpentine = serpentineBlocks(shape, tiling, resident, schedule.ahead);
  const mOf = (b: number, o: number): number => (serpentine && b % 2 === 1 ? outerTiles - 1 - o : o);
  const tileOf = (b: number, o: number, i: number): { mi: number; ni: number } => (mOuter ? { mi: mOf(b, o), ni: b * J + i } : { mi: i, ni: o });
  const mtOf = (mi: number): number => Math.min(tiling.mt, m - mi * tiling.mt);
  const ntOf = (ni: number): number => Math.min(tiling.nt, n - ni * tiling.nt);
  const ktOf = (ki: number): number => Math.min(tiling.kt, k - ki * tiling.kt);
  const shapeOf = (b: number, o: number, i: number, ki: number): string => {
    const { mi, ni } = tileOf(b, o, i);
    return `${mtOf(mi)},${ntOf(ni)},${ktOf(ki)}`;
  };
  /** The tile shape of the step before (b, o, i, ki) of chunk c in program order, undefined for the first step. */
  const previousShape = (c: number, b: number, o: number, i: number, ki: number): string | undefined => {
    const ch = chunkOf(c);
    const kLast = ch.ki0 + ch.kTiles - 1;
    if (ki > ch.ki0) return shapeOf(b, o, i, ki - 1);
    if (i > 0) return shapeOf(b, o, i - 1, kLast);
    if (o > 0) return shapeOf(b, o - 1, innerOf(b) - 1, kLast);
    if (b > 0) return shapeOf(b - 1, outerTiles - 1, innerOf(b - 1) - 1, kLast);
    if (c > 0) {
      const p = chunkOf(c - 1);
      return shapeOf(blocks - 1, outerTiles - 1, innerOf(blocks - 1) - 1, p.ki0 + p.kTiles - 1);
    }
    return undefined;
  };
  // Loads running `ahead` > 2 steps ahead (resident 'both', one k tile): an activation panel's slot is read
  // last 1 + (inner tiles of the m tile between) steps before it is reloaded, so a last block of fewer n
  // tiles first gives back the tokens beyond that (an lsync that pops without pushing, at its first step).
  const giveBack = (b: number, o: number, i: number, ki: number): number =>
    schedule.ahead > 2 && b === blocks - 1 && blocks > 1 && o === 0 && i === 0 && ki === 0 ? Math.max(0, schedule.ahead - innerOf(b) - 1) : 0;
  /**
   * Buffer address of k slot ki of a resident panel of `slotBytes` slots, for panel number p, in a chunk of
   * kn k tiles (kTiles unsplit). A K split numbers its panels across chunks where every chunk has one k tile
   * (consecutive panels then alternate); where chunks have more, a last chunk of one k tile starts on slot 0
   * (loaded two steps after the previous chunk's last read of it).
   */
  const panelSlot = (p: number, ki: number, slotBytes: number, kn: number): number => ((kn === 1 ? p % 2 : 0) * kn + ki) * slotBytes;
  const tilesPerChunk = mTiles * nTiles;
  const step = (c: number, b: number, o: number, i: number, ki: number): Instruction[] => {
    const prog: Instruction[] = [];
    const ch = chunkOf(c);
    const kl = ki - ch.ki0;
    const { mi, ni } = tileOf(b, o, i);
    const m0 = mi * tiling.mt;
    const mt = mtOf(mi);
    const n0 = ni * tiling.nt;
    const nt = ntOf(ni);
    const k0 = ki * tiling.kt;
    const kt = ktOf(ki);
    const g0 = k0 / t.groupSize;
    const gt = Math.ceil(kt / t.groupSize);
    const last = kl === ch.kTiles - 1;
    const final = c === chunks - 1;
    // tile number in the chunk: b · outerTiles · J (the blocks before b are full) + o · innerOf(b) + i; its
    // parity, and the parity of the program's step number (c · tilesPerChunk · kc steps before the chunk) +
    // tile · ch.kTiles + kl (exact however large the numbers); output slots alternate over the program's tiles
    const chunkTileParity = (parity(parity(b, outerTiles, 0), J, 0) + parity(o, innerOf(b), i)) % 2;
    const tileParity = (chunkTileParity + parity(c, tilesPerChunk, 0)) % 2;
    // a streamed ring of more slots (slots.ring, resident 'none': one block, tile number o · J + i; never
    // split): the global step number mod the ring
    // (`phase`: the first step's slot, chain.ts: a layer chained after another starts where that one's last step is not)
    const s = ring > 2 ? modOf(modOf(o, J, i, ring), kTiles, ki + phase, ring) : (parity(c, (tilesPerChunk % 2) * (kc % 2), phase) + parity(chunkTileParity, ch.kTiles, kl)) % 2;
    const metaBase = s * slots.metaSlot;
    // panels in load order: a serpentine block after the first loads outerTiles − 1 new ones
    const actPanel = both ? b * (serpentine ? outerTiles - 1 : outerTiles) + o : o;
    const panelBase = split && kc === 1 ? c * outerTiles : 0;
    const act = resident === 'act' || both ? panelSlot(panelBase + actPanel, kl, slots.actSlot, ch.kTiles) : s * slots.actSlot;
    const wgt = resident === 'wgt' ? panelSlot(panelBase + o, kl, slots.wgtSlot, ch.kTiles) : both ? (i * kTiles + ki) * slots.wgtSlot : s * slots.wgtSlot;
    // output slot: parity of the tile number
    const os = tileParity;
    // K split: a chunk after the first reloads the tile's partial sums in its first step (into this step's meta slot)
    const fill = split && c > 0 && kl === 0 ? metaBase + (slots.psumOff ?? 0) : undefined;
    const ctx: StepContext = { mi, ni, ki, m0, mt, n0, nt, k0, kt, g0, gt, G, first: kl === 0, last, slot: s, tileSlot: os, act, wgt, metaBase, slots, layout, shape, tiling, ...(split ? { chunk: ch } : {}), ...(fill === undefined ? {} : { fill }) };
    // The step's loads: act and wgt codes (a resident panel only when it changes), then the kind's.
    const aStride = rowBytes(k, t.bits.act);
    const wStride = rowBytes(k, t.bits.wgt);
    const loads: DmaLoad[] = [];
    // A runtime-quantizing kind (qact) loads raw X in its step loads instead of activation codes.
    const loadAct = kind.loadsActivationCodes?.(t) !== false && (resident === 'act' || both ? i === 0 && !(serpentine && b > 0 && o === 0) : true);
    const loadWgt = resident === 'wgt' ? i === 0 : both ? o === 0 : true;
    if (loadAct) loads.push(codeLoad(t, 'act', layout.a, m0, mt, k0, kt, act, aStride));
    if (loadWgt) loads.push(codeLoad(t, 'wgt', layout.w, n0, nt, k0, kt, wgt, wStride));
    const kindLoads = kind.stepLoads(t, ctx);
    // loads running further ahead than the slot parity allow no per-step slots (schedule/choose.ts loadsAhead)
    if (schedule.ahead > 2 && ring === 2 && kindLoads.length > 0) throw new Error(`planProgram: loads ${schedule.ahead} steps ahead with per-step ${t.pe.kind} loads`);
    loads.push(...kindLoads);
    const psumStride = n * PSUM_BYTES;
    const psumAt = layout.psum + m0 * psumStride + n0 * PSUM_BYTES;
    if (fill !== undefined) loads.push({ dram: psumAt, buf: 'meta', bufAddr: fill, rows: mt, rowBytes: nt * PSUM_BYTES, stride: psumStride });
    for (let j = giveBack(b, o, i, ki); j > 0; j--) prog.push(createInstruction('lsync', { pop_next: true }));
    // Split to the ISA's DMA limits; the step's first piece waits for the slot, its last one hands it over
    // (a step with nothing to load passes the tokens with an lsync).
    // Loads running ahead move whole panels in bursts; cut into pieces of at most one tile's ideal compute
    // (kt / MACs per PE per cycle) of port time, a tile's output store waits behind one piece, not a panel.
    const rowsPer = (l: DmaLoad): number => Math.max(1, Math.floor(Math.ceil(tiling.kt / macsPerPe) / Math.ceil(l.rowBytes / beatBytes(t))));
    const cut = (l: DmaLoad): DmaLoad[] => {
      const q = rowsPer(l);
      if (schedule.ahead <= 2 || ring > 2 || l.rows <= q) return [l];
      const out: DmaLoad[] = [];
      for (let r0 = 0; r0 < l.rows; r0 += q) out.push({ ...l, dram: l.dram + r0 * l.stride, bufAddr: l.bufAddr + r0 * l.rowBytes, rows: Math.min(q, l.rows - r0) });
      return out;
    };
    const pieces = loads.flatMap(cut).flatMap(({ dram, buf, bufAddr, rows, rowBytes: rb, stride }) => splitDma({ dram, buf: bufAddr, rows, rowBytes: rb, stride }, limits).map((p) => [buf, p] as const));
    pieces.forEach(([buf, p], j) => {
      prog.push(createInstruction('seti', { rd: 1, imm: p.dram }));
      prog.push(createInstruction('load', { buf, dram_reg: 1, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_next: j === 0, push_next: j === pieces.length - 1 }));
    });
    if (pieces.length === 0) prog.push(createInstruction('lsync', { pop_next: true, push_next: true }));
    if (previousShape(c, b, o, i, ki) !== shapeOf(b, o, i, ki)) prog.push(createInstruction('settile', { m: mt, n: nt, k: kt }));
    prog.push(...kind.tileInstructions(t, ctx));
    if (!last) return prog;
    if (!final) {
      // K split: the partial sums leave as raw 32-bit words through the out slot to the psum region
      prog.push(createInstruction('acc_spill', { acc: 0, out: os * slots.outSlot, pop_next: true, push_next: true, push_prev: true }));
      const spilled = splitDma({ dram: psumAt, buf: os * slots.outSlot, rows: mt, rowBytes: nt * PSUM_BYTES, stride: psumStride }, limits);
      spilled.forEach((p, j) => {
        prog.push(createInstruction('seti', { rd: 2, imm: p.dram }));
        prog.push(createInstruction('store', { buf: 'out', dram_reg: 2, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_prev: j === 0, push_prev: j === spilled.length - 1 }));
      });
      return prog;
    }
    // Epilogue: reads the last step's slot (channel scales, bias, U), so writeback frees it.
    prog.push(...kind.epilogue(t, ctx));
    prog.push(createInstruction('writeback', { acc: 0, out: os * slots.outSlot, pop_next: true, push_next: true, push_prev: true }));
    const yStride = rowBytes(n, t.bits.out);
    const out: DmaTransfer = { dram: layout.y + m0 * yStride + (n0 * t.bits.out) / 8, buf: os * slots.outSlot, rows: mt, rowBytes: rowBytes(nt, t.bits.out), stride: yStride };
    // A streamed ring (its loads a few steps ahead) cuts the store into pieces of at most half a k step's
    // tile instruction of port time, so the next steps' loads wait behind one piece, not a whole tile's
    // outputs (svdquant: a 256 × 128 tile's 64 KiB hold the port 1,024 cycles against 134 per k step).
    const storeRows = storePieceRows(t, tiling, ring, out.rows, out.rowBytes);
    const stores = Array.from({ length: Math.ceil(out.rows / storeRows) }, (_, q) => q * storeRows).flatMap((r0) => splitDma({ ...out, dram: out.dram + r0 * out.stride, buf: out.buf + r0 * out.rowBytes, rows: Math.min(storeRows, out.rows - r0) }, limits));
    stores.forEach((p, j) => {
      prog.push(createInstruction('seti', { rd: 2, imm: p.dram }));
      prog.push(createInstruction('store', { buf: 'out', dram_reg: 2, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_prev: j === 0, push_prev: j === stores.length - 1 }));
    });
    return prog;
  };
  const code = (emit: () => Instruction[]): PlanNode => ({ kind: 'code', emit });
  const tile = (c: number, b: number, o: number, i: number): PlanNode => {
    const ch = chunkOf(c);
    return uniformRuns(ch.kTiles, [1, ch.kTiles - 1], (kl) => code(() => step(c, b, o, i, ch.ki0 + kl)));
  };
  const row = (c: number, b: number, o: number): PlanNode => uniformRuns(innerOf(b), [1, innerOf(b) - 1], (i) => tile(c, b, o, i));
  const blockNode = (c: number, b: number): PlanNode => uniformRuns(outerTiles, [1, outerTiles - 1], (o) => row(c, b, o));
  const chunkNodes = Array.from({ length: chunks }, (_, c) => uniformRuns(blocks, [1, blocks - 1], (b) => blockNode(c, b)));
  return { kind: 'seq', items: [code(preamble), ...chunkNodes, code(() => [createInstruction('halt', {})])] };
}

/** Emits the ISA program of a GEMM (see the file header): the flattening of planProgram. */
export function emitProgram(t: Target, shape: GemmShape, schedule: Schedule, slots: SlotLayout, layout: DramLayout, ops: AnyOperands | undefined, limits: IsaLimits = ISA_LIMITS): Instruction[] {
  return flattenPlan(planProgram(t, shape, schedule, slots, layout, ops, limits));
}

/** Options of `compileGemm`. */
export interface CompileOptions {
  /** Skip operand packing (the simulator then runs timing only). */
  readonly timingOnly?: boolean;
  /**
   * Tighter ISA limits than the definition's (tests use them to exercise DMA splitting and k-tile capping
   * on small shapes); each can only shrink, so the program stays encodable.
   */
  readonly limits?: Partial<IsaLimits>;
  /**
   * Force the scheduler's candidate with this resident operand (tests run every candidate); CompileError
   * when that candidate does not exist for the GEMM.
   */
  readonly resident?: Resident;
  /**
   * Force a K split into this many chunks (1: none), the best such candidate, also where the scheduler would
   * offer none (choose.ts splitSchedules; tests); with `resident`, the candidate of both. CompileError when no
   * such candidate exists.
   */
  readonly kChunks?: number;
  /**
   * Force the candidate whose loads run this many steps ahead (a streamed ring of that many slots where
   * `ahead` > 2 and nothing is resident; tests run a ring where the cost model prefers two slots).
   */
  readonly ahead?: number;
  /** How error messages name the GEMM (e.g. the model layer, "layer q"); default: its shape. */
  readonly label?: string;
}

function forcedSchedule(t: Target, shape: GemmShape, limits: IsaLimits, resident: Resident | undefined, kChunks: number | undefined, ahead: number | undefined): Schedule {
  // unsplit unless a split is asked for; the first in the table's order (a split: the best predicted)
  const pool = kChunks === undefined || kChunks === 1 ? scheduleCandidates(t, shape, limits) : [...rankedSchedules(t, shape, limits), ...splitSchedules(t, shape, limits)];
  const found = pool.find((c) => (resident === undefined || c.resident === resident) && splitChunks(c).chunks === (kChunks ?? 1) && (ahead === undefined || c.ahead === ahead));
  const what = [resident === undefined ? '' : `a resident ${resident} panel`, kChunks === undefined ? '' : `${kChunks} K chunks`, ahead === undefined ? '' : `loads ${ahead} steps ahead`].filter((x) => x !== '').join(' and ');
  if (!found) throw new CompileError('unsupported', `no schedule with ${what} exists for the ${shape.m}×${shape.k}×${shape.n} GEMM on this target`);
  return found;
}

/** Slot layout, DRAM layout, straight-line plan and loop program of a GEMM under one schedule. */
function scheduleWith(t: Target, shape: GemmShape, schedule: Schedule, ops: AnyOperands | undefined, limits: IsaLimits) {
  const tiling = schedule.tiling;
  const { chunks, kc } = splitChunks(schedule);
  const need = slotNeeds(t, tiling.mt, tiling.nt, tiling.kt, chunks > 1 ? kc * tiling.kt : shape.k, chunks > 1);
  const slots: SlotLayout = {
    actSlot: need.act,
    actRawOff: need.actRawOff,
    wgtSlot: need.wgt,
    metaSlot: need.meta,
    metaOff2: need.metaOff2,
    metaOff3: need.metaOff3,
    cscaleOff: need.cscaleOff,
    lscaleOff: need.lscaleOff,
    lrwSlot: need.lrw,
    lrwUpOff: need.lrwUpOff,
    outSlot: need.out,
    ...(streamRing(schedule) > 2 ? { ring: streamRing(schedule) } : {}),
    ...(need.lrwTile > 0 ? { lrwTileSlot: need.lrwTile } : {}),
    ...(chunks > 1 ? { psumOff: need.psumOff } : {}),
  };
  const layout = layoutDram(t, shape, tiling, limits, chunks);
  const straightPlan = planProgram(t, shape, schedule, slots, layout, ops, limits);
  return { schedule, tiling, slots, layout, straightPlan, compact: compactPlan(straightPlan, layout) };
}

/** Compiles one GEMM: tiling, slot layout, DRAM image and program. */
export function compileGemm(t: Target, shape: GemmShape, ops: AnyOperands | undefined, options: CompileOptions = {}): CompiledGemm {
  const limits = tightenLimits(options.limits);
  // The best candidate whose loop program fits the instruction memory (a resident panel of many k tiles
  // unrolls the panel's k steps: its buffer addresses differ per step); the error names the best one.
  const forced = options.resident !== undefined || options.kChunks !== undefined || options.ahead !== undefined;
  const candidates = forced ? [forcedSchedule(t, shape, limits, options.resident, options.kChunks, options.ahead)] : rankedSchedules(t, shape, limits);
  let chosen: ReturnType<typeof scheduleWith> | undefined;
  let firstSize = 0;
  for (const c of candidates) {
    const attempt = scheduleWith(t, shape, c, ops, limits);
    const size = words(attempt.compact);
    if (size <= IMEM_WORDS) {
      chosen = attempt;
      break;
    }
    if (firstSize === 0) firstSize = size;
  }
  if (!chosen) {
    const what = options.label ?? `the ${shape.m}×${shape.k}×${shape.n} GEMM`;
    throw new CompileError('capacity', `${what}: the program needs ${firstSize} instruction words even with loops, the instruction memory holds ${IMEM_WORDS}`);
  }
  const { schedule, tiling, slots, layout, straightPlan, compact } = chosen;
  if (!options.timingOnly && ops === undefined) throw new Error('compileGemm: operands are required unless timingOnly');
  const dram = options.timingOnly || !ops ? undefined : packDram(t, shape, tiling, layout, ops);
  const plan = compactTimingPlan(compact);
  let program: Instruction[] | undefined;
  if (!options.timingOnly) {
    // an arithmetic run is small: check the loops against the straight-line program they stand for
    program = loopProgram(compact);
    checkCompact(flattenPlan(straightPlan), program);
  }
  return {
    target: t,
    shape,
    tiling,
    schedule,
    slots,
    layout,
    plan,
    straightPlan,
    get program(): readonly Instruction[] {
      program ??= loopProgram(compact);
      return program;
    },
    dram,
    operands: options.timingOnly ? undefined : ops,
  };
}
