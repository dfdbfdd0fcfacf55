/**
 * `--cost-model bitmod2025`: the BitMoD authors' analytic simulator (github yc2367/BitMoD, sim/pe.py and
 * sim/accelerator.py at b18cacb; formulas in ../shared/reference/bitmod.md), restated from its rules, not its
 * code. Per operation with weights [cout, cin_w], inputs of cin_i channels and num_token output rows:
 * - pe_latency: bit-serial PEs round(floor(w_bits) / 2) with Python's round-half-to-even (3, 4 → 2; 6 → 3;
 *   8 → 4; bitmod.md writes ceil, which differs only for 1, 5 and 9 bits), bit-parallel PEs 1;
 * - tiles = ceil(cin_w / dp) · ceil(cout / rows) · ceil(num_token / cols); compute = tiles · pe_latency;
 * - bytes W = ceil(cin_w · w_bits / 8) · cout, I = ceil(cin_i · 16 / 8) · num_token, O = ceil(cout · 16 / 8) ·
 *   num_token (activations 16 bits);
 * - refetch, only when W exceeds the weight buffer and I the activation buffer: refetch the weights
 *   ceil(I / act buffer) times if that moves fewer bytes (strictly) than refetching the inputs ceil(W / weight
 *   buffer) times, else the inputs;
 * - dram = floor((W·nW + I·nI + O) · 8 / DRAM bits per cycle); cycles = max(compute, dram), summed over ops.
 * Operations: every linear layer of the model, lm_head included, and per block two attention matmuls
 * (`attn_qk`, `attn_v`) with 16-bit "weights" (the authors' shapes: prefill of T tokens with context T;
 * decode one token against a context of `context` = 256), timed with the same pe_latency as the linear layers.
 * Energy: the PE's energy × 1.5 (their place-and-route factor) × PEs × compute cycles, + 18.75 pJ per DRAM bit;
 * their SRAM energies come from CACTI (not in the artifact), so qacc's SRAM per-byte energy stands in (every
 * DRAM byte written once to and read once from SRAM). Area: their PE area × PEs (as their pe_array_area)
 * plus qacc's buffer areas.
 */
import { MODELS, type Workload } from '../compile/workload.js';
import type { IrAccelerator, IrBuffer } from '../ir/types.js';
import { costFacet, type AuthorsPe } from '../pe/facets/cost.js';
import { bufferPjPerByte, firstArray } from './components.js';
import { EstimateError } from './errors.js';
import { blockPrefix, namedLayers } from './layer-names.js';
import { DRAM_PJ_PER_BIT } from './technology.js';
import type { ComponentArea, EnergyBreakdown, LayerEstimate } from './types.js';

/** The authors' place-and-route factor on PE energy (sim/accelerator.py PR_SCALING). */
export const PLACE_AND_ROUTE = 1.5;
/** The authors' decode context (context_length of their scripts). */
export const BITMOD_CONTEXT = 256;
const ACT_BITS = 16;

/** One operation of the authors' model. */
export interface AuthorsOp {
  readonly name: string;
  readonly cout: number;
  readonly cinW: number;
  readonly cinI: number;
  readonly tokens: number;
  readonly wBits: number;
  readonly count: number;
}

/** Python's round(): half to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** pe_latency of the authors' PE (see the file header). */
export function authorsPeLatency(pe: AuthorsPe): number {
  return pe.bitSerial ? roundHalfEven(Math.floor(pe.weightBits) / 2) : 1;
}

/** The operations of a workload in the authors' model (linear layers, then per block attn_qk and attn_v). */
export function authorsOps(workload: Workload, weightBits: number, context: number | undefined): AuthorsOp[] {
  const ops: AuthorsOp[] = namedLayers(workload).map(({ name, layer, count }) => ({ name, cout: layer.n, cinW: layer.k, cinI: layer.k, tokens: layer.m, wBits: weightBits, count }));
  if (workload.kind !== 'model') return ops;
  const m = MODELS[workload.model];
  const decode = workload.stage === 'decode';
  const ctx = decode ? (context ?? BITMOD_CONTEXT) : workload.tokens;
  if (!decode && context !== undefined && context !== workload.tokens) throw new EstimateError(`the bitmod2025 model's prefill attends over its own ${workload.tokens} tokens; --context applies to decode only`);
  const kv = (m.hidden / m.heads) * m.kvHeads;
  const count = decode ? workload.tokens : 1;
  const q = decode ? 1 : ctx;
  for (let i = 0; i < m.layers; i++) {
    const p = blockPrefix(workload.model, i);
    ops.push({ name: `${p}self_attn.attn_qk`, cout: q, cinW: m.hidden, cinI: kv, tokens: m.heads * q, wBits: ACT_BITS, count });
    ops.push({ name: `${p}self_attn.attn_v`, cout: m.heads * q, cinW: ctx, cinI: kv, tokens: decode ? 1 : ctx, wBits: ACT_BITS, count });
  }
  return ops;
}

/** One operation's cycles and bytes in the authors' model. */
export function authorsOpCost(
  op: AuthorsOp,
  pe: AuthorsPe,
  array: { readonly rows: number; readonly cols: number },
  buffers: { readonly weightBytes: number; readonly actBytes: number },
  dramBitsPerCycle: number,
): { compute: number; dram: number; tiles: number; dramBytes: number } {
  const tiles = Math.ceil(op.cinW / pe.dotProduct) * Math.ceil(op.cout / array.rows) * Math.ceil(op.tokens / array.cols);
  const compute = tiles * authorsPeLatency(pe);
  const W = Math.ceil((op.cinW * op.wBits) / 8) * op.cout;
  const I = Math.ceil((op.cinI * ACT_BITS) / 8) * op.tokens;
  const O = Math.ceil((op.cout * ACT_BITS) / 8) * op.tokens;
  let nW = 1;
  let nI = 1;
  if (W > buffers.weightBytes && I > buffers.actBytes) {
    const refetchInput = Math.ceil(W / buffers.weightBytes);
    const refetchWeight = Math.ceil(I / buffers.actBytes);
    if (refetchWeight * W + I < refetchInput * I + W) nW = refetchWeight;
    else nI = refetchInput;
  }
  const dramBytes = W * nW + I * nI + O;
  return { compute, dram: Math.floor((dramBytes * 8) / dramBitsPerCycle), tiles, dramBytes };
}

function roleBuffer(accel: IrAccelerator, role: IrBuffer['role']): IrBuffer | undefined {
  return accel.buffers.find((b) => b.role === role) ?? accel.buffers.find((b) => b.role === 'unified');
}

/** Options of the authors' model. */
export interface Bitmod2025Options {
  /** Weight bits per element as the authors count them, replacing the design's (ANT / OliVe's mixed precisions). */
  readonly weightBits?: number;
  /** Decode context (default 256). */
  readonly context?: number;
  readonly nodeNm: number;
}

/** The authors' PE for the design, with the weight-bit override applied. */
export function authorsPeOf(accel: IrAccelerator, weightBits: number | undefined): AuthorsPe {
  const array = firstArray(accel);
  if (!array) throw new EstimateError(`accelerator '${accel.name}' has no PE array`);
  const pe = costFacet(array.pe.kind).authorsPe(array.pe);
  return weightBits === undefined ? pe : { ...pe, weightBits };
}

/** One operation by the authors' model: its estimate, energy parts, MACs and DRAM bytes (per instance). */
export interface AuthorsLayer {
  readonly estimate: LayerEstimate;
  readonly energy: EnergyBreakdown;
  readonly macs: number;
  readonly dramBytes: number;
}

/** Per-operation estimates of a workload by the authors' model. */
export function estimateBitmod2025(accel: IrAccelerator, workload: Workload, options: Bitmod2025Options): AuthorsLayer[] {
  const array = firstArray(accel);
  if (!array) throw new EstimateError(`accelerator '${accel.name}' has no PE array`);
  const pe = authorsPeOf(accel, options.weightBits);
  const wBuf = roleBuffer(accel, 'weights');
  const aBuf = roleBuffer(accel, 'activations');
  if (!wBuf || !aBuf) throw new EstimateError(`the bitmod2025 model needs a weights and an activations buffer; accelerator '${accel.name}' has ${accel.buffers.map((b) => `${b.name} (${b.role})`).join(', ') || 'none'}`);
  const sramPj = (bufferPjPerByte(wBuf, options.nodeNm) + bufferPjPerByte(aBuf, options.nodeNm)) / 2;
  return authorsOps(workload, pe.weightBits, options.context).map((op): AuthorsLayer => {
    const c = authorsOpCost(op, pe, array, { weightBytes: wBuf.bytes, actBytes: aBuf.bytes }, accel.dramBitsPerCycle);
    const energy = { compute_pj: pe.peEnergyPj * PLACE_AND_ROUTE * array.pes * c.compute, sram_pj: 2 * c.dramBytes * sramPj, dram_pj: c.dramBytes * 8 * DRAM_PJ_PER_BIT };
    const estimate: LayerEstimate = { name: op.name, out: op.cout, in: op.cinW, tokens: op.tokens, compute_cycles: c.compute, dram_cycles: c.dram, cycles: Math.max(c.compute, c.dram), bound: c.compute >= c.dram ? 'compute' : 'memory', energy_pj: energy.compute_pj + energy.sram_pj + energy.dram_pj, count: op.count };
    return { estimate, energy, macs: op.cout * op.cinW * op.tokens, dramBytes: c.dramBytes };
  });
}

/** The PE array priced as the authors do (their pe_area × PEs), replacing qacc's figure for the first array. */
export function authorsArrayArea(accel: IrAccelerator, weightBits: number | undefined, analytic: ComponentArea): ComponentArea {
  const pe = authorsPeOf(accel, weightBits);
  const pes = firstArray(accel)?.pes ?? 0;
  const um2 = pe.peAreaUm2 * pes;
  return { name: analytic.name, gate_equivalents: Math.round((analytic.gate_equivalents * um2) / Math.max(analytic.area_um2, 1e-9)), area_um2: um2, source: `the authors' pe_area ${pe.peAreaUm2} µm² (${pe.peClass}) × ${pes} PEs` };
}
