/**
 * lowrank_gemm's compile hooks (src/pe/facets/compile.ts): the IR → target mapping (NVFP4 or int4 main
 * path, branch and accumulation formats, declared channel and LoRA scales), the meta slot (activation and
 * weight group scales per k step; bias, channel scales and LoRA scales in the last one), the branch's raw
 * X, D and U in the act and lrw slots, `lr_down` once per m tile, `qgemm_tile`, and the `dequant` /
 * `lr_up` epilogue. Moved verbatim from compile/target.ts and compile/program.ts (issue 12, step 0b).
 *
 * `activation_quant = runtime` (Nunchaku's fused quantize kernel): no activation codes or scales in DRAM.
 * At n tile 0 every k step loads the raw X tile [mt × kt] (16 bits) into the act slot after the codes'
 * room; `qact` quantizes it and `lr_down` reads the same raw tile, then `qgemm_tile` multiplies. Where
 * they go: the resident code panel (`codePanel`: every k step's codes and scales of the m tile, in the act
 * and meta spaces above the two slots), which the later n tiles' `qgemm_tile`s read without loading or
 * quantizing anything, so X is read from DRAM exactly once, in 16 bits. When the panel does not fit (or
 * there is one n tile), codes and scales go to the step's own slot and later n tiles reload and
 * re-quantize X (X then read once per n tile).
 *
 * Group scales are stored tile-major in DRAM (`packTiledScales`): within each m tile's (n tile's) band of
 * rows, the blocks of the k tiles follow one another, each block its rows × its k tile's groups. One k
 * step's activation (weight) scales are then one contiguous DRAM row of mt · gt (nt · gt) scales: one DMA
 * row of a few beats instead of mt (nt) rows of gt scales, each a whole beat. The 4-bit activation and
 * weight codes likewise (`packTiledCodes`, `tileMajorCodes`): a step's mt rows of kt / 2 bytes are one DMA
 * row of whole beats instead of mt rows of 32 bytes each holding the port for a 64-byte beat.
 */
import { loraScaleCount, LOW_RANK_MAX_RANK, type LowRankGemmConfig } from './golden.js';
import { ISA_LIMITS } from '../../compile/isa-limits.js';
import type { LowRankGemmPe } from './schema.js';
import { createInstruction } from '../../isa/encode.js';
import type { Instruction } from '../../isa/generated-types.js';
import { CompileError } from '../../compile/errors.js';
import { diagnoseTarget, UnsupportedProperty } from '../../compile/kind-support.js';
import { packMatrix, rowBytes } from '../../compile/pack.js';
import type { FormatRegisters } from '../../compile/target.js';
import type { CompileFacet, DmaLoad, KindTarget, StepContext, TargetOf } from '../facets/compile.js';
import { lowRankGemmOperands } from './operands.js';
import { lowRankInstructionCycles, lowRankQgemmCycles } from './compile-cycles.js';

type T = TargetOf<'lowrank_gemm'>;

function lowRankTarget(pe: LowRankGemmPe): KindTarget<'lowrank_gemm'> {
  const ws = pe.weights.scheme;
  const as = pe.activations.scheme;
  const branch = pe.branchFormat.name;
  const acc = pe.accumulation.name;
  if (branch !== 'fp16' && branch !== 'bf16') throw new UnsupportedProperty('branch', `lowrank_gemm PE '${pe.name}': branch format must be fp16 or bf16`);
  if (acc !== 'fp16' && acc !== 'bf16' && acc !== 'fp32') throw new UnsupportedProperty('accumulation', `lowrank_gemm PE '${pe.name}': accumulation must be fp16, bf16 or fp32`);
  let main: LowRankGemmConfig['main'];
  let formats: FormatRegisters;
  let gscaleBits: number;
  // Channel scales (Nunchaku's wcscales), when declared, are branch-format codes like the bias.
  const cscale = pe.channelScales ? branch : 'none';
  if (ws.kind === 'nvfp4') {
    main = { kind: 'nvfp4', groupSize: pe.groupSize };
    gscaleBits = 8;
    formats = { act: 'fp4_e2m1', wgt: 'fp4_e2m1', raw: branch, gscale: 'fp8_e4m3', cscale, bias: branch, acc, out: branch, lr: branch };
  } else {
    const actElem = as.kind === 'scaled' ? as.element.name : 'int4';
    const scaleFormat = pe.weights.scaleFormat.name;
    if (scaleFormat !== 'fp16' && scaleFormat !== 'bf16') throw new UnsupportedProperty('weights', `lowrank_gemm PE '${pe.name}': int4 scales must be fp16 or bf16`);
    const activations = actElem === 'uint4' ? 'uint4' : 'int4';
    main = { kind: 'int4', activations, groupSize: pe.groupSize, scaleFormat };
    gscaleBits = 16;
    formats = { act: activations, wgt: 'int4', raw: branch, gscale: scaleFormat, cscale, bias: branch, acc, out: branch, lr: branch };
  }
  return {
    golden: {
      kind: 'lowrank_gemm',
      main,
      accumulation: acc,
      fmaAccumulation: pe.accumulationFma,
      epilogue: pe.epilogue,
      rank: pe.rank,
      branchFormat: branch,
      ...(pe.activationQuant === 'runtime' ? { activationQuant: 'runtime' as const } : {}),
    },
    bits: { act: 4, wgt: 4, gscale: gscaleBits, selector: 0, cscale: pe.channelScales ? 16 : 0, branch: 16, out: 16 },
    formats,
    groupSize: pe.groupSize,
    rank: pe.rank,
    // the low-rank PE declares its K tile (one or more scale groups per GEMM step): the engine stages that
    // many elements per row and column, not the generic depth
    maxTileK: pe.tileK,
    // tile_m / tile_n: the declared output tile (the accumulators hold it); the tiler takes the min with the ISA
    maxTileM: pe.tileM,
    maxTileN: pe.tileN,
    // the engine runs the declared tile as several array passes (timing.ts), its accumulators sized from it;
    // qact too quantizes an m tile pass by pass (one row per array column per pass)
    multiPass: true,
    // its weights stream in two slots of nt × kt codes; the activations buffer keeps the code panel (or the
    // offline act panel) of an m tile, which a quarter taken by the out space would not hold at 128 tokens
    outInWeights: true,
  };
}

function scaleBytes(t: T): number {
  return t.bits.gscale / 8;
}

/**
 * Packs a rows × G scale matrix tile-major (file header): bands of `band` rows, each band's k-tile blocks
 * (its rows × the k tile's gPerTile groups, row-major) one after another. A band starts where it would
 * row-major (row · G scales), and k tile ki's block at band start + band rows · ki · gPerTile scales.
 */
function packTiledScales(codes: ArrayLike<number>, rows: number, G: number, bits: number, band: number, gPerTile: number, mem: Uint8Array, base: number): void {
  const sb = bits / 8;
  for (let r0 = 0; r0 < rows; r0 += band) {
    const br = Math.min(band, rows - r0);
    for (let g0 = 0; g0 < G; g0 += gPerTile) {
      const gt = Math.min(gPerTile, G - g0);
      const block = new Uint32Array(br * gt);
      for (let r = 0; r < br; r++) for (let g = 0; g < gt; g++) block[r * gt + g] = codes[(r0 + r) * G + g0 + g];
      packMatrix(block, br, gt, bits, mem, base + (r0 * G + br * g0) * sb);
    }
  }
}

/**
 * Packs a rows × K matrix of 4-bit codes tile-major (file header): bands of `band` rows, each band's k-tile
 * blocks (its rows × the k tile's codes, row-major, each row from a byte) one after another. A band starts
 * where it would row-major (row · rowBytes(K)), and the block of k tile ki at band start + band rows ·
 * rowBytes(ki · kt) (kt is a multiple of 8: every block starts on a byte).
 */
function packTiledCodes(codes: ArrayLike<number>, rows: number, K: number, band: number, kt: number, mem: Uint8Array, base: number): void {
  for (let r0 = 0; r0 < rows; r0 += band) {
    const br = Math.min(band, rows - r0);
    for (let k0 = 0; k0 < K; k0 += kt) {
      const w = Math.min(kt, K - k0);
      const block = new Uint32Array(br * w);
      for (let r = 0; r < br; r++) for (let c = 0; c < w; c++) block[r * w + c] = codes[(r0 + r) * K + k0 + c];
      packMatrix(block, br, w, 4, mem, base + r0 * rowBytes(K, 4) + br * rowBytes(k0, 4));
    }
  }
}

/** Activations quantized on chip by qact from the raw X (no codes or scales in DRAM; file header). */
function runtimeQuant(t: T): boolean {
  return t.golden.activationQuant === 'runtime';
}

/**
 * The resident code panel of runtime quantization for step `s`: the act and meta addresses of this k
 * step's block, where n tile 0's qact writes the codes and scales that every n tile's qgemm_tile reads.
 * The panel lies above the slots of each space (program.ts lays slots out from address 0: slot i at
 * i · slot size; two, or SlotLayout.ring) and holds kTiles blocks of a full step (mt rows of kt codes; mt · gt scales). Undefined
 * with one n tile (nothing to reuse) or when it does not fit the space's usable capacity (the ISA's
 * address limits; limits a caller tightens through compileGemm's options do not reach this hook).
 */
function codePanel(t: T, s: StepContext): { readonly act: number; readonly meta: number } | undefined {
  const { tiling, slots } = s;
  if (!runtimeQuant(t) || tiling.nTiles === 1) return undefined;
  const actBlock = tiling.mt * rowBytes(tiling.kt, t.bits.act);
  const metaBlock = tiling.mt * Math.ceil(tiling.kt / t.groupSize) * scaleBytes(t);
  // above the ring's slots (2, or more for a streamed schedule whose loads run further ahead)
  const ring = slots.ring ?? 2;
  const actBase = ring * slots.actSlot;
  const metaBase = ring * slots.metaSlot;
  const usable = (b: 'act' | 'meta'): number => Math.min(t.capacity[b], ISA_LIMITS.bufferAddress[b]);
  if (actBase + tiling.kTiles * actBlock > usable('act') || metaBase + tiling.kTiles * metaBlock > usable('meta')) return undefined;
  return { act: actBase + s.ki * actBlock, meta: metaBase + s.ki * metaBlock };
}

/**
 * The lrw address of the output tile's U rows: its tile-parity slot above the lrw ring (two slots or
 * SlotLayout.ring). U is loaded in a tile's last step and read by its epilogue; the next load into the same
 * slot, two tiles later, waits for a step after that epilogue.
 */
function upSlot(s: StepContext): number {
  return (s.slots.ring ?? 2) * s.slots.lrwSlot + s.tileSlot * (s.slots.lrwTileSlot ?? 0);
}

/** Declared LoRA scales and a branch to apply them to. */
function hasLoraScales(t: T): boolean {
  return t.pe.loraScales && t.pe.rank > 0;
}

/** Engine cycles of instructions run one after another on the step's tile (compile-cycles.ts lowRankInstructionCycles). */
function engineCycles(t: T, s: StepContext, prog: readonly Instruction[]): number {
  return prog.reduce((sum, inst) => sum + instructionCycles(t, inst, s.mt, s.nt, s.kt), 0);
}

/**
 * The closed form of one instruction on an m × n × k tile, remembered per target: the scheduler's cost model
 * times every k step of every candidate, and a multi-pass closed form walks the tile's passes.
 */
const CYCLES_SEEN = new WeakMap<T, Map<string, number>>();
function instructionCycles(t: T, inst: Instruction, m: number, n: number, k: number): number {
  let seen = CYCLES_SEEN.get(t);
  if (!seen) CYCLES_SEEN.set(t, (seen = new Map()));
  const flags = inst.kind === 'lr_up' ? Number(inst.use_lscale) : inst.kind === 'dequant' ? Number(inst.use_cscale) * 2 + Number(inst.use_bias) : 0;
  const key = `${inst.kind} ${m} ${n} ${k} ${flags}`;
  let c = seen.get(key);
  if (c === undefined) seen.set(key, (c = lowRankInstructionCycles(t, inst, { m, n, k }, t.groupSize, t.golden.rank) ?? 0));
  return c;
}

export const lowRankGemmCompile: CompileFacet<'lowrank_gemm'> = {
  variants: () => 1,
  target: (pe) => lowRankTarget(pe),
  diagnose(_accel, pe, sink) {
    diagnoseTarget(pe, sink, () => lowRankTarget(pe));
    const maxRank = Math.min(LOW_RANK_MAX_RANK, ISA_LIMITS.rank - (ISA_LIMITS.rank % 16));
    if (pe.rank > maxRank) sink.report(pe.paramSpans.rank ?? pe.span, `rank ${pe.rank} exceeds the largest low-rank branch the golden model and the ISA's setmode.rank (${ISA_LIMITS.rank}) take, ${maxRank}`, `write rank ≤ ${maxRank}`);
  },
  randomOperands: lowRankGemmOperands,
  checkShape: () => undefined,
  kAlign: () => 1,
  slotNeeds(t, mt, nt, kt) {
    const cfg = t.golden;
    const gt = Math.ceil(kt / t.groupSize);
    const sb = scaleBytes(t);
    const metaOff2 = mt * gt * sb;
    const metaOff3 = metaOff2 + nt * gt * sb;
    const cscaleOff = metaOff3 + nt * 2;
    const lscaleOff = cscaleOff + (t.bits.cscale > 0 ? nt * 2 : 0);
    const meta = lscaleOff + (hasLoraScales(t) ? 4 * loraScaleCount(cfg.rank) : 0);
    let actExtra = runtimeQuant(t) ? mt * kt * 2 : 0;
    let lrw = 0;
    let lrwTile = 0;
    if (cfg.rank > 0) {
      actExtra = mt * kt * 2;
      // D per k step in the lrw ring; U per output tile, in the two tile-parity slots above it
      lrw = cfg.rank * kt * 2;
      lrwTile = nt * cfg.rank * 2;
    }
    return { actExtra, meta, lrw, lrwTile, offsets: { metaOff2, metaOff3, cscaleOff, lscaleOff } };
  },
  stepRowBytes: (t, _nt, kt) => Math.max(Math.ceil(kt / t.groupSize) * scaleBytes(t), t.golden.rank > 0 || runtimeQuant(t) ? kt * 2 : 0),
  loadsActivationCodes: (t) => !runtimeQuant(t),
  tileMajorCodes: () => true,
  // runtime quantization keeps the m tile's code panel resident beside the streamed steps
  mTilePanel: (t) => runtimeQuant(t),
  // m-outer keeps the branch's lrt valid across the m tile's n tiles (lr_down at n tile 0); runtime
  // quantization has its own code panel
  actResidency: (t) => !runtimeQuant(t),
  // the engine's qgemm_tile (multi-pass: its fetches per pass dominate a 64-element k step)
  tileCycles: (t, mt, nt, kt) => lowRankQgemmCycles(t, mt, nt, kt, t.groupSize),
  // the step's and the epilogue's instructions as emitted, each by the closed form the simulator times it with
  stepCycles: (t, s) => engineCycles(t, s, lowRankGemmCompile.tileInstructions(t, s)),
  epilogueCycles: (t, s) => engineCycles(t, s, [...lowRankGemmCompile.epilogue(t, s), createInstruction('writeback', { acc: 0, out: 0 })]),
  layoutDram(t, shape, _tiling, take) {
    const { m, k, n } = shape;
    const cfg = t.golden;
    const G = Math.ceil(k / t.groupSize);
    const cscale = t.bits.cscale > 0 ? take(n * 2) : -1;
    const ascale = runtimeQuant(t) ? -1 : take(m * G * scaleBytes(t));
    const wscale = take(n * G * scaleBytes(t));
    const bias = take(n * 2);
    const lscale = hasLoraScales(t) ? take(4 * loraScaleCount(cfg.rank)) : -1;
    if (cfg.rank === 0) return runtimeQuant(t) ? { cscale, ascale, wscale, bias, lscale, x: take(m * k * 2) } : { cscale, ascale, wscale, bias, lscale };
    const x = take(m * k * 2);
    const down = take(cfg.rank * k * 2);
    const up = take(n * cfg.rank * 2);
    return { cscale, ascale, wscale, bias, lscale, x, down, up };
  },
  packDram(t, shape, tiling, layout, o, mem) {
    const { m, k, n } = shape;
    const cfg = t.golden;
    const G = Math.ceil(k / t.groupSize);
    const sb = t.bits.gscale;
    if (runtimeQuant(t)) {
      if (!o.x) throw new CompileError('unsupported', `lowrank_gemm PE '${t.pe.name}' quantizes activations at run time; the operands have no raw X`);
      packMatrix(o.x, m, k, 16, mem, layout.x);
    } else {
      if (!o.qa || !o.sa) throw new CompileError('unsupported', `lowrank_gemm PE '${t.pe.name}' takes offline-quantized activations; the operands have no codes or scales`);
      packTiledCodes(o.qa, m, k, tiling.mt, tiling.kt, mem, layout.a);
      packTiledScales(o.sa, m, G, sb, tiling.mt, tiling.kt / t.groupSize, mem, layout.ascale);
    }
    packTiledCodes(o.qw, n, k, tiling.nt, tiling.kt, mem, layout.w);
    packTiledScales(o.sw, n, G, sb, tiling.nt, tiling.kt / t.groupSize, mem, layout.wscale);
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
      if (!runtimeQuant(t)) packMatrix(o.x, m, k, 16, mem, layout.x);
      const dT = new Uint32Array(r * k);
      for (let kk = 0; kk < k; kk++) for (let j = 0; j < r; j++) dT[j * k + kk] = o.down[kk * r + j];
      packMatrix(dT, r, k, 16, mem, layout.down);
      packMatrix(o.up, n, r, 16, mem, layout.up);
    }
  },
  preamble(t, ops) {
    if (t.golden.main.kind !== 'nvfp4') return [];
    return [createInstruction('setscale', { value: ops?.tensorScale ?? 0x3f800000 })];
  },
  stepLoads(t, s) {
    const { layout, slots, metaBase, m0, n0, mt, nt, g0, gt, G, kt, k0, last } = s;
    const k = s.shape.k;
    const rank = t.golden.rank;
    const sb = scaleBytes(t);
    const loads: DmaLoad[] = [];
    const load = (dram: number, buf: DmaLoad['buf'], bufAddr: number, rows: number, rowBytes: number, stride: number): void => void loads.push({ dram, buf, bufAddr, rows, rowBytes, stride });
    const runtime = runtimeQuant(t);
    // tile-major scales (file header): the step's block is one row
    if (!runtime) load(layout.ascale + (m0 * G + mt * g0) * sb, 'meta', metaBase, 1, mt * gt * sb, 0);
    load(layout.wscale + (n0 * G + nt * g0) * sb, 'meta', metaBase + slots.metaOff2, 1, nt * gt * sb, 0);
    if (last) load(layout.bias + n0 * 2, 'meta', metaBase + slots.metaOff3, 1, nt * 2, 0);
    if (last && layout.cscale >= 0) load(layout.cscale + n0 * 2, 'meta', metaBase + slots.cscaleOff, 1, nt * 2, 0);
    if (last && layout.lscale >= 0) load(layout.lscale, 'meta', metaBase + slots.lscaleOff, 1, 4 * loraScaleCount(rank), 0);
    // raw X: for the down projection and qact (n tile 0), and for qact in every step without a code panel
    if ((rank > 0 && s.ni === 0) || (runtime && (s.ni === 0 || !codePanel(t, s)))) load(layout.x + (m0 * k + k0) * 2, 'act', s.act + slots.actRawOff, mt, kt * 2, k * 2);
    if (rank > 0 && s.ni === 0) load(layout.down + k0 * 2, 'lrw', s.slot * slots.lrwSlot, rank, kt * 2, k * 2);
    if (rank > 0 && last) load(layout.up + n0 * rank * 2, 'lrw', upSlot(s), 1, nt * rank * 2, 0);
    return loads;
  },
  tileInstructions(t, s) {
    const { act, wgt, metaBase, slots } = s;
    if (runtimeQuant(t)) {
      // qact and lr_down read the same raw X tile; qact writes the codes and scales qgemm_tile reads (in the
      // resident panel, where later n tiles read them without quantizing again).
      const panel = codePanel(t, s);
      const codes = panel?.act ?? act;
      const scales = panel?.meta ?? metaBase;
      const tile = (pop: boolean): Instruction => createInstruction('qgemm_tile', { act: codes, wgt, acc: 0, ascale: scales, wscale: metaBase + slots.metaOff2, pop_prev: pop, clear: s.first, push_prev: !s.last });
      if (panel && s.ni > 0) return [tile(true)];
      const prog: Instruction[] = [createInstruction('qact', { src: act + slots.actRawOff, dst: codes, scales, pop_prev: true })];
      if (t.golden.rank > 0 && s.ni === 0) prog.push(createInstruction('lr_down', { act: act + slots.actRawOff, lrw: s.slot * slots.lrwSlot, lrt: 0, clear: s.first }));
      prog.push(tile(false));
      return prog;
    }
    if (t.golden.rank > 0 && s.ni === 0) {
      return [
        createInstruction('lr_down', { act: act + slots.actRawOff, lrw: s.slot * slots.lrwSlot, lrt: 0, clear: s.first, pop_prev: true }),
        createInstruction('qgemm_tile', { act, wgt, acc: 0, ascale: metaBase, wscale: metaBase + slots.metaOff2, clear: s.first, push_prev: !s.last }),
      ];
    }
    return [createInstruction('qgemm_tile', { act, wgt, acc: 0, ascale: metaBase, wscale: metaBase + slots.metaOff2, pop_prev: true, clear: s.first, push_prev: !s.last })];
  },
  epilogue(t, s) {
    const { layout, slots, metaBase } = s;
    const prog: Instruction[] = [];
    const cs = layout.cscale >= 0 ? { cscale: metaBase + slots.cscaleOff, use_cscale: true } : {};
    prog.push(createInstruction('dequant', { acc: 0, bias: metaBase + slots.metaOff3, use_bias: true, use_tscale: t.golden.main.kind === 'nvfp4', ...cs }));
    const ls = layout.lscale >= 0 ? { lscale: metaBase + slots.lscaleOff, use_lscale: true } : {};
    if (t.golden.rank > 0) prog.push(createInstruction('lr_up', { acc: 0, lrt: 0, lrw: upSlot(s), ...ls }));
    return prog;
  },
};
