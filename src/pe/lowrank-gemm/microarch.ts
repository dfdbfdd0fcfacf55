/**
 * lowrank_gemm's tile-engine geometry that the simulator's timing (./timing.ts) and the RTL engine
 * generator must agree on. branchLanes is defined beside the closed forms (compile-cycles.ts), which the
 * scheduler's cost model reads at the compile layer too. The engine's part sizes (lowRankEngineGeometry,
 * below) are shared by the RTL generator and the analytic engine model (cost-engine.ts).
 */
import type { Target } from '../../compile/target.js';
import type { TargetOf } from '../facets/compile.js';
import { bufferLanes } from '../../arch/microarch.js';
import { branchLanes } from './compile-cycles.js';

export { branchLanes } from './compile-cycles.js';

/*
 * The widths and depths of the tile engine's parts (engine_lowrank*.v.hbs, rtl-engine.ts, rtl-qact.ts), computed once from the target: the RTL generator renders them, and the analytic engine model
 * (cost-engine.ts) counts the same staging bits and selects, so the two cannot drift apart.
 * - Port bytes P of each stream: the buffer's port, at most its lanes.
 * - Per column (lowrank_col): the activation-code / raw-X staging (colBytes) and the activation-scale staging
 *   (scBytes), one copy per m pass (2^pmBits); the down-projection sums (lrtDepth fp32 words, `rank` of them
 *   stored per m pass); the writeback port word out of colOutBytes.
 * - Per row (lowrank_row): weight codes (rqBytes) and scales (scBytes) per n pass (2^pnBits), D / U rows
 *   (rlBytes) per rank pass (2^npBits).
 * - The qact slice (runtime activation_quant): the token's codes (codeBytes; a two-word memory where beat
 *   slots allow, codeMem) and scales (qScBytes), read back through the act / meta write ports.
 * Invariant: every staging is a whole number of its port's words (the writes rotate one port word in).
 */
function roundUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** Greatest common divisor. */
export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Bits to count up to n (at least 1). */
export function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
}

/**
 * The buffer spaces the engine writes through a second write port of theirs (the RtlFacet's engineExtras and
 * the analytic buffers' port logic both read it): with activation_quant = runtime, qact writes its codes
 * (act) and scales (meta); otherwise none.
 */
export function lowRankEngineWrites(t: TargetOf<'lowrank_gemm'>): readonly ('act' | 'meta')[] {
  return t.golden.activationQuant === 'runtime' ? ['act', 'meta'] : [];
}

/** The engine's geometry (names as in rtl-engine.ts and the templates). */
export interface LowRankEngineGeometry {
  readonly rows: number;
  readonly cols: number;
  readonly lanes: number;
  /** Branch lanes B (16-bit values per beat). */
  readonly blanes: number;
  readonly maxK: number;
  readonly rank: number;
  /** max(1, rank). */
  readonly rankD: number;
  readonly group: number;
  /** Group-scale bits. */
  readonly scaleBits: number;
  readonly gMax: number;
  readonly pa: number;
  readonly pw: number;
  readonly pm: number;
  readonly pl: number;
  readonly po: number;
  /** Rank passes of lr_down (rows rank indices each). */
  readonly nPasses: number;
  readonly channelScales: boolean;
  readonly loraScales: boolean;
  readonly passesM: number;
  readonly passesN: number;
  readonly slotBits: number;
  readonly pmBits: number;
  readonly pnBits: number;
  readonly npBits: number;
  readonly nls: number;
  readonly lsBytes: number;
  readonly colBytes: number;
  readonly rqBytes: number;
  readonly rlBytes: number;
  readonly scBytes: number;
  readonly biasBytes: number;
  readonly colOutBytes: number;
  readonly lrtDepth: number;
  /** gcd(lanes, group): the dot lanes' window stride in 4-bit elements. */
  readonly qg: number;
  readonly posgBits: number;
  readonly posbBits: number;
  readonly wwBits: number;
  /** The qact part (runtime activation_quant only). */
  readonly qact?: LowRankQactGeometry;
}

/** The qact part's geometry (rtl-qact.ts). */
export interface LowRankQactGeometry {
  readonly codeBytes: number;
  readonly scBytes: number;
  /** gcd(B, group): the raw window's stride in elements. */
  readonly qb: number;
  readonly posqBits: number;
  readonly beatSlots: number;
  /** The code staging is a two-word memory (else a register). */
  readonly codeMem: boolean;
}

/** The qact part's geometry of a target whose column staging is `rawBits` wide. */
export function lowRankQactGeometry(t: Target, rawBits: number): LowRankQactGeometry {
  const B = branchLanes(t);
  const K = t.maxTileK;
  const SB = t.bits.gscale;
  const lanesOf = bufferLanes(t);
  const PA = Math.max(1, Math.min(t.portBytes.act, lanesOf.act));
  const PM = Math.max(1, Math.min(t.portBytes.meta, lanesOf.meta));
  const codeBytes = roundUp(Math.ceil((K + B) / 2), PA) + PA;
  const scBytes = roundUp((Math.ceil(K / t.groupSize) * SB) / 8, PM) + PM;
  const QB = gcd(B, t.groupSize);
  const posqBits = bitsFor(Math.ceil(Math.max(rawBits / 16, 2 * codeBytes) / QB) + 1);
  const beatSlots = (8 * codeBytes) / (4 * B);
  const codeMem = QB === B && Number.isInteger(beatSlots) && beatSlots % 2 === 0;
  return { codeBytes, scBytes, qb: QB, posqBits, beatSlots, codeMem };
}

/** The engine's geometry of a lowrank_gemm target. */
export function lowRankEngineGeometry(t: Target): LowRankEngineGeometry {
  const cfg = t.golden;
  const pe = t.pe;
  if (cfg.kind !== 'lowrank_gemm' || pe.kind !== 'lowrank_gemm') throw new Error(`lowRankEngineGeometry: target PE is ${pe.kind}`);
  const R = t.array.rows;
  const L = pe.lanes;
  const B = branchLanes(t);
  const K = t.maxTileK;
  const rank = cfg.rank;
  const rankD = Math.max(1, rank);
  const GS = t.groupSize;
  const SB = t.bits.gscale;
  const lanesOf = bufferLanes(t);
  const port = (x: keyof typeof lanesOf): number => Math.max(1, Math.min(t.portBytes[x], lanesOf[x]));
  const PA = port('act');
  const PW = port('wgt');
  const PM = port('meta');
  const PL = port('lrw');
  const PO = port('out');
  const NP = Math.ceil(rankD / R);
  const PMX = t.tilePassesM;
  const PNX = t.tilePassesN;
  const colBytes = roundUp(Math.max(2 * (K + B), Math.ceil((K + L) / 2)), PA) + PA;
  const rqBytes = roundUp(Math.ceil((K + L) / 2), PW) + PW;
  const rlBytes = roundUp(2 * (Math.max(K, rankD) + B), PL) + PL;
  const scBytes = roundUp((Math.ceil(K / GS) * SB) / 8, PM) + PM;
  const colOutBytes = roundUp(2 * R * PNX, PO) + PO;
  const QG = gcd(L, GS);
  return {
    rows: R,
    cols: t.array.cols,
    lanes: L,
    blanes: B,
    maxK: K,
    rank,
    rankD,
    group: GS,
    scaleBits: SB,
    gMax: Math.ceil(K / GS),
    pa: PA,
    pw: PW,
    pm: PM,
    pl: PL,
    po: PO,
    nPasses: NP,
    channelScales: pe.channelScales,
    loraScales: pe.loraScales && rank > 0,
    passesM: PMX,
    passesN: PNX,
    slotBits: Math.max(1, Math.ceil(Math.log2(PMX * PNX))),
    pmBits: Math.max(1, Math.ceil(Math.log2(PMX))),
    pnBits: Math.max(1, Math.ceil(Math.log2(PNX))),
    npBits: Math.max(1, Math.ceil(Math.log2(NP))),
    nls: Math.ceil(rankD / 16),
    lsBytes: roundUp(4 * Math.ceil((rankD + B) / 16), PM),
    colBytes,
    rqBytes,
    rlBytes,
    scBytes,
    biasBytes: roundUp(2 * R, PM),
    colOutBytes,
    lrtDepth: Math.max(NP * R, rankD + B),
    qg: QG,
    posgBits: bitsFor(Math.ceil((8 * Math.max(colBytes, rqBytes)) / (4 * QG)) + 1),
    posbBits: bitsFor(Math.ceil((8 * Math.max(colBytes, rlBytes)) / (16 * B)) + 1),
    wwBits: bitsFor(colOutBytes / PO + 1),
    ...(cfg.activationQuant === 'runtime' ? { qact: lowRankQactGeometry(t, 8 * colBytes) } : {}),
  };
}
