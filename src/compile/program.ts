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
import { loraScaleCount } from '../golden/lowrank-gemm.js';
import type { LowRankGemmOperands, BitSerialModOperands, MacOperands, SimdMacOperands } from '../golden/types.js';
import { createInstruction, type Instruction, type IsaBuffer } from '../isa/index.js';
import { splitDma, type DmaTransfer } from './dma.js';
import { flattenPlan, uniformRuns, type PlanNode } from './plan.js';
import { CompileError } from './errors.js';
import { ISA_LIMITS, tightenLimits, type IsaLimits } from './isa-limits.js';
import type { AnyOperands } from './operands.js';
import { packMatrix, rowBytes } from './pack.js';
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

function scaleBytes(t: Target): number {
  return t.bits.gscale / 8;
}

/** lowrank_gemm with declared LoRA scales and a branch to apply them to. */
function hasLoraScales(t: Target): boolean {
  return t.pe.kind === 'lowrank_gemm' && t.pe.loraScales && t.pe.rank > 0;
}

/** Per-slot byte needs of one k step of kt elements. */
function slotNeeds(t: Target, mt: number, nt: number, kt: number): Record<IsaBuffer, number> & { actRawOff: number; metaOff2: number; metaOff3: number; cscaleOff: number; lscaleOff: number; lrwUpOff: number } {
  const g = t.groupSize;
  const gt = Math.ceil(kt / g);
  const actCodes = mt * rowBytes(kt, t.bits.act);
  const cfg = t.golden;
  let act = actCodes;
  let meta = 0;
  let metaOff2 = 0;
  let metaOff3 = 0;
  let cscaleOff = 0;
  let lscaleOff = 0;
  let lrw = 0;
  let lrwUpOff = 0;
  switch (cfg.kind) {
    case 'bit_serial_mod':
      metaOff2 = nt * gt + Math.ceil((nt * gt * t.bits.selector) / 8);
      meta = metaOff2 + nt * 2;
      break;
    case 'lowrank_gemm': {
      const sb = scaleBytes(t);
      metaOff2 = mt * gt * sb;
      metaOff3 = metaOff2 + nt * gt * sb;
      cscaleOff = metaOff3 + nt * 2;
      lscaleOff = cscaleOff + (t.bits.cscale > 0 ? nt * 2 : 0);
      meta = lscaleOff + (hasLoraScales(t) ? 4 * loraScaleCount(cfg.rank) : 0);
      if (cfg.rank > 0) {
        act += mt * kt * 2;
        lrwUpOff = cfg.rank * kt * 2;
        lrw = lrwUpOff + nt * cfg.rank * 2;
      }
      break;
    }
    case 'mac':
      meta = t.bits.cscale > 0 ? nt * 2 : 0;
      break;
    case 'simd_mac':
      break;
    default: {
      const never: never = cfg;
      throw new Error(`unknown kind ${JSON.stringify(never)}`);
    }
  }
  return { act, wgt: nt * rowBytes(kt, t.bits.wgt), meta, lrw, out: mt * nt * (t.bits.out / 8), actRawOff: actCodes, metaOff2, metaOff3, cscaleOff, lscaleOff, lrwUpOff };
}

/**
 * The longest row (bytes) of the per-k-step loads of a k step of kt elements: act and wgt codes, BitMoD
 * meta blocks (one row), lowrank group scales, raw X and D rows.
 */
function stepRowBytes(t: Target, nt: number, kt: number): number {
  const gt = Math.ceil(kt / t.groupSize);
  let longest = Math.max(rowBytes(kt, t.bits.act), rowBytes(kt, t.bits.wgt));
  const cfg = t.golden;
  if (cfg.kind === 'bit_serial_mod') longest = Math.max(longest, nt * gt + Math.ceil((nt * gt * t.bits.selector) / 8));
  if (cfg.kind === 'lowrank_gemm') longest = Math.max(longest, gt * scaleBytes(t), cfg.rank > 0 ? kt * 2 : 0);
  return longest;
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
  const cfg = t.golden;
  if (cfg.kind === 'simd_mac' && k > cfg.maxDotLength) throw new CompileError('capacity', `K = ${k} exceeds the SIMD MAC's max_dot_length ${cfg.maxDotLength}`);
  if (t.groupSize > limits.group) throw new CompileError('unsupported', `group size ${t.groupSize} exceeds the ISA's setmode.group limit ${limits.group}`);
  if (t.simdMode > limits.simdMode) throw new CompileError('unsupported', `SIMD mode ${t.simdMode} exceeds the ISA's setmode.simd limit ${limits.simdMode}`);
  if (cfg.kind === 'lowrank_gemm' && cfg.rank > limits.rank) throw new CompileError('unsupported', `low-rank rank ${cfg.rank} exceeds the ISA's setmode.rank limit ${limits.rank}`);
  const mt = Math.min(m, t.array.cols, limits.tileM);
  const nt = Math.min(n, t.array.rows, limits.tileN);
  let kAlign = lcm(8, t.groupSize);
  if (cfg.kind === 'simd_mac' && cfg.accumulation === 'round-each-step') kAlign = lcm(kAlign, 16 / t.bits.act);
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
  take(size: number): number {
    const at = this.bytes;
    this.bytes = alignUp(at + size, 64);
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
  const cfg = t.golden;
  const G = Math.ceil(k / t.groupSize);
  const a = r.take(m * rowBytes(k, t.bits.act));
  const w = r.take(n * rowBytes(k, t.bits.wgt));
  let meta = -1;
  let cscale = -1;
  let lscale = -1;
  let ascale = -1;
  let wscale = -1;
  let bias = -1;
  let x = -1;
  let down = -1;
  let up = -1;
  if (cfg.kind === 'bit_serial_mod') {
    let total = 0;
    for (let ni = 0; ni < tiling.nTiles; ni++) {
      const nt = Math.min(tiling.nt, n - ni * tiling.nt);
      for (let ki = 0; ki < tiling.kTiles; ki++) {
        const gt = Math.ceil(Math.min(tiling.kt, k - ki * tiling.kt) / t.groupSize);
        total += nt * gt + Math.ceil((nt * gt * t.bits.selector) / 8);
      }
    }
    meta = r.take(total);
  }
  if (t.bits.cscale > 0) cscale = r.take(n * 2);
  if (cfg.kind === 'lowrank_gemm') {
    ascale = r.take(m * G * scaleBytes(t));
    wscale = r.take(n * G * scaleBytes(t));
    bias = r.take(n * 2);
    if (hasLoraScales(t)) lscale = r.take(4 * loraScaleCount(cfg.rank));
    if (cfg.rank > 0) {
      x = r.take(m * k * 2);
      down = r.take(cfg.rank * k * 2);
      up = r.take(n * cfg.rank * 2);
    }
  }
  const y = r.take(m * rowBytes(n, t.bits.out));
  // Every address the program sets lies below r.bytes; the image must fit the address registers.
  if (r.bytes - 1 > limits.dramAddress) throw new CompileError('capacity', `the ${m}×${k}×${n} GEMM needs a ${r.bytes}-byte DRAM image; the ISA addresses at most ${limits.dramAddress + 1} bytes`);
  return { a, w, meta, cscale, lscale, ascale, wscale, bias, x, down, up, y, bytes: r.bytes };
}

/**
 * Byte offset of the BitMoD meta block of (ni, ki) inside the meta region (blocks in ni-major order), in
 * closed form: every n tile before ni is full (nt rows) and every k tile before ki is full (kt elements).
 */
function bsmMetaBlock(t: Target, shape: GemmShape, tiling: Tiling, ni: number, ki: number): { off: number; bytes: number; scalesBytes: number } {
  if (ni < 0 || ni >= tiling.nTiles || ki < 0 || ki >= tiling.kTiles) throw new Error('meta block out of range');
  const blockBytes = (nt: number, kt: number): number => {
    const gt = Math.ceil(kt / t.groupSize);
    return nt * gt + Math.ceil((nt * gt * t.bits.selector) / 8);
  };
  const ktLast = shape.k - (tiling.kTiles - 1) * tiling.kt;
  const fullRow = (tiling.kTiles - 1) * blockBytes(tiling.nt, tiling.kt) + blockBytes(tiling.nt, ktLast);
  const nt = Math.min(tiling.nt, shape.n - ni * tiling.nt);
  const kt = Math.min(tiling.kt, shape.k - ki * tiling.kt);
  const scalesBytes = nt * Math.ceil(kt / t.groupSize);
  return { off: ni * fullRow + ki * blockBytes(nt, tiling.kt), bytes: blockBytes(nt, kt), scalesBytes };
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
  const cfg = t.golden;
  const G = Math.ceil(k / t.groupSize);
  switch (cfg.kind) {
    case 'bit_serial_mod': {
      const o = ops as BitSerialModOperands;
      packMatrix(o.activations, m, k, 16, mem, layout.a);
      packMatrix(o.weights, n, k, t.bits.wgt, mem, layout.w);
      packMatrix(o.channelScales, 1, n, 16, mem, layout.cscale);
      for (let ni = 0; ni < tiling.nTiles; ni++) {
        const n0 = ni * tiling.nt;
        const nt = Math.min(tiling.nt, n - n0);
        for (let ki = 0; ki < tiling.kTiles; ki++) {
          const g0 = (ki * tiling.kt) / t.groupSize;
          const gt = Math.ceil(Math.min(tiling.kt, k - ki * tiling.kt) / t.groupSize);
          const blk = bsmMetaBlock(t, shape, tiling, ni, ki);
          const scales = new Uint32Array(nt * gt);
          const sels = new Uint32Array(nt * gt);
          for (let i = 0; i < nt; i++) {
            for (let g = 0; g < gt; g++) {
              scales[i * gt + g] = o.groupScales[(n0 + i) * G + g0 + g];
              sels[i * gt + g] = o.selectors[(n0 + i) * G + g0 + g];
            }
          }
          packMatrix(scales, 1, nt * gt, 8, mem, layout.meta + blk.off);
          if (t.bits.selector > 0) packMatrix(sels, 1, nt * gt, t.bits.selector, mem, layout.meta + blk.off + blk.scalesBytes);
        }
      }
      break;
    }
    case 'simd_mac': {
      const o = ops as SimdMacOperands;
      packMatrix(o.activations, m, k, t.bits.act, mem, layout.a);
      packMatrix(o.weights, n, k, t.bits.wgt, mem, layout.w);
      break;
    }
    case 'lowrank_gemm': {
      const o = ops as LowRankGemmOperands;
      const sb = t.bits.gscale;
      packMatrix(o.qa, m, k, 4, mem, layout.a);
      packMatrix(o.qw, n, k, 4, mem, layout.w);
      packMatrix(o.sa, m, G, sb, mem, layout.ascale);
      packMatrix(o.sw, n, G, sb, mem, layout.wscale);
      if (o.bias) packMatrix(o.bias, 1, n, 16, mem, layout.bias);
      if (layout.cscale >= 0) {
        if (!o.channelScales) throw new CompileError('unsupported', `lowrank_gemm PE '${t.pe.name}' declares channel scales; the operands have none`);
        packMatrix(o.channelScales, 1, n, 16, mem, layout.cscale);
      }
      if (layout.lscale >= 0) {
        if (!o.loraScales) throw new CompileError('unsupported', `lowrank_gemm PE '${t.pe.name}' declares LoRA scales; the operands have none`);
        packMatrix(o.loraScales, 1, loraScaleCount(cfg.rank), 32, mem, layout.lscale);
      }
      const r = cfg.rank;
      if (r > 0 && o.x && o.down && o.up) {
        packMatrix(o.x, m, k, 16, mem, layout.x);
        const dT = new Uint32Array(r * k);
        for (let kk = 0; kk < k; kk++) for (let j = 0; j < r; j++) dT[j * k + kk] = o.down[kk * r + j];
        packMatrix(dT, r, k, 16, mem, layout.down);
        packMatrix(o.up, n, r, 16, mem, layout.up);
      }
      break;
    }
    case 'mac': {
      const o = ops as MacOperands;
      packMatrix(o.activations, m, k, t.bits.act, mem, layout.a);
      packMatrix(o.weights, n, k, t.bits.wgt, mem, layout.w);
      if (o.channelScales) packMatrix(o.channelScales, 1, n, 16, mem, layout.cscale);
      break;
    }
    default: {
      const never: never = cfg;
      throw new Error(`unknown kind ${JSON.stringify(never)}`);
    }
  }
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
  const cfg = t.golden;
  const G = Math.ceil(k / t.groupSize);
  const rank = cfg.kind === 'lowrank_gemm' ? cfg.rank : 0;
  const preamble = (): Instruction[] => {
    const prog: Instruction[] = [];
    prog.push(createInstruction('setfmt', { ...t.formats }));
    prog.push(createInstruction('setmode', { group: t.groupSize, wsel: t.bits.selector > 0 ? 'group' : 'fixed', simd: t.simdMode, rank }));
    if (cfg.kind === 'lowrank_gemm' && cfg.main.kind === 'nvfp4') {
      const ts = (ops as LowRankGemmOperands | undefined)?.tensorScale ?? 0x3f800000;
      prog.push(createInstruction('setscale', { value: ts }));
    }
    prog.push(createInstruction('csync', { push_prev: true }), createInstruction('csync', { push_prev: true }));
    prog.push(createInstruction('ssync', { push_prev: true }), createInstruction('ssync', { push_prev: true }));
    return prog;
  };
  const sb = t.bits.gscale / 8;
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
    // The step's loads: [dram address, buffer, buffer address, rows, row bytes, DRAM stride].
    const loads: [number, IsaBuffer, number, number, number, number][] = [];
    const aStride = rowBytes(k, t.bits.act);
    loads.push([layout.a + m0 * aStride + (k0 * t.bits.act) / 8, 'act', s * slots.actSlot, mt, rowBytes(kt, t.bits.act), aStride]);
    const wStride = rowBytes(k, t.bits.wgt);
    loads.push([layout.w + n0 * wStride + (k0 * t.bits.wgt) / 8, 'wgt', s * slots.wgtSlot, nt, rowBytes(kt, t.bits.wgt), wStride]);
    const metaBase = s * slots.metaSlot;
    switch (cfg.kind) {
      case 'bit_serial_mod': {
        const blk = bsmMetaBlock(t, shape, tiling, ni, ki);
        loads.push([layout.meta + blk.off, 'meta', metaBase, 1, blk.bytes, 0]);
        if (last) loads.push([layout.cscale + n0 * 2, 'meta', metaBase + slots.metaOff2, 1, nt * 2, 0]);
        break;
      }
      case 'lowrank_gemm':
        loads.push([layout.ascale + (m0 * G + g0) * sb, 'meta', metaBase, mt, gt * sb, G * sb]);
        loads.push([layout.wscale + (n0 * G + g0) * sb, 'meta', metaBase + slots.metaOff2, nt, gt * sb, G * sb]);
        if (last) loads.push([layout.bias + n0 * 2, 'meta', metaBase + slots.metaOff3, 1, nt * 2, 0]);
        if (last && layout.cscale >= 0) loads.push([layout.cscale + n0 * 2, 'meta', metaBase + slots.cscaleOff, 1, nt * 2, 0]);
        if (last && layout.lscale >= 0) loads.push([layout.lscale, 'meta', metaBase + slots.lscaleOff, 1, 4 * loraScaleCount(rank), 0]);
        if (rank > 0 && ni === 0) {
          loads.push([layout.x + (m0 * k + k0) * 2, 'act', s * slots.actSlot + slots.actRawOff, mt, kt * 2, k * 2]);
          loads.push([layout.down + k0 * 2, 'lrw', s * slots.lrwSlot, rank, kt * 2, k * 2]);
        }
        if (rank > 0 && last) loads.push([layout.up + n0 * rank * 2, 'lrw', s * slots.lrwSlot + slots.lrwUpOff, 1, nt * rank * 2, 0]);
        break;
      case 'mac':
        if (last && t.bits.cscale > 0) loads.push([layout.cscale + n0 * 2, 'meta', metaBase, 1, nt * 2, 0]);
        break;
      case 'simd_mac':
        break;
      default: {
        const never: never = cfg;
        throw new Error(`unknown kind ${JSON.stringify(never)}`);
      }
    }
    // Split to the ISA's DMA limits; the step's first piece waits for the slot, its last one hands it over.
    const pieces = loads.flatMap(([dram, buf, bufAddr, rows, rb, stride]) => splitDma({ dram, buf: bufAddr, rows, rowBytes: rb, stride }, limits).map((p) => [buf, p] as const));
    pieces.forEach(([buf, p], i) => {
      prog.push(createInstruction('seti', { rd: 1, imm: p.dram }));
      prog.push(createInstruction('load', { buf, dram_reg: 1, dram_off: 0, buf_addr: p.buf, rows: p.rows, row_bytes: p.rowBytes, dram_stride: p.stride, pop_next: i === 0, push_next: i === pieces.length - 1 }));
    });
    if (previousShape(mi, ni, ki) !== `${mt},${nt},${kt}`) prog.push(createInstruction('settile', { m: mt, n: nt, k: kt }));
    const act = s * slots.actSlot;
    const wgt = s * slots.wgtSlot;
    const tok = { pop_prev: true, clear: ki === 0, push_prev: !last };
    switch (cfg.kind) {
      case 'bit_serial_mod':
        prog.push(createInstruction('mod_tile', { act, wgt, acc: 0, meta: metaBase, ...tok }));
        break;
      case 'simd_mac':
        prog.push(createInstruction('simd_tile', { act, wgt, acc: 0, ...tok }));
        break;
      case 'mac':
        prog.push(createInstruction('mac_tile', { act, wgt, acc: 0, ...tok }));
        break;
      case 'lowrank_gemm':
        if (rank > 0 && ni === 0) {
          prog.push(createInstruction('lr_down', { act: act + slots.actRawOff, lrw: s * slots.lrwSlot, lrt: 0, clear: ki === 0, pop_prev: true }));
          prog.push(createInstruction('qgemm_tile', { act, wgt, acc: 0, ascale: metaBase, wscale: metaBase + slots.metaOff2, clear: ki === 0, push_prev: !last }));
        } else {
          prog.push(createInstruction('qgemm_tile', { act, wgt, acc: 0, ascale: metaBase, wscale: metaBase + slots.metaOff2, ...tok }));
        }
        break;
      default: {
        const never: never = cfg;
        throw new Error(`unknown kind ${JSON.stringify(never)}`);
      }
    }
    if (!last) return prog;
    // output slot: parity of the tile number mi · nTiles + ni
    const o = parity(mi, nTiles, ni);
    // Epilogue: reads the last step's slot (channel scales, bias, U), so writeback frees it.
    if (cfg.kind === 'bit_serial_mod') prog.push(createInstruction('dequant', { acc: 0, cscale: metaBase + slots.metaOff2, use_cscale: true }));
    if (cfg.kind === 'mac' && t.bits.cscale > 0) prog.push(createInstruction('dequant', { acc: 0, cscale: metaBase, use_cscale: true }));
    if (cfg.kind === 'lowrank_gemm') {
      const cs = layout.cscale >= 0 ? { cscale: metaBase + slots.cscaleOff, use_cscale: true } : {};
      prog.push(createInstruction('dequant', { acc: 0, bias: metaBase + slots.metaOff3, use_bias: true, use_tscale: cfg.main.kind === 'nvfp4', ...cs }));
      const ls = layout.lscale >= 0 ? { lscale: metaBase + slots.lscaleOff, use_lscale: true } : {};
      if (rank > 0) prog.push(createInstruction('lr_up', { acc: 0, lrt: 0, lrw: s * slots.lrwSlot + slots.lrwUpOff, ...ls }));
    }
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
