/**
 * The scheduler's cost model: predicted cycles and DRAM bytes of a schedule, in closed form over a few
 * representative tiles (never over every tile, so a whole model schedules in milliseconds).
 *
 * The rules are the simulator's (src/sim/timing.ts), restated at the precision a ranking needs (the
 * compile layer may not import the simulator; test/compile/schedule.test.ts pins the constants to
 * src/arch/microarch.ts):
 * - a DMA piece (after splitting to the ISA's limits, dma.ts) holds the DRAM port for
 *   rows · ceil(row_bytes / beat) cycles and completes the accelerator's `dram_latency` L cycles after its
 *   last beat; the load queue keeps `dram_outstanding` N pieces in flight, so a step's p pieces take
 *   Σ port cycles + L · ceil(p / N) (N = 1: Σ (port + L));
 * - a tile instruction takes about kt / (MACs per PE per cycle) cycles (the array's peak spread over its
 *   PEs) plus its fill and drain (the kind's `tileFill`, else a short constant), per array pass (a
 *   multi-pass kind's tile takes several), or the kind's own closed form (CompileFacet.tileCycles); a kind
 *   that runs several instructions per step (lowrank_gemm: qact and lr_down at an m tile's first n tile)
 *   times the whole step (stepCycles); the epilogue takes the kind's epilogueCycles (its instructions and
 *   the writeback), else one output per column per cycle;
 * - with double buffering the load of step s + 1 overlaps the compute of step s, so a step costs
 *   max(loads, compute) and a tile the sum over its steps plus its epilogue; the output store shares the
 *   DRAM port with the loads (its port cycles are added to the tile's loads). Where the loads may run
 *   `ahead` > 2 steps ahead (choose.ts loadsAhead), a step's loads spread over the ahead − 1 steps before
 *   it: a step costs max(loads / (ahead − 1), compute), and a streamed ring (every step loads) at least its
 *   port cycles;
 * - a streamed ring of more than two slots (its store cut into pieces, storePieceRows) runs two timelines
 *   and takes the longer: the engine's (each step max(loads / (ahead − 1), compute), the epilogue, and the
 *   store's interference: from the next tile's step ahead − 1 on each load DMA waits behind one store
 *   piece) and the port's (every load and the store, plus the wait for the epilogue beyond the next
 *   tile's first ahead − 1 steps of loads); its first step's loads are exposed.
 * Ragged edge tiles are costed at their extents (the share of each tile class in the last m or n tile),
 * except under `both`, which counts them as full tiles. On lowrank_gemm the prediction is within 2% of the
 * simulation (test/pe/lowrank-gemm/predicted-cycles.test.ts); `qacc sim --explain` reports both.
 */
import { compileFacet, type StepContext } from '../../pe/facets/compile.js';
import { splitDma } from '../dma.js';
import { EPILOGUE_DEPTH } from '../pipeline-depths.js';
import type { IsaLimits } from '../isa-limits.js';
import { rowBytes } from '../pack.js';
import type { DramLayout, SlotLayout } from '../program.js';
import type { Target } from '../target.js';
import type { GemmShape } from '../workload.js';
import { codeLoad, PSUM_BYTES as PSUM_WORD, type Resident, type SlotNeeds, type Tiling } from './tiling.js';

/** DRAM latency and DMAs in flight per queue, as the simulator reads them (src/arch/microarch.ts). */
export function costDramTiming(t: Target): { readonly latency: number; readonly outstanding: number } {
  return { latency: t.accelerator.dramLatencyCycles, outstanding: t.accelerator.dramOutstanding };
}
/** Pipeline fill the cost model adds to a tile instruction of a kind without a `tileFill` hook. */
const TILE_FILL = 4;

/** Predicted DRAM bytes per operand ('other': the kind's scales, selectors, biases, factors). */
export interface PredictedBytes {
  readonly act: number;
  readonly wgt: number;
  readonly other: number;
  readonly out: number;
  readonly total: number;
}

export interface Prediction {
  readonly cycles: number;
  readonly bytes: PredictedBytes;
}

/** Bytes one DRAM beat carries (src/arch/microarch.ts dramBeatBytes). */
export function beatBytes(t: Target): number {
  return Math.max(1, Math.floor(t.accelerator.dramBitsPerCycle / 8));
}

/** A layout whose addresses are all 0: the cost model needs the transfers' shapes, not their addresses. */
const ZERO_LAYOUT: DramLayout = { a: 0, w: 0, meta: 0, cscale: 0, lscale: 0, ascale: 0, wscale: 0, bias: 0, x: 0, down: 0, up: 0, y: 0, psum: 0, bytes: 0, tensorBytes: 0 };

function slotLayoutOf(need: SlotNeeds, ring: number): SlotLayout {
  return { ...(ring > 2 ? { ring } : {}), ...(need.lrwTile > 0 ? { lrwTileSlot: need.lrwTile } : {}), actSlot: need.act, actRawOff: need.actRawOff, wgtSlot: need.wgt, metaSlot: need.meta, metaOff2: need.metaOff2, metaOff3: need.metaOff3, cscaleOff: need.cscaleOff, lscaleOff: need.lscaleOff, lrwSlot: need.lrw, lrwUpOff: need.lrwUpOff, outSlot: need.out };
}

/**
 * Whether the program walks the blocks of a `both` schedule serpentine (program.ts): odd blocks take the m
 * tiles backwards, starting on the activation panel the block before ended on. Done where the loads run
 * ahead (so the saved panel load shortens the block boundary's burst of weight loads) and the m tiles are
 * all full (every block then has the same timing).
 */
export function serpentineBlocks(shape: GemmShape, tiling: Tiling, resident: Resident, ahead: number): boolean {
  return resident === 'both' && ahead > 2 && shape.m % tiling.mt === 0 && tiling.mTiles > 1;
}

/**
 * Rows of each piece an output tile's store (`rows` rows of `rowBytes`) is cut into (program.ts): with a
 * streamed ring (`ring` > 2 slots, loads a few steps ahead) pieces of at most half a full k step's tile
 * instruction of port time, so the next steps' loads wait behind one piece, not a whole tile's outputs
 * (svdquant: a 256 × 128 tile's 64 KiB hold the port 1,024 cycles against 134 per k step); else one piece.
 */
export function storePieceRows(t: Target, tiling: Tiling, ring: number, rows: number, rowBytes: number): number {
  if (ring <= 2) return rows;
  const macsPerPe = Math.max(1, t.peakMacsPerCycle / Math.max(1, t.array.pes));
  const stepCycles = compileFacet(t.pe.kind).tileCycles?.(t, tiling.mt, tiling.nt, tiling.kt) ?? Math.ceil(tiling.kt / macsPerPe) * Math.ceil(tiling.mt / t.array.cols) * Math.ceil(tiling.nt / t.array.rows);
  return Math.max(1, Math.floor(stepCycles / 2 / Math.ceil(rowBytes / beatBytes(t))));
}

/** Predicted cycles and bytes of a schedule (see the file header). */
export function predictSchedule(t: Target, shape: GemmShape, tiling: Tiling, resident: Resident, limits: IsaLimits, need: SlotNeeds, block: number, ahead: number, split?: SplitChunkRole): Prediction {
  const kind = compileFacet(t.pe.kind);
  const beat = beatBytes(t);
  // a streamed schedule running ahead uses a ring of `ahead` slots (choose.ts streamRing)
  const slots = slotLayoutOf(need, resident === 'none' ? ahead : 2);
  const { mt, nt, kt, mTiles, nTiles, kTiles } = tiling;
  const G = Math.ceil(shape.k / t.groupSize);
  const macsPerPe = t.peakMacsPerCycle / Math.max(1, t.array.pes);
  const dram = costDramTiming(t);
  /** Port cycles and pieces of one transfer. */
  const dmaPieces = (rows: number, rb: number, stride: number): { port: number; pieces: number } => {
    let port = 0;
    let pieces = 0;
    // the all-zero layout makes every optional region look present: a kind's empty transfer costs nothing
    if (rows * rb === 0) return { port, pieces };
    for (const p of splitDma({ dram: 0, buf: 0, rows, rowBytes: rb, stride }, limits)) {
      port += p.rows * Math.ceil(p.rowBytes / beat);
      pieces++;
    }
    return { port, pieces };
  };
  /** Cycles of one step's loads: their port cycles plus the latency once per N pieces in flight. */
  const stepLoadCycles = (parts: readonly { port: number; pieces: number }[]): number => {
    const port = parts.reduce((s, p) => s + p.port, 0);
    const pieces = parts.reduce((s, p) => s + p.pieces, 0);
    return port + dram.latency * Math.ceil(pieces / dram.outstanding);
  };
  // a kind that quantizes activations on chip loads no codes (its raw X is among its stepLoads)
  const loadsCodes = kind.loadsActivationCodes?.(t) !== false;
  const aStride = rowBytes(shape.k, t.bits.act);
  const wStride = rowBytes(shape.k, t.bits.wgt);
  /**
   * Cycles and kind bytes of one output tile (mi, ni) of mt × nt (a ragged edge tile's extents, else the
   * tiling's) that loads its A and / or W k tiles, its loads `lead` steps ahead.
   */
  const tile = (mi: number, ni: number, loadA: boolean, loadW: boolean, lead = ahead, mt = tiling.mt, nt = tiling.nt): { cycles: number; otherBytes: number; firstPort: number } => {
    // a multi-pass tile (Target.tilePassesM/N) runs its passes one after another
    const arrayPasses = Math.ceil(mt / t.array.cols) * Math.ceil(nt / t.array.rows);
    let cycles = 0;
    let otherBytes = 0;
    // a streamed ring cuts the output store into pieces (program.ts storePieceRows) that share the port
    // with the next steps' loads: their port time counts against the tile's as a whole, and below
    const spread = resident === 'none' && ahead > 2;
    let tilePort = 0;
    /** Per step (spread stores only): its load port cycles, load pieces, and cost on the engine's timeline. */
    const steps: { port: number; pieces: number; cost: number }[] = [];
    let epilogue = 0;
    let lastCompute = 0;
    let storePort = 0;
    let storePieces = 0;
    for (let ki = 0; ki < kTiles; ki++) {
      const k0 = ki * kt;
      const ktHere = Math.min(kt, shape.k - k0);
      const ctx: StepContext = { mi, ni, ki, m0: mi * tiling.mt, mt, n0: ni * tiling.nt, nt, k0, kt: ktHere, g0: k0 / t.groupSize, gt: Math.ceil(ktHere / t.groupSize), G, first: ki === 0, last: ki === kTiles - 1, slot: 0, tileSlot: 0, act: 0, wgt: 0, metaBase: 0, slots, layout: ZERO_LAYOUT, shape, tiling };
      const parts: { port: number; pieces: number }[] = [];
      for (const [load, buf, rows, stride] of [[loadA && loadsCodes, 'act', mt, aStride], [loadW, 'wgt', nt, wStride]] as const) {
        if (!load) continue;
        const l = codeLoad(t, buf, 0, 0, rows, k0, ktHere, 0, stride);
        parts.push(dmaPieces(l.rows, l.rowBytes, l.stride));
      }
      for (const l of kind.stepLoads(t, ctx)) {
        parts.push(dmaPieces(l.rows, l.rowBytes, l.stride));
        otherBytes += l.rows * l.rowBytes;
      }
      // a K split chunk after the first loads the tile's partial sums in its first step and acc_fills them
      const fill = split?.fill === true && ctx.first;
      if (fill) parts.push(dmaPieces(mt, nt * PSUM_WORD, shape.n * PSUM_WORD));
      // the tile's outputs, or (a chunk before the last) its partial sums as 32-bit words
      const spill = split?.spill === true;
      const outRow = spill ? nt * PSUM_WORD : rowBytes(nt, t.bits.out);
      const store = ctx.last ? dmaPieces(mt, outRow, spill ? shape.n * PSUM_WORD : rowBytes(shape.n, t.bits.out)).port : 0;
      if (ctx.last && spread) {
        const q = storePieceRows(t, tiling, ahead, mt, outRow);
        storePort = store;
        storePieces = Math.ceil(mt / q);
      }
      const loadPort = parts.reduce((sum, p) => sum + p.port, 0);
      const stepPort = loadPort + (spread ? 0 : store);
      tilePort += loadPort + store;
      const load = stepLoadCycles(parts) + (spread ? 0 : store);
      const compute = (kind.stepCycles?.(t, ctx) ?? kind.tileCycles?.(t, mt, nt, ktHere) ?? arrayPasses * (Math.ceil(ktHere / macsPerPe) + (kind.tileFill?.(t, mt, nt, ktHere) ?? TILE_FILL))) + (fill ? rawTransferCycles(t, mt, nt, 'meta') : 0);
      // a streamed ring loads every step: its latency overlaps the steps ahead, its port time does not
      const port = resident === 'none' ? stepPort : 0;
      const cost = spread ? Math.max(load / (lead - 1), compute) : Math.max(load / (lead - 1), port, compute);
      steps.push({ port: loadPort, pieces: parts.reduce((sum, p) => sum + p.pieces, 0), cost });
      cycles += cost;
      if (ctx.last) {
        epilogue = spill ? rawTransferCycles(t, mt, nt, 'out') : (kind.epilogueCycles?.(t, ctx) ?? Math.ceil((mt * nt) / t.array.cols) + EPILOGUE_DEPTH);
        lastCompute = compute;
        cycles += epilogue;
      }
    }
    if (spread && storePieces > 0) {
      // The store starts after the epilogue, while the next tile's first lead − 1 steps compute on loads
      // already made (the port carries store pieces back to back); from then on each load DMA waits behind
      // the store piece that started before it, so a step's port time is its loads' plus one piece per load
      // DMA. Counted on this tile's steps (the next tile's, in steady state).
      const q = storePort / storePieces;
      let left = storePieces;
      for (let ki = 0; ki < kTiles - 1 && left > 0; ki++) {
        const st = steps[ki];
        if (ki < lead - 1) {
          left -= st.cost / q;
          continue;
        }
        const take = Math.min(left, Math.max(st.pieces, Math.floor((st.cost - st.port) / q)));
        cycles += Math.max(0, st.port + Math.min(take, st.pieces) * q - st.cost);
        left -= take;
      }
    }
    const firstPort = steps[0]?.port ?? 0;
    if (!spread) return { cycles, otherBytes, firstPort };
    // The port's timeline: every load and the store, and the wait for the epilogue — the next tile's loads
    // run at most lead − 1 steps ahead, the next one waits for the token its writeback pushes, after the
    // last step's data (latency), compute and epilogue.
    const aheadPort = steps.slice(0, lead - 1).reduce((sum, st) => sum + st.port, 0);
    const portLine = tilePort + Math.max(0, dram.latency + lastCompute + epilogue - aheadPort);
    return { cycles: Math.max(cycles, portLine), otherBytes, firstPort };
  };
  /**
   * Tile classes (which operands a tile loads) with their counts over the grid; `ms` / `ns`: which m (n)
   * tiles a class spans — the first, the rest, or all —, so that its share of ragged edge tiles is costed
   * at their extents (absent: counted as full tiles).
   */
  type Span = 'first' | 'rest' | 'all';
  const classes: { count: number; mi: number; ni: number; loadA: boolean; loadW: boolean; lead?: number; ms?: Span; ns?: Span }[] = [];
  const m2 = Math.min(1, mTiles - 1);
  const n2 = Math.min(1, nTiles - 1);
  // (a kind may load data in an m tile's first n tile only: lowrank_gemm's raw X and D for lr_down)
  if (resident === 'none') classes.push({ count: mTiles, mi: 0, ni: 0, loadA: true, loadW: true, ms: 'all', ns: 'first' }, { count: mTiles * (nTiles - 1), mi: 0, ni: n2, loadA: true, loadW: true, ms: 'all', ns: 'rest' });
  else if (resident === 'act') classes.push({ count: mTiles, mi: 0, ni: 0, loadA: true, loadW: true, ms: 'all', ns: 'first' }, { count: mTiles * (nTiles - 1), mi: 0, ni: n2, loadA: false, loadW: true, ms: 'all', ns: 'rest' });
  else if (resident === 'wgt') classes.push({ count: nTiles, mi: 0, ni: 0, loadA: true, loadW: true, ms: 'first', ns: 'all' }, { count: nTiles * (mTiles - 1), mi: m2, ni: 0, loadA: true, loadW: false, ms: 'rest', ns: 'all' });
  else if (ahead > 2) {
    // loads running ahead (program.ts): the full blocks and a last block of the n tiles left, which runs
    // with the lead its fewer n tiles allow; serpentine blocks after the first start on the previous
    // block's last activation panel
    const full = Math.floor(nTiles / block);
    const rest = nTiles - full * block;
    const serp = serpentineBlocks(shape, tiling, resident, ahead);
    for (const [count, inner, first] of [[full, block, true], [rest > 0 ? 1 : 0, rest, false]] as const) {
      if (count === 0) continue;
      const lead = Math.min(ahead, inner + 1);
      // serpentine: only block 0 (a full one: block ≤ nTiles) loads its first activation panel
      const firstA = serp ? (first ? 1 : 0) : count;
      classes.push(
        { count: firstA, mi: 0, ni: 0, loadA: true, loadW: true, lead },
        { count: count - firstA, mi: 0, ni: 0, loadA: false, loadW: true, lead },
        { count: count * (inner - 1), mi: 0, ni: n2, loadA: false, loadW: true, lead },
        { count: count * (mTiles - 1), mi: m2, ni: 0, loadA: true, loadW: false, lead },
        { count: count * (mTiles - 1) * (inner - 1), mi: m2, ni: n2, loadA: false, loadW: false, lead },
      );
    }
  } else {
    // per block of `block` n tiles: the first m tile loads W (and A in its first n tile), later m tiles load A once
    const blocks = nTiles / block;
    classes.push(
      { count: blocks, mi: 0, ni: 0, loadA: true, loadW: true },
      { count: blocks * (block - 1), mi: 0, ni: n2, loadA: false, loadW: true },
      { count: blocks * (mTiles - 1), mi: m2, ni: 0, loadA: true, loadW: false },
      { count: blocks * (mTiles - 1) * (block - 1), mi: m2, ni: n2, loadA: false, loadW: false },
    );
  }
  // ragged edge tiles: the last m (n) tile's extent, and the share of a class's tiles in that m tile (n tile)
  const mLast = shape.m - (mTiles - 1) * mt;
  const nLast = shape.n - (nTiles - 1) * nt;
  const lastShare = (span: Span | undefined, tiles: number, ragged: boolean): number => {
    if (span === undefined || !ragged) return 0;
    if (span === 'first') return tiles === 1 ? 1 : 0;
    return span === 'rest' ? 1 / Math.max(1, tiles - 1) : 1 / tiles;
  };
  let cycles = dram.latency;
  let other = 0;
  for (const c of classes) {
    if (c.count <= 0) continue;
    const fm = lastShare(c.ms, mTiles, mLast < mt);
    const fn = lastShare(c.ns, nTiles, nLast < nt);
    for (const [weight, mHere, nHere] of [[(1 - fm) * (1 - fn), mt, nt], [fm * (1 - fn), mLast, nt], [(1 - fm) * fn, mt, nLast], [fm * fn, mLast, nLast]] as const) {
      if (weight === 0) continue;
      const x = tile(c.mi, c.ni, c.loadA, c.loadW, c.lead, mHere, nHere);
      // a streamed ring's first step waits for all of its loads' port time (the first class is the first tile's)
      if (c === classes[0] && resident === 'none' && ahead > 2) cycles += weight * x.firstPort;
      cycles += weight * c.count * x.cycles;
      other += weight * c.count * x.otherBytes;
    }
  }
  cycles = Math.round(cycles);
  other = Math.round(other);
  const actAll = shape.m * aStride;
  const wgtAll = shape.n * wStride;
  const blocks = Math.ceil(nTiles / block);
  // serpentine blocks reuse one activation panel at each block boundary
  const reused = serpentineBlocks(shape, tiling, resident, ahead) ? (blocks - 1) * mt * aStride : 0;
  const act = !loadsCodes ? 0 : resident === 'act' ? actAll : resident === 'both' ? actAll * blocks - reused : actAll * nTiles;
  const wgt = resident === 'wgt' || resident === 'both' ? wgtAll : wgtAll * mTiles;
  const out = shape.m * rowBytes(shape.n, t.bits.out);
  return { cycles, bytes: { act, wgt, other, out, total: act + wgt + other + out } };
}

/** A chunk's part in a K split (predictSchedule): it reloads partial sums (`fill`: every chunk after the first) and spills them (`spill`: every chunk before the last). */
export interface SplitChunkRole {
  readonly fill: boolean;
  readonly spill: boolean;
}

/**
 * Cycles of an acc_spill (to the out port) or acc_fill (from the meta port) of an m × n tile, as the kind's
 * engine takes them (CompileFacet.rawTransferCycles; only a kind that splits K is ever asked).
 */
export function rawTransferCycles(t: Target, m: number, n: number, port: 'out' | 'meta'): number {
  const cycles = compileFacet(t.pe.kind).rawTransferCycles;
  if (!cycles) throw new Error(`internal: the scheduler split K on ${t.pe.kind} PEs, whose compile hooks state no acc_spill/acc_fill cycles`);
  return cycles(t, m, n, port);
}

/**
 * Predicted cycles and bytes of a K split (choose.ts Schedule.kChunks): each chunk of kc k tiles (the last
 * with the k tiles left) as the GEMM of its reduction (predictSchedule), a chunk before the last storing
 * its tiles' partial sums (mt × nt 32-bit words, acc_spill instead of the writeback) and a chunk after the
 * first loading them in a tile's first step (acc_fill before its tile instruction). The partial sums count
 * as 'other' bytes.
 */
export function predictSplit(t: Target, shape: GemmShape, tiling: Tiling, resident: Resident, limits: IsaLimits, kc: number, chunks: number, need: SlotNeeds): Prediction {
  const { kt } = tiling;
  let cycles = 0;
  let act = 0;
  let wgt = 0;
  let other = 0;
  for (let c = 0; c < chunks; c++) {
    const k = Math.min(kc * kt, shape.k - c * kc * kt);
    const p = predictSchedule(t, { ...shape, k }, { ...tiling, kTiles: Math.ceil(k / kt) }, resident, limits, need, 1, 2, { fill: c > 0, spill: c < chunks - 1 });
    cycles += p.cycles;
    act += p.bytes.act;
    wgt += p.bytes.wgt;
    other += p.bytes.other;
  }
  other += (chunks - 1) * 2 * shape.m * shape.n * PSUM_WORD;
  const out = shape.m * rowBytes(shape.n, t.bits.out);
  return { cycles, bytes: { act, wgt, other, out, total: act + wgt + other + out } };
}
