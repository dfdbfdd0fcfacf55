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
 *   preamble: setfmt, setmode, [setscale], csync push_prev ×2 (two free input slots), ssync push_prev ×2
 *   (two free output slots);
 *   for each output tile (mi outer, ni inner), for each k tile (input slot s = step parity):
 *     loads of the step's operands into slot s (the first pops C→L "slot free", the last pushes L→C);
 *     [settile when the shape changes]; [lowrank, ni = 0: lr_down]; the tile op (pop L→C, `clear` on the
 *     first k tile, push C→L "slot free" except on the last k tile);
 *   epilogue (output slot o = tile parity): [dequant] [lr_up] writeback (pop S→C, push C→S, push C→L);
 *   store of the output tile (pop C→S, push S→C).
 * Down projections (lowrank) are computed once per m tile (ni = 0) into `lrt`, which persists over the
 * n tiles. Quantized activations are generated already quantized (no `qact`).
 *
 * DRAM layout (64-byte aligned regions): A [M × K] and W [N × K] packed row-major; BitMoD meta blocks
 * pre-tiled per (n tile, k tile): group scales [nt × gt] then the selectors packed 2 bits each; channel
 * scales [N] (also lowrank's, when declared); lowrank activation scales [M × G], weight scales [N × G],
 * bias [N], LoRA scales [r / 16] (fp32, when declared), raw X [M × K], D stored transposed as [r × K],
 * U [N × r]; the output Y [M × N]. A lowrank meta slot holds the step's activation and weight scales, then
 * (loaded in the last k step) the bias, the channel scales and the LoRA scales.
 */
import { createInstruction, type Instruction, type IsaBuffer } from '../isa/index.js';
import { compileFacet, type DmaLoad, type DramRegion, type StepContext } from '../pe/facets/compile.js';
import { splitDma, type DmaTransfer } from './dma.js';
import { flattenPlan, uniformRuns, type PlanNode } from './plan.js';
import { CompileError } from './errors.js';
import { ISA_LIMITS, tightenLimits, type IsaLimits } from './isa-limits.js';
import type { AnyOperands } from './operands.js';
import { rowBytes } from './pack.js';
import type { Target } from './target.js';
import type { GemmShape } from './workload.js';

export interface Tiling {
  readonly mt: number;
  readonly nt: number;
  readonly kt: number;
  readonly mTiles: number;
  readonly nTiles: number;
  readonly kTiles: number;
  readonly kAlign: number;
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
  readonly outSlot: number;
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
  readonly bytes: number;
  /** Bytes of the tensors themselves (every region's size, without the alignment padding between them). */
  readonly tensorBytes: number;
}

export interface CompiledGemm {
  readonly target: Target;
  readonly shape: GemmShape;
  readonly tiling: Tiling;
  readonly slots: SlotLayout;
  readonly layout: DramLayout;
  /** The program as a plan of uniform repeats (plan.ts); `program` is its flattening. */
  readonly plan: PlanNode;
  /** The straight-line program (flattened from `plan` on first use). */
  readonly program: readonly Instruction[];
  /** The DRAM image with every operand packed (absent for timing-only compilation). */
  readonly dram: Uint8Array | undefined;
  /** The golden operands the image was packed from. */
  readonly operands: AnyOperands | undefined;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** The rank of a config with a low-rank branch (its setmode.rank), 0 for the others. */
function branchRank(t: Target): number {
  return 'rank' in t.golden ? t.golden.rank : 0;
}

type SlotNeeds = Record<IsaBuffer, number> & Omit<SlotLayout, 'actSlot' | 'wgtSlot' | 'metaSlot' | 'lrwSlot' | 'outSlot'>;

/** Per-slot byte needs of one k step of kt elements. */
function slotNeeds(t: Target, mt: number, nt: number, kt: number): SlotNeeds {
  const actCodes = mt * rowBytes(kt, t.bits.act);
  const kind = compileFacet(t.pe.kind).slotNeeds(t, mt, nt, kt);
  const o = kind.offsets;
  return {
    act: actCodes + kind.actExtra,
    wgt: nt * rowBytes(kt, t.bits.wgt),
    meta: kind.meta,
    lrw: kind.lrw,
    out: mt * nt * (t.bits.out / 8),
    actRawOff: actCodes,
    metaOff2: o.metaOff2 ?? 0,
    metaOff3: o.metaOff3 ?? 0,
    cscaleOff: o.cscaleOff ?? 0,
    lscaleOff: o.lscaleOff ?? 0,
    lrwUpOff: o.lrwUpOff ?? 0,
  };
}

/**
 * The longest row (bytes) of the per-k-step loads of a k step of kt elements: act and wgt codes and the
 * kind's own per-step rows (BitMoD meta blocks, lowrank group scales, raw X and D rows).
 */
function stepRowBytes(t: Target, nt: number, kt: number): number {
  return Math.max(rowBytes(kt, t.bits.act), rowBytes(kt, t.bits.wgt), compileFacet(t.pe.kind).stepRowBytes(t, nt, kt));
}

/** Bytes of each buffer space the compiler may use: its capacity, cut to what the ISA can address. */
function usableCapacity(t: Target, limits: IsaLimits): Record<IsaBuffer, number> {
  const cap = { ...t.capacity };
  for (const b of Object.keys(cap) as IsaBuffer[]) cap[b] = Math.min(cap[b], limits.bufferAddress[b]);
  return cap;
}

/** Chooses the tiling of a GEMM on a target (see the file header). Throws CompileError when nothing fits. */
export function chooseTiling(t: Target, shape: GemmShape, limits: IsaLimits = ISA_LIMITS): Tiling {
  const { m, k, n } = shape;
  const kind = compileFacet(t.pe.kind);
  kind.checkShape(t, shape);
  if (t.groupSize > limits.group) throw new CompileError('unsupported', `group size ${t.groupSize} exceeds the ISA's setmode.group limit ${limits.group}`);
  if (t.simdMode > limits.simdMode) throw new CompileError('unsupported', `SIMD mode ${t.simdMode} exceeds the ISA's setmode.simd limit ${limits.simdMode}`);
  const rank = branchRank(t);
  if (rank > limits.rank) throw new CompileError('unsupported', `low-rank rank ${rank} exceeds the ISA's setmode.rank limit ${limits.rank}`);
  const mt = Math.min(m, t.array.cols, limits.tileM, t.maxTileM);
  const nt = Math.min(n, t.array.rows, limits.tileN, t.maxTileN);
  const kAlign = lcm(lcm(8, t.groupSize), kind.kAlign(t));
  if (kAlign > t.maxTileK) throw new CompileError('unsupported', `the smallest aligned k tile (${kAlign} elements) exceeds the hardware's largest tile k ${t.maxTileK}`);
  if (kAlign > limits.tileK) throw new CompileError('unsupported', `the smallest aligned k tile (${kAlign} elements) exceeds the ISA's settile.k limit ${limits.tileK}`);
  const cap = usableCapacity(t, limits);
  const spaceFits = (kt: number): boolean => {
    const need = slotNeeds(t, mt, nt, kt);
    return (['act', 'wgt', 'meta', 'lrw', 'out'] as const).every((b) => need[b] === 0 || 2 * need[b] <= cap[b]);
  };
  // Monotone in kt: the smallest aligned step may have over-long rows (the DMA splitter cuts them), larger
  // steps may not — their rows would only be split again, so a shorter k tile is the better trade.
  const fits = (kt: number): boolean => spaceFits(kt) && kt <= limits.tileK && kt <= t.maxTileK && (kt === kAlign || stepRowBytes(t, nt, kt) <= limits.dmaRowBytes);
  let kt = alignUp(k, kAlign);
  if (!fits(kAlign)) {
    const need = slotNeeds(t, mt, nt, kAlign);
    const worst = (['act', 'wgt', 'meta', 'lrw', 'out'] as const).find((b) => need[b] > 0 && 2 * need[b] > cap[b]) ?? 'act';
    throw new CompileError('capacity', `a ${mt}×${nt}×${kAlign} tile does not fit: the ${worst} buffer space holds ${cap[worst]} usable bytes, double buffering needs ${2 * need[worst]}`);
  }
  if (!fits(kt)) {
    // Largest fitting multiple of kAlign (binary search: needs grow with kt).
    let lo = 1;
    let hi = kt / kAlign;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid * kAlign)) lo = mid;
      else hi = mid - 1;
    }
    kt = lo * kAlign;
  }
  if (t.accEntries < mt * nt) throw new CompileError('capacity', `accumulators: ${mt * nt} entries needed, ${t.accEntries} available`);
  return { mt, nt, kt, mTiles: Math.ceil(m / mt), nTiles: Math.ceil(n / nt), kTiles: Math.ceil(k / kt), kAlign };
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
export function layoutDram(t: Target, shape: GemmShape, tiling: Tiling, limits: IsaLimits = ISA_LIMITS): DramLayout {
  const { m, k, n } = shape;
  const r = new Regions();
  const a = r.take(m * rowBytes(k, t.bits.act));
  const w = r.take(n * rowBytes(k, t.bits.wgt));
  const regions = compileFacet(t.pe.kind).layoutDram(t, shape, tiling, (bytes) => r.take(bytes));
  const region = (name: DramRegion): number => regions[name] ?? -1;
  const y = r.take(m * rowBytes(n, t.bits.out));
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
    bytes: r.bytes,
    tensorBytes: r.tensors,
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

/**
 * The ISA program of a GEMM as a plan (plan.ts; see the file header for the program): the preamble, then
 * the m → n → k loop nest as repeats whose iterations have the same timing content — the first and last
 * iteration of each loop are cut off (the first follows different code and may emit a `settile`, the last
 * may be ragged and carries the epilogue), the ones between are uniform. Every instruction is the one the
 * straight-line loop would emit: slot parities, tile numbers and the `settile` decision are computed in
 * closed form from (mi, ni, ki).
 */
export function planProgram(t: Target, shape: GemmShape, tiling: Tiling, slots: SlotLayout, layout: DramLayout, ops: AnyOperands | undefined, limits: IsaLimits = ISA_LIMITS): PlanNode {
  const { m, k, n } = shape;
  const kind = compileFacet(t.pe.kind);
  const G = Math.ceil(k / t.groupSize);
  const rank = branchRank(t);
  const preamble = (): Instruction[] => {
    const prog: Instruction[] = [];
    prog.push(createInstruction('setfmt', { ...t.formats }));
    prog.push(createInstruction('setmode', { group: t.groupSize, wsel: t.bits.selector > 0 ? 'group' : 'fixed', simd: t.simdMode, rank }));
    prog.push(...kind.preamble(t, ops));
    prog.push(createInstruction('csync', { push_prev: true }), createInstruction('csync', { push_prev: true }));
    prog.push(createInstruction('ssync', { push_prev: true }), createInstruction('ssync', { push_prev: true }));
    return prog;
  };
  const { mTiles, nTiles, kTiles } = tiling;
  const mtOf = (mi: number): number => Math.min(tiling.mt, m - mi * tiling.mt);
  const ntOf = (ni: number): number => Math.min(tiling.nt, n - ni * tiling.nt);
  const ktOf = (ki: number): number => Math.min(tiling.kt, k - ki * tiling.kt);
  /** The tile shape of the step before (mi, ni, ki) in program order, undefined for the first step. */
  const previousShape = (mi: number, ni: number, ki: number): string | undefined => {
    if (ki > 0) return `${mtOf(mi)},${ntOf(ni)},${ktOf(ki - 1)}`;
    if (ni > 0) return `${mtOf(mi)},${ntOf(ni - 1)},${ktOf(kTiles - 1)}`;
    if (mi > 0) return `${mtOf(mi - 1)},${ntOf(nTiles - 1)},${ktOf(kTiles - 1)}`;
    return undefined;
  };
  const step = (mi: number, ni: number, ki: number): Instruction[] => {
    const prog: Instruction[] = [];
    const m0 = mi * tiling.mt;
    const mt = mtOf(mi);
    const n0 = ni * tiling.nt;
    const nt = ntOf(ni);
    const k0 = ki * tiling.kt;
    const kt = ktOf(ki);
    const g0 = k0 / t.groupSize;
    const gt = Math.ceil(kt / t.groupSize);
    const last = ki === kTiles - 1;
    // input slot: parity of the global step number (mi · nTiles + ni) · kTiles + ki
    const s = parity(parity(mi, nTiles, ni), kTiles, ki);
    const metaBase = s * slots.metaSlot;
    const ctx: StepContext = { mi, ni, ki, m0, mt, n0, nt, k0, kt, g0, gt, G, first: ki === 0, last, slot: s, act: s * slots.actSlot, wgt: s * slots.wgtSlot, metaBase, slots, layout, shape, tiling };
    // The step's loads: act and wgt codes, then the kind's.
    const aStride = rowBytes(k, t.bits.act);
    const wStride = rowBytes(k, t.bits.wgt);
    const loads: DmaLoad[] = [
      { dram: layout.a + m0 * aStride + (k0 * t.bits.act) / 8, buf: 'act', bufAddr: s * slots.actSlot, rows: mt, rowBytes: rowBytes(kt, t.bits.act), stride: aStride },
      { dram: layout.w + n0 * wStride + (k0 * t.bits.wgt) / 8, buf: 'wgt', bufAddr: s * slots.wgtSlot, rows: nt, rowBytes: rowBytes(kt, t.bits.wgt), stride: wStride },
      ...kind.stepLoads(t, ctx),
    ];
    // Split to the ISA's DMA limits; the step's first piece waits for the slot, its last one hands it over.
    const pieces = loads.flatMap(({ dram, buf, bufAddr, rows, rowBytes: rb, stride }) => splitDma({ dram, buf: bufAddr, rows, rowBytes: rb, stride }, limits).map((p) => [buf, p] as const));
    pieces.forEach(([buf, p], i) => {
      prog.push(createInstruction('seti', { rd: 1, imm: p.dram }));
      prog.push(createInstruction('load', { buf, dram_reg: 1, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_next: i === 0, push_next: i === pieces.length - 1 }));
    });
    if (previousShape(mi, ni, ki) !== `${mt},${nt},${kt}`) prog.push(createInstruction('settile', { m: mt, n: nt, k: kt }));
    prog.push(...kind.tileInstructions(t, ctx));
    if (!last) return prog;
    // output slot: parity of the tile number mi · nTiles + ni
    const o = parity(mi, nTiles, ni);
    // Epilogue: reads the last step's slot (channel scales, bias, U), so writeback frees it.
    prog.push(...kind.epilogue(t, ctx));
    prog.push(createInstruction('writeback', { acc: 0, out: o * slots.outSlot, pop_next: true, push_next: true, push_prev: true }));
    const yStride = rowBytes(n, t.bits.out);
    const out: DmaTransfer = { dram: layout.y + m0 * yStride + (n0 * t.bits.out) / 8, buf: o * slots.outSlot, rows: mt, rowBytes: rowBytes(nt, t.bits.out), stride: yStride };
    const stores = splitDma(out, limits);
    stores.forEach((p, i) => {
      prog.push(createInstruction('seti', { rd: 2, imm: p.dram }));
      prog.push(createInstruction('store', { buf: 'out', dram_reg: 2, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_prev: i === 0, push_prev: i === stores.length - 1 }));
    });
    return prog;
  };
  const code = (emit: () => Instruction[]): PlanNode => ({ kind: 'code', emit });
  const block = (mi: number, ni: number): PlanNode => uniformRuns(kTiles, [1, kTiles - 1], (ki) => code(() => step(mi, ni, ki)));
  const row = (mi: number): PlanNode => uniformRuns(nTiles, [1, nTiles - 1], (ni) => block(mi, ni));
  return { kind: 'seq', items: [code(preamble), uniformRuns(mTiles, [1, mTiles - 1], row), code(() => [createInstruction('halt', {})])] };
}

/** Emits the ISA program of a GEMM (see the file header): the flattening of planProgram. */
export function emitProgram(t: Target, shape: GemmShape, tiling: Tiling, slots: SlotLayout, layout: DramLayout, ops: AnyOperands | undefined, limits: IsaLimits = ISA_LIMITS): Instruction[] {
  return flattenPlan(planProgram(t, shape, tiling, slots, layout, ops, limits));
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
}

/** Compiles one GEMM: tiling, slot layout, DRAM image and program. */
export function compileGemm(t: Target, shape: GemmShape, ops: AnyOperands | undefined, options: CompileOptions = {}): CompiledGemm {
  const limits = tightenLimits(options.limits);
  const tiling = chooseTiling(t, shape, limits);
  const need = slotNeeds(t, tiling.mt, tiling.nt, tiling.kt);
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
  };
  const layout = layoutDram(t, shape, tiling, limits);
  if (!options.timingOnly && ops === undefined) throw new Error('compileGemm: operands are required unless timingOnly');
  const dram = options.timingOnly || !ops ? undefined : packDram(t, shape, tiling, layout, ops);
  const plan = planProgram(t, shape, tiling, slots, layout, ops, limits);
  let program: Instruction[] | undefined;
  return {
    target: t,
    shape,
    tiling,
    slots,
    layout,
    plan,
    get program(): readonly Instruction[] {
      program ??= flattenPlan(plan);
      return program;
    },
    dram,
    operands: options.timingOnly ? undefined : ops,
  };
}
