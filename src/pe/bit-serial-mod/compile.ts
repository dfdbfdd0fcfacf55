/**
 * bit_serial_mod's compile hooks (src/pe/facets/compile.ts): the IR → target mapping (weight candidates,
 * fp16 activations, group and channel scales), the BitMoD meta blocks — group scales then 2-bit selectors,
 * pre-tiled per (n tile, k tile) in DRAM — and the channel scales loaded in a tile's last k step, the
 * `mod_tile` of a step and the `dequant` epilogue.
 *
 * Meta per output tile (issue 13, coalescing; when two tile slots fit the meta space, metaPerTile): the blocks of one n tile lie back to back in DRAM (ni-major),
 * so the whole tile's blocks — every k step's — are one DMA in the tile's first k step, into the meta slot
 * of the tile's parity (StepContext.tileSlot: two tile slots, [blocks of every k tile][channel scales]); step
 * ki's `mod_tile` reads block ki at ki · (full block bytes). The tile after next overwrites the slot only
 * after the two-slot token ring has seen this tile's writeback (program.ts), so no extra tokens are needed. Moved verbatim from compile/target.ts and
 * compile/program.ts (issue 12, step 0b).
 */
import type { BitSerialModConfig, BitSerialWeightType } from './golden.js';
import type { IrAccelerator } from '../../ir/types.js';
import type { BitSerialModPe } from './schema.js';
import { createInstruction } from '../../isa/encode.js';
import type { IsaFormat } from '../../isa/generated-types.js';
import { diagnoseTarget, outBits, portBuffers, reportNarrowPorts, UnsupportedProperty } from '../../compile/kind-support.js';
import { packMatrix } from '../../compile/pack.js';
import type { DramLayout, Tiling } from '../../compile/program.js';
import type { GemmShape } from '../../compile/workload.js';
import { finalChunk, type CompileFacet, type DmaLoad, type HardwareSink, type KindTarget, type StepContext, type TargetOf } from '../facets/compile.js';
import { BITMOD_GEOMETRY, bitSerialGeometry } from './golden-geometry.js';
import { bitSerialModOperands } from './operands.js';
import { bsmRawTransferCycles } from './compile-cycles.js';

type T = TargetOf<'bit_serial_mod'>;

const BITMOD_FP4 = ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'];
const BITMOD_FP3 = ['bitmod_fp3_er_pos', 'bitmod_fp3_er_neg', 'bitmod_fp3_ea_pos', 'bitmod_fp3_ea_neg'];
const BIT_SERIAL_TYPES = new Set<string>([...BITMOD_FP4, ...BITMOD_FP3, 'fp4_e2m1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'int8']);

/** The ISA format code of a weight type (the BitMoD types drop their `bitmod_` prefix). */
function isaFormatOf(name: string): IsaFormat {
  const n = name.startsWith('bitmod_') ? name.slice('bitmod_'.length) : name;
  return n as IsaFormat;
}

/**
 * Deepest k of one mod_tile: the engine streams k through a ring of staged chunks (rtl-engine.ts), so k is
 * bounded by the meta staging (the tile's rows · k / group scales and selectors, held whole: 2.5 KiB on a
 * 32-row array with groups of 128) and settile's 16-bit cfg_k, not by the operand staging. 8,192 takes a
 * Llama-2-7B down projection (K = 11,008) in two k tiles; a longer tile pays its operand fill and last
 * dequantization once per pass, not once per 1,024 elements.
 */
export const BSM_MAX_TILE_K = 8192;

function bitSerialTarget(pe: BitSerialModPe): KindTarget<'bit_serial_mod'> {
  const scheme = pe.weights.scheme;
  let candidates: string[];
  if (scheme.kind === 'mixture') candidates = scheme.candidates.map((c) => c.name);
  else if (scheme.kind === 'scaled') candidates = [scheme.element.name];
  else throw new UnsupportedProperty('weights', `bit_serial_mod PE '${pe.name}': weight scheme '${scheme.kind}' is not supported by the compiler`);
  for (const c of candidates) {
    if (!BIT_SERIAL_TYPES.has(c)) throw new UnsupportedProperty('weights', `bit_serial_mod PE '${pe.name}': weight type '${c}' is not a bit-serial type`);
  }
  if (pe.activations.format.name !== 'fp16') throw new UnsupportedProperty('activations', `bit_serial_mod PE '${pe.name}': activations must be fp16`);
  const output = pe.output.name;
  if (output !== 'fp16' && output !== 'fp32') throw new UnsupportedProperty('output', `bit_serial_mod PE '${pe.name}': output must be fp16 or fp32`);
  const golden: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: pe.groupSize, candidates: candidates as BitSerialWeightType[], output, ...(pe.datapath === 'qacc' ? {} : { datapath: pe.datapath }), ...(pe.lanes === BITMOD_GEOMETRY.lanes ? {} : { geometry: bitSerialGeometry(pe.lanes) }) };
  const wgtBits = Math.max(...candidates.map((c) => (c.startsWith('bitmod_fp3') ? 3 : c.startsWith('int') ? Number(c.slice(3)) : 4)));
  const wgt: IsaFormat = candidates.join() === BITMOD_FP4.join() ? 'bitmod_fp4' : candidates.join() === BITMOD_FP3.join() ? 'bitmod_fp3' : candidates.length === 1 ? isaFormatOf(candidates[0]) : 'slot0';
  return {
    golden,
    bits: { act: 16, wgt: wgtBits, gscale: 8, selector: candidates.length > 1 ? 2 : 0, cscale: 16, branch: 0, out: outBits(output) },
    formats: { act: 'fp16', wgt, raw: 'none', gscale: 'uint8', cscale: 'fp16', bias: 'none', acc: 'fp32', out: output, lr: 'none' },
    groupSize: pe.groupSize,
    rank: 0,
    maxTileK: BSM_MAX_TILE_K,
    stagingRing: true,
    // tile_m: the accumulator tile's tokens; the engine runs an m tile of up to that many as array passes
    // (rtl-engine.ts, timing.ts), one fp32 entry per pass in each PE. Undeclared: one pass.
    ...(pe.tileM === undefined ? {} : { maxTileM: pe.tileM, multiPass: true }),
    // the out space (two accumulator tiles) at the end of the weights buffer, not the activations buffer: the
    // weights stream through k-step slots while an m tile's fp16 activation panel (tile_m tokens × K) wants
    // the whole activations buffer (64 tokens of K = 4,096 are exactly its 512 KiB)
    outInWeights: true,
  };
}

/** Bytes of one meta block: nt · gt group scales, then the selectors packed. */
function metaBlockBytes(t: T, nt: number, kt: number): number {
  const gt = Math.ceil(kt / t.groupSize);
  return nt * gt + Math.ceil((nt * gt * t.bits.selector) / 8);
}

/**
 * Whether a tile's meta is loaded once per tile (all its k blocks in one DMA) rather than per k step: when
 * two tile slots of it (blocks and channel scales) fit the meta space; a reduction so long that they do not
 * (millions of elements) keeps one block per step. Decided on the full tile (nt, kt) so that every tile of
 * a GEMM agrees.
 */
function metaPerTile(t: T, nt: number, kt: number, k: number): boolean {
  return 2 * (tileMetaBytes(t, nt, kt, k) + nt * 2) <= t.capacity.meta;
}

/** Bytes of the meta blocks of every k tile of one n tile of nt rows (k tiles of kt, the last one ragged). */
function tileMetaBytes(t: T, nt: number, kt: number, k: number): number {
  const kTiles = Math.ceil(k / kt);
  return (kTiles - 1) * metaBlockBytes(t, nt, kt) + metaBlockBytes(t, nt, k - (kTiles - 1) * kt);
}

/** The reduction one output tile runs in a step's program: its K split chunk (a full one), else the whole K. */
function tileK(s: StepContext): number {
  return s.chunk?.k ?? s.shape.k;
}

/** The meta slot of a step: the tile's slot when meta is per tile, else the step's. */
function metaBase(t: T, s: StepContext): number {
  return metaPerTile(t, s.tiling.nt, s.tiling.kt, tileK(s)) ? s.tileSlot * s.slots.metaSlot : s.metaBase;
}

/**
 * Byte offset of the BitMoD meta block of (ni, ki) inside the meta region (blocks in ni-major order), in
 * closed form: every n tile before ni is full (nt rows) and every k tile before ki is full (kt elements).
 */
function bsmMetaBlock(t: T, shape: GemmShape, tiling: Tiling, ni: number, ki: number): { off: number; bytes: number; scalesBytes: number } {
  if (ni < 0 || ni >= tiling.nTiles || ki < 0 || ki >= tiling.kTiles) throw new Error('meta block out of range');
  const blockBytes = (nt: number, kt: number): number => metaBlockBytes(t, nt, kt);
  const ktLast = shape.k - (tiling.kTiles - 1) * tiling.kt;
  const fullRow = (tiling.kTiles - 1) * blockBytes(tiling.nt, tiling.kt) + blockBytes(tiling.nt, ktLast);
  const nt = Math.min(tiling.nt, shape.n - ni * tiling.nt);
  const kt = Math.min(tiling.kt, shape.k - ki * tiling.kt);
  const scalesBytes = nt * Math.ceil(kt / t.groupSize);
  return { off: ni * fullRow + ki * blockBytes(nt, tiling.kt), bytes: blockBytes(nt, kt), scalesBytes };
}

/**
 * The cost model's fill and drain of one array pass of a mod_tile (timing.ts bsmPassCycles, at a ranking's precision): the
 * first group's operands fetched (one read per row and port chunk, about port bits / element bits elements
 * each) plus 2 cycles of read latency, and the last group's dequantization (scale bits + 1 add cycle). A
 * pass that fetches k tiles of few elements pays this on little compute (Llama `down`'s 23 × 32 × 384 tiles).
 */
function bsmTileFill(t: T, mt: number, nt: number, kt: number): number {
  const g = Math.min(t.groupSize, kt);
  const reads = (rows: number, port: number, bits: number): number => rows * Math.ceil(g / Math.max(1, Math.floor((8 * port) / bits)));
  // per array pass (the cost model multiplies by the passes): a pass fetches its own ≤ cols tokens
  return 2 + Math.max(reads(Math.min(mt, t.array.cols), t.portBytes.act, t.bits.act), reads(nt, t.portBytes.wgt, t.bits.wgt)) + BITMOD_GEOMETRY.scaleBits + 1;
}

/** Bits a buffer port must deliver per cycle for one step of `lanes` elements of `bits` bits in whole bytes (microarch.ts bsmChunkElements > 0). */
function minPortBits(bits: number, lanes: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const perByte = 8 / gcd(bits, 8);
  return bits * ((lanes * perByte) / gcd(lanes, perByte));
}

/**
 * What the generated tile engine (rtl-engine.ts) needs of the array and the buffers, reported at the
 * property's span: at least 2 rows and 2 columns, and buffer ports wide enough for one step of activations,
 * weights, group scales (the meta space: a separate unified buffer, else the weights buffer) and outputs
 * (the outputs buffer, else the weights buffer: the kind's out space lies there, bitSerialTarget outInWeights).
 */
function diagnoseEngine(accel: IrAccelerator, pe: BitSerialModPe, sink: HardwareSink): void {
  const array = accel.arrays[0];
  for (const dim of ['rows', 'cols'] as const) {
    if (array && array[dim] < 2) sink.report(array.paramSpans[dim] ?? array.span, `the bit_serial_mod tile engine needs at least 2 ${dim}, array '${array.name}' has ${array[dim]}`);
  }
  if (array && pe.tileM !== undefined) diagnoseTileM(pe, array.cols, sink);
  const lanes = pe.lanes;
  const ports = portBuffers(accel, true);
  const wgtBits = pe.weights.elementBits;
  const wgt = minPortBits(wgtBits, lanes);
  const scales = 16;
  const weightsAndMeta = ports.meta === ports.wgt;
  reportNarrowPorts(sink, 'bit_serial_mod', [
    [ports.act, minPortBits(16, lanes), `reads ${lanes} fp16 activations`],
    weightsAndMeta
      ? [ports.wgt, Math.max(wgt, scales), `reads ${lanes} ${wgtBits}-bit weights and 2 group-scale bytes`]
      : [ports.wgt, wgt, `reads ${lanes} ${wgtBits}-bit weights`],
    ...(weightsAndMeta ? [] : [[ports.meta, scales, 'reads 2 group-scale bytes'] as const]),
    [ports.out, pe.output.bits, `reads one ${pe.output.name} output`],
  ]);
}

/** The most accumulator entries (array passes of one m tile) the engine's per-PE register file holds. */
export const BSM_MAX_PASSES = 16;

/**
 * What a declared `tile_m` needs, reported at its span: at most BSM_MAX_PASSES array passes (the PEs'
 * accumulator file; the schema caps tile_m at 4096, far below settile m's 16 bits). Like lowrank_gemm's declared tile, it is an upper
 * bound: where two output tiles of tile_m tokens do not fit the out space, the scheduler takes the largest
 * smaller tile that does (src/compile/schedule/tiling.ts fittingTiles).
 */
function diagnoseTileM(pe: BitSerialModPe, cols: number, sink: HardwareSink): void {
  const tileM = pe.tileM as number;
  const at = pe.paramSpans['tile_m'] ?? pe.span;
  const passes = Math.ceil(tileM / cols);
  if (passes > BSM_MAX_PASSES) sink.report(at, `tile_m = ${tileM} takes ${passes} passes of the array's ${cols} columns; the bit_serial_mod engine's accumulator file holds at most ${BSM_MAX_PASSES} entries per PE`, `write tile_m ≤ ${BSM_MAX_PASSES * cols}`);
}

export const bitSerialModCompile: CompileFacet<'bit_serial_mod'> = {
  variants: () => 1,
  target: (pe) => bitSerialTarget(pe),
  diagnose(accel, pe, sink) {
    diagnoseTarget(pe, sink, () => bitSerialTarget(pe));
    diagnoseEngine(accel, pe, sink);
  },
  randomOperands: bitSerialModOperands,
  checkShape: () => undefined,
  kAlign: () => 1,
  slotNeeds(t, _mt, nt, kt, k) {
    const metaOff2 = metaPerTile(t, nt, kt, k) ? tileMetaBytes(t, nt, kt, k) : metaBlockBytes(t, nt, kt);
    return { actExtra: 0, meta: metaOff2 + nt * 2, lrw: 0, offsets: { metaOff2 } };
  },
  stepRowBytes: (t, nt, kt) => metaBlockBytes(t, nt, kt),
  tileFill: (t, mt, nt, kt) => bsmTileFill(t, mt, nt, kt),
  layoutDram(t, shape, tiling, take) {
    let total = 0;
    for (let ni = 0; ni < tiling.nTiles; ni++) {
      const nt = Math.min(tiling.nt, shape.n - ni * tiling.nt);
      for (let ki = 0; ki < tiling.kTiles; ki++) total += metaBlockBytes(t, nt, Math.min(tiling.kt, shape.k - ki * tiling.kt));
    }
    const meta = take(total);
    const cscale = t.bits.cscale > 0 ? take(shape.n * 2) : -1;
    return { meta, cscale };
  },
  packDram(t, shape, tiling, layout: DramLayout, o, mem) {
    const { m, k, n } = shape;
    const G = Math.ceil(k / t.groupSize);
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
  },
  preamble: () => [],
  stepLoads(t, s) {
    const loads: DmaLoad[] = [];
    const base = metaBase(t, s);
    if (!metaPerTile(t, s.tiling.nt, s.tiling.kt, tileK(s))) {
      const blk = bsmMetaBlock(t, s.shape, s.tiling, s.ni, s.ki);
      loads.push({ dram: s.layout.meta + blk.off, buf: 'meta', bufAddr: base, rows: 1, rowBytes: blk.bytes, stride: 0 });
    } else if (s.first) {
      // the blocks of the tile's k tiles in this chunk (all of them unsplit), back to back in DRAM
      const ki0 = s.chunk?.ki0 ?? 0;
      const blk = bsmMetaBlock(t, s.shape, s.tiling, s.ni, ki0);
      const k = Math.min(s.shape.k, (ki0 + (s.chunk?.kTiles ?? s.tiling.kTiles)) * s.tiling.kt) - ki0 * s.tiling.kt;
      loads.push({ dram: s.layout.meta + blk.off, buf: 'meta', bufAddr: base, rows: 1, rowBytes: tileMetaBytes(t, s.nt, s.tiling.kt, k), stride: 0 });
    }
    // the channel scales, for the dequant of the tile's last step (a K split's last chunk only)
    if (s.last && finalChunk(s)) loads.push({ dram: s.layout.cscale + s.n0 * 2, buf: 'meta', bufAddr: base + s.slots.metaOff2, rows: 1, rowBytes: s.nt * 2, stride: 0 });
    return loads;
  },
  tileInstructions: (t, s) => {
    const block = metaPerTile(t, s.tiling.nt, s.tiling.kt, tileK(s)) ? (s.ki - (s.chunk?.ki0 ?? 0)) * metaBlockBytes(t, s.nt, s.tiling.kt) : 0;
    // a K split chunk after the first reloads the partial sums (waiting for their load) and continues the chain
    const fill = s.fill === undefined ? [] : [createInstruction('acc_fill', { acc: 0, meta: s.fill, pop_prev: true })];
    return [...fill, createInstruction('mod_tile', { act: s.act, wgt: s.wgt, acc: 0, meta: metaBase(t, s) + block, pop_prev: s.fill === undefined, clear: s.first && s.fill === undefined, push_prev: !s.last })];
  },
  // the entry is golden's fp32 cross-group sum: its 32 bits continue the chain exactly (sim.ts rawAccumulator)
  splitsK: () => true,
  rawTransferCycles: bsmRawTransferCycles,
  // a tile's last step reads its own loads and the panels, and the tile's meta block (loaded by its first step)
  chainSpaces: () => ['meta'],
  epilogue: (t, s) => [createInstruction('dequant', { acc: 0, cscale: metaBase(t, s) + s.slots.metaOff2, use_cscale: true })],
};
