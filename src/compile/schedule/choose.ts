/**
 * The scheduler: per GEMM, the tiling, the loop order of the output tiles and which operand stays
 * resident in its buffer, chosen to minimise a predicted cycle count (cost.ts).
 *
 * The space (every candidate keeps one-pass output tiles and the k loop innermost: the accumulators
 * hold one array pass, so an output tile's whole reduction runs before the next tile starts):
 * - `none`, m-outer: both operands streamed per k step, double-buffered (the compiler's original
 *   schedule; valid for every kind), for a multi-pass kind also through rings of 3 and 4 slots per input
 *   space (STREAM_RINGS: the loads run that many steps ahead);
 * - `act`, m-outer: the m tile's activation panel (all k tiles) is loaded during the first n tile and
 *   stays in the act buffer for every other n tile; only weights stream. Activations are then read from
 *   DRAM once (decode: m = 1, the weights stream once and the activations never again; prefill: the
 *   panel is reused across all n tiles);
 * - `wgt`, n-outer: the mirror image — the n tile's weight panel stays, activations stream; weights are
 *   read once;
 * - `both`, blocks of n tiles → m → n: the weight panels of a block of n tiles (as many as the weight space
 *   holds) stay for every m tile, and each m tile's activation panel stays across the block's n tiles:
 *   weights are read once, activations once per block. A block's slot (j, ki) is reloaded by the next
 *   block block·kTiles ≥ 2 steps after its last read, which the token ring orders; a step that loads
 *   nothing (both panels in place, no kind data) still passes its tokens with an `lsync`.
 * A resident panel takes kTiles slots (two when kTiles = 1) and needs no second copy: the load of the
 * next outer tile's k slot j waits (by the usual two-slot token ring) for the compute of the step two
 * before it, which is after the last read of slot j by the previous outer tile whenever kTiles ≥ 2. Where
 * every slot a step loads is a resident panel's (`both`, one k tile, a kind with no per-step loads), the
 * loads run further ahead (loadsAhead); program.ts then walks odd blocks backwards and cuts panels into
 * pieces, and a few smaller block sizes are candidates too (docs/scheduler.md "Loads running ahead").
 * Residency needs a kind whose per-step operands are only its codes and scales; a kind with extra
 * activation data in its act slot or a low-rank branch keeps `none`, unless its `actResidency` hook says
 * the `act` panel is safe (lowrank_gemm with offline codes: lr_down runs at n tile 0 of each m tile and
 * its lrt stays valid m-outer; raw X rides in the panel's k slots) — then only `act`, and only up to
 * MAX_RESIDENT_K_TILES k tiles (the panel's k steps unroll). compileGemm passes over a candidate whose
 * loop program does not fit the instruction memory.
 *
 * Candidates are compared by predicted cycles, then predicted DRAM bytes, then the order above:
 * deterministic. Each candidate takes its largest fitting kt (fewer, longer DMAs); a resident panel that
 * does not fit at the full one-pass tile is tried at the most tokens (act) or channels (wgt) that fit, and
 * an activation panel also at the most tokens that fit at the longest k tile (fewer, longer passes).
 */
import { compileFacet } from '../../pe/facets/compile.js';
import type { IsaLimits } from '../isa-limits.js';
import type { Target } from '../target.js';
import type { GemmShape } from '../workload.js';
import { ISA } from '../../isa/index.js';
import { predictSchedule, predictSplit, type Prediction } from './cost.js';
import { alignUp, fittingTiles, ktFits, largestKt, slotNeeds, tileBasics, tileTooLarge, tilingOf, usableCapacity, type Resident, type SlotNeeds, type Tiling } from './tiling.js';

/** Loop order of the output tiles (k is always innermost); 'n-block-outer': blocks of n tiles → m → n. */
export type LoopOrder = 'm-outer' | 'n-outer' | 'n-block-outer';

/** A scheduling decision for one GEMM on one target. */
export interface Schedule {
  readonly tiling: Tiling;
  readonly order: LoopOrder;
  readonly resident: Resident;
  /** N tiles per block (resident 'both'), 1 otherwise. */
  readonly block: number;
  /**
   * Steps the loads may run ahead of the compute: the free input-slot tokens the program starts with
   * (loadsAhead). 2 (double buffering) unless every buffer slot a step loads is a resident panel's.
   */
  readonly ahead: number;
  /**
   * K split: the reduction runs in this many chunks of whole k tiles, one after another over every output
   * tile, the partial sums between them spilled (acc_spill) to a DRAM region and reloaded (acc_fill); only
   * for a kind whose hooks allow it (CompileFacet.splitsK). Absent: 1, no split.
   */
  readonly kChunks?: number;
  /** The cost model's prediction (cost.ts). */
  readonly predicted: Prediction;
}

/** A schedule's K split: its chunks and the k tiles of each (the last may have fewer); 1 chunk of every k tile unsplit. */
export function splitChunks(s: Pick<Schedule, 'tiling' | 'kChunks'>): { readonly chunks: number; readonly kc: number } {
  const kc = Math.ceil(s.tiling.kTiles / Math.max(1, s.kChunks ?? 1));
  return { chunks: Math.ceil(s.tiling.kTiles / kc), kc };
}

/**
 * Rings a multi-pass kind's streamed schedule is also tried with: its input spaces hold this many k steps
 * (the loads run that many steps ahead), where the k tiles are a whole number of rings (every output tile
 * then starts on slot 0, so tiles repeat for the loop compactor). A multi-pass step is long and its DMA
 * latency and port time may exceed one step's compute (svdquant: 68 port cycles + 64 latency per step
 * against 76 cycles of qgemm_tile), which the two-slot ring cannot hide.
 */
const STREAM_RINGS = [3, 4] as const;

/** Slots of each streamed input space of a schedule (program.ts SlotLayout.ring): `ahead` for a streamed one. */
export function streamRing(s: Pick<Schedule, 'resident' | 'ahead'>): number {
  return s.resident === 'none' ? Math.max(2, s.ahead) : 2;
}

/** The most k tiles a resident panel of a kind with branch data in its act slot may have (see `add` in scheduleCandidates). */
const MAX_RESIDENT_K_TILES = 48;

/** Orders each residency runs in: the resident operand's loop outside. */
const ORDER: Readonly<Record<Resident, LoopOrder>> = { none: 'm-outer', act: 'm-outer', wgt: 'n-outer', both: 'n-block-outer' };

/** Which resident panels the kind's step loads allow (see the file header): every one, only `act`, or none. */
function residencyAllowed(t: Target, mt: number, nt: number, kt: number): 'all' | 'act' | 'none' {
  const facet = compileFacet(t.pe.kind);
  const kind = facet.slotNeeds(t, mt, nt, kt, kt);
  if (kind.actExtra === 0 && kind.lrw === 0) return 'all';
  return facet.actResidency?.(t) === true ? 'act' : 'none';
}

/**
 * How many steps ahead of the compute the loads of a schedule may run (the C→L tokens its program starts
 * with): the load of step s waits for the compute of step s − ahead, so every buffer slot it writes must
 * have been read for the last time by then. Per-step slots alternate (2). Under `both` with one k tile and
 * a kind that loads nothing per step (no meta, lrw or extra act data), the slots are the two activation
 * panels (reused 1 + the inner tiles of the m tile between them steps later) and the block's weight panels
 * (reused `block` steps later): ahead = min(block, the ISA's token depth). A last block of fewer n tiles
 * gives back tokens at its start (program.ts), so its panels are safe too.
 */
export function loadsAhead(t: Target, resident: Resident, tiling: Tiling, block: number, need: SlotNeeds): number {
  if (resident !== 'both' || tiling.kTiles !== 1 || need.meta > 0 || need.lrw > 0 || need.act !== need.actRawOff) return 2;
  return Math.max(2, Math.min(block, ISA.machine.tokenDepth));
}

/** The largest x in 1..top with fits(x) (fits monotone: true up to some x), 0 when none. */
function largestFitting(top: number, fits: (x: number) => boolean): number {
  let lo = 0;
  let hi = top;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The k tile of as many k tiles as `kt` gives, as even as the alignment allows: the two-slot token ring
 * overlaps a step's loads with the step before, so a short ragged last step (4096 = 3968 + 128) leaves the
 * next tile's long first load exposed. Needs shrink with kt, so the balanced kt fits wherever kt does.
 */
function balancedKt(k: number, kt: number, kAlign: number): number {
  return Math.min(kt, alignUp(Math.ceil(k / Math.ceil(k / kt)), kAlign));
}

/** Every fitting candidate, in the tie-break order. Throws CompileError when not even the baseline fits. */
export function scheduleCandidates(t: Target, shape: GemmShape, limits: IsaLimits): Schedule[] {
  const basics = tileBasics(t, shape, limits);
  const { kAlign } = basics;
  // a multi-pass kind: every tile up to the declared one that fits the buffers and no larger one contains
  // is a streamed candidate (the cost model weighs passes against DRAM re-reads); residency is tried on the
  // largest of them
  const tiles = t.tilePassesM * t.tilePassesN > 1 ? fittingTiles(t, shape, limits, basics.mt, basics.nt, kAlign) : [];
  const { mt, nt } = tiles[0] ?? basics;
  const allowed = residencyAllowed(t, mt, nt, kAlign);
  const out: Schedule[] = [];
  const add = (resident: Resident, m1: number, n1: number): boolean => {
    const ktMax = largestKt(t, shape, limits, m1, n1, kAlign, resident);
    if (ktMax === undefined) return false;
    const kt = balancedKt(shape.k, ktMax, kAlign);
    const tiling = tilingOf(shape, m1, n1, kt, kAlign);
    // a resident panel over one k tile is the streamed schedule (two slots either way)
    if (resident !== 'none' && tiling.kTiles === 1 && (resident === 'act' ? tiling.nTiles : tiling.mTiles) === 1) return true;
    // a resident panel's k steps unroll (each its own buffer address): a branch kind's steps are long, so
    // past this many the outer tile's body outgrows a loop body (compileGemm would pass it over, slowly)
    if (resident !== 'none' && allowed === 'act' && tiling.kTiles > MAX_RESIDENT_K_TILES) return true;
    const order = ORDER[resident];
    out.push({ tiling, order, resident, block: 1, ahead: 2, predicted: predictSchedule(t, shape, tiling, resident, limits, slotNeeds(t, m1, n1, kt, shape.k), 1, 2) });
    return true;
  };
  if (!add('none', mt, nt)) throw tileTooLarge(t, limits, mt, nt, kAlign, shape.k);
  // a K split pays where the m tile's activation panel of the whole K does not fit (Llama `down`)
  if (compileFacet(t.pe.kind).splitsK?.(t) === true && largestKt(t, shape, limits, mt, nt, kAlign, 'act') === undefined) out.push(...splitCandidates(t, shape, limits, mt, nt, kAlign));
  for (const other of tiles.slice(1)) add('none', other.mt, other.nt);
  // a multi-pass kind's streamed tiles with longer rings (STREAM_RINGS)
  for (const tile of tiles) {
    for (const ring of STREAM_RINGS) {
      const ktMax = largestKt(t, shape, limits, tile.mt, tile.nt, kAlign, 'none', 2, ring);
      if (ktMax === undefined) continue;
      const tiling = tilingOf(shape, tile.mt, tile.nt, balancedKt(shape.k, ktMax, kAlign), kAlign);
      if (tiling.kTiles % ring !== 0) continue;
      const need = slotNeeds(t, tile.mt, tile.nt, tiling.kt, shape.k);
      out.push({ tiling, order: ORDER.none, resident: 'none', block: 1, ahead: ring, predicted: predictSchedule(t, shape, tiling, 'none', limits, need, 1, ring) });
    }
  }
  if (allowed === 'none') return out;
  // A resident panel that does not fit at the full one-pass tile may fit at fewer tokens (channels):
  // the largest such m (n) is a candidate too — fewer columns (rows) busy, but the panel stays.
  if (!add('act', mt, nt)) {
    const m1 = largestFitting(mt, (x) => largestKt(t, shape, limits, x, nt, kAlign, 'act') !== undefined);
    if (m1 > 0) add('act', m1, nt);
    // a multi-pass kind: also the most whole array passes that fit (a ragged last pass of m1 leaves
    // columns idle for a whole pass: 62 tokens on 32 columns take as long as 64)
    const whole = Math.floor(m1 / t.array.cols) * t.array.cols;
    if (t.tilePassesM > 1 && whole > 0 && whole < m1) add('act', whole, nt);
    // the most tokens whose panel fits at the longest k tile: fewer tokens, but fewer and longer passes
    const kTop = m1 > 0 ? largestKt(t, shape, limits, 1, nt, kAlign, 'act') : undefined;
    const m2 = kTop === undefined ? 0 : largestFitting(m1, (x) => largestKt(t, shape, limits, x, nt, kAlign, 'act') === kTop);
    if (m2 > 0 && m2 < m1) add('act', m2, nt);
  }
  if (allowed === 'act') return out;
  if (!add('wgt', mt, nt)) {
    const n1 = largestFitting(nt, (x) => largestKt(t, shape, limits, mt, x, kAlign, 'wgt') !== undefined);
    if (n1 > 0) add('wgt', mt, n1);
  }
  // Both: as many n tiles' weight panels as the weight space holds (at least two), the activation panel
  // of the m tile; worth it only with several m tiles.
  const ktBoth = largestKt(t, shape, limits, mt, nt, kAlign, 'both', 2);
  if (ktBoth !== undefined) {
    const kt = balancedKt(shape.k, ktBoth, kAlign);
    const tiling = tilingOf(shape, mt, nt, kt, kAlign);
    const need = slotNeeds(t, mt, nt, kt, shape.k);
    const most = Math.min(tiling.nTiles, Math.floor(usableCapacity(t, limits).wgt / (tiling.kTiles * need.wgt)));
    // Where the loads run ahead, a smaller block may pay: a last block of few n tiles runs with a short
    // lead and reloads an activation panel every few steps (cost.ts), so the few sizes below the most are
    // candidates too.
    const sizes = loadsAhead(t, 'both', tiling, most, need) > 2 ? [most, most - 1, most - 2, most - 3] : [most];
    for (const block of sizes) {
      if (tiling.mTiles > 1 && tiling.nTiles > 2 && block >= 2 && ktFits(t, shape, limits, mt, nt, kAlign, kt, 'both', block)) {
        const ahead = loadsAhead(t, 'both', tiling, block, need);
        out.push({ tiling, order: ORDER.both, resident: 'both', block, ahead, predicted: predictSchedule(t, shape, tiling, 'both', limits, need, block, ahead) });
      }
    }
  }
  return out;
}

/** The chunk counts a K split is tried with (docs/scheduler.md "K split"). */
const SPLIT_CHUNKS = [2, 3, 4] as const;

/**
 * K split candidates (Schedule.kChunks; a kind whose hooks allow it, CompileFacet.splitsK), offered where the
 * full m tile's activation panel of the whole K does not fit: for 2–4 chunks, the resident activation panel
 * of the chunk's reduction at the full tile or at the most tokens (and whole array passes) that fit. (A
 * streamed split gains nothing: its k steps are double-buffered whatever the chunk.) A chunk is kc k tiles of one tiling of
 * the whole K, so chunks end on k tile (and so group) boundaries; every buffer need is the chunk's, with the
 * partial-sum tile in each meta slot and 32-bit words in the out slots.
 */
function splitCandidates(t: Target, shape: GemmShape, limits: IsaLimits, mt: number, nt: number, kAlign: number): Schedule[] {
  const out: Schedule[] = [];
  const seen = new Set<string>();
  const add = (sub: GemmShape, resident: 'act', m1: number): boolean => {
    const ktMax = largestKt(t, sub, limits, m1, nt, kAlign, resident, 2, 2, true);
    if (ktMax === undefined) return false;
    const kt = balancedKt(sub.k, ktMax, kAlign);
    const tiling = tilingOf(shape, m1, nt, kt, kAlign);
    const { chunks, kc } = splitChunks({ tiling, kChunks: Math.ceil(tiling.kTiles / Math.ceil(sub.k / kt)) });
    // a panel no second n tile reads gains nothing over the streamed schedule the split only adds to
    if (chunks < 2 || tiling.nTiles === 1) return true;
    if (!ktFits(t, { ...shape, k: kc * kt }, limits, m1, nt, kAlign, kt, resident, 2, 2, true)) return true;
    const key = `${resident},${m1},${kt},${chunks}`;
    if (seen.has(key)) return true;
    seen.add(key);
    const predicted = predictSplit(t, shape, tiling, resident, limits, kc, chunks, slotNeeds(t, m1, nt, kt, kc * kt, true));
    out.push({ tiling, order: ORDER[resident], resident, block: 1, ahead: 2, kChunks: chunks, predicted });
    return true;
  };
  for (const c of SPLIT_CHUNKS) {
    const sub = { ...shape, k: alignUp(Math.ceil(shape.k / c), kAlign) };
    if (sub.k >= shape.k) continue;
    if (!add(sub, 'act', mt)) {
      const m1 = largestFitting(mt, (x) => largestKt(t, sub, limits, x, nt, kAlign, 'act', 2, 2, true) !== undefined);
      if (m1 > 0) add(sub, 'act', m1);
      const whole = Math.floor(m1 / t.array.cols) * t.array.cols;
      if (t.tilePassesM > 1 && whole > 0 && whole < m1) add(sub, 'act', whole);
    }
  }
  return out;
}

/**
 * Every K split candidate of a GEMM, best predicted first, also where the full activation panel fits and
 * scheduleCandidates offers none: a test forces a split on a small design with CompileOptions.kChunks.
 * Empty for a kind whose hooks do not allow one.
 */
export function splitSchedules(t: Target, shape: GemmShape, limits: IsaLimits): Schedule[] {
  if (compileFacet(t.pe.kind).splitsK?.(t) !== true) return [];
  const basics = tileBasics(t, shape, limits);
  const tiles = t.tilePassesM * t.tilePassesN > 1 ? fittingTiles(t, shape, limits, basics.mt, basics.nt, basics.kAlign) : [];
  const { mt, nt } = tiles[0] ?? basics;
  return splitCandidates(t, shape, limits, mt, nt, basics.kAlign).sort((a, b) => a.predicted.cycles - b.predicted.cycles);
}

/**
 * Every candidate, best first: fewest predicted cycles, then bytes, then — on a weight-stationary array,
 * whose engine holds weights, not outputs — a weight panel kept resident (`wgt`, `both`) before one that is
 * not, then the order of the table (stable).
 */
export function rankedSchedules(t: Target, shape: GemmShape, limits: IsaLimits): Schedule[] {
  const weightsKept = (c: Schedule): number => (t.array.dataflow === 'weight_stationary' && (c.resident === 'wgt' || c.resident === 'both') ? 0 : 1);
  return scheduleCandidates(t, shape, limits)
    .map((c, j) => ({ c, j }))
    .sort((x, y) => x.c.predicted.cycles - y.c.predicted.cycles || x.c.predicted.bytes.total - y.c.predicted.bytes.total || weightsKept(x.c) - weightsKept(y.c) || x.j - y.j)
    .map(({ c }) => c);
}

/**
 * The schedule of a GEMM on a target: the candidate with the fewest predicted cycles (then bytes, then
 * order). compileGemm passes over a candidate whose loop program does not fit the instruction memory.
 */
export function chooseSchedule(t: Target, shape: GemmShape, limits: IsaLimits): Schedule {
  return rankedSchedules(t, shape, limits)[0];
}
