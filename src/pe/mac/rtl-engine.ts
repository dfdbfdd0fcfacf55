/**
 * The tile engine of the `mac` PE kind (docs/array-rtl.md "Engine interface"): a rows × cols array of
 * MAC cells whose accumulator registers are the accumulator entries (entry e = i·n + j in the cell of row
 * j, column i), operand staging RAMs in front, per-row output units behind. It executes `mac_tile`,
 * `dequant` (use_cscale only) and `writeback` on single-pass tiles (m ≤ cols, n ≤ rows, acc = 0) and traps
 * on anything else. Arithmetic is bit for bit docs/golden.md §mac (as src/pe/mac/sim.ts applies it
 * through golden.ts's macDot, macScaled, macOutputCode): int8 products summed into a wrapping 32-bit register; fp16 × fp16
 * (or fp16 × int8, the weight converted exactly to fp16) fused into the fp16/fp32 accumulator, one
 * rounding per element, k ascending (a PE of L lanes chains L fused steps per cycle, lanes beyond k pass
 * the accumulator through untouched); writeback rounds acc (or, after `dequant use_cscale`, the exact
 * product acc · cscale[j]) once to fp16 with the IEEE multiplier (fp_mul, whose product is exact).
 *
 * Schedule (Q_X = the port bytes of buffer X; the simulator's macTileCycles, macDequantCycles and
 * macWritebackCycles in ./timing.ts are the same closed forms — codegen may not import src/sim, so
 * `macEngineGeometry` restates the chunk sizes and the self-bench checks RTL cycles = simulator cycles):
 * - mac_tile started in cycle s: s takes the command (or traps). FETCH: activation row i (RB_a = k·bytes
 *   per activation, at act + i·RB_a) is read in ceil(RB_a / Q_act) chunks into column i's staging RAM while
 *   weight row j goes into row j's, both ports in parallel: F = max(m·ceil(RB_a/Q_act), n·ceil(RB_w/Q_wgt))
 *   cycles. One cycle for the last chunk to land, then one staging read per step of L lanes (T = ceil(k/L)
 *   cycles); a step's operands reach the cells S cycles after its read (the staging RAM's register, then
 *   S − 1 pipeline registers, S = pipeline_stages) and the cells accumulate at the end of that cycle:
 *   D = F + T + S + 2.
 * - dequant use_cscale: s, then ceil(2n / Q_meta) reads of the n fp16 channel scales into per-row scale
 *   registers, the last arriving one cycle after its read: D = ceil(2n / Q_meta) + 2; without flags D = 2.
 * - writeback: s, then one token (array column i) per ceil(n·outBytes / Q_out) cycles: the per-row output
 *   units round column i's n accumulators, and the token's n·outBytes bytes (contiguous at
 *   out + i·n·outBytes) are written Q_out bytes a cycle from a registered port: D = m·ceil(n·ob/Q_out) + 2.
 * - a trapped or empty instruction: D = 2.
 * The staging RAMs are per column (activations) and per row (weights), maxTileK elements deep, with words
 * of lcm(Q, L·bytes per element) bytes, so chunks and steps are aligned and need no rotation.
 */
import { bufferAddressBits as addrBits, bufferLanes } from '../../arch/microarch.js';
import type { Target } from '../../compile/target.js';
import { FP16 } from '../../formats/float.js';
import { ISA } from '../../isa/isa.js';
import type { IsaBuffer } from '../../isa/generated-types.js';
import { engineBufferPorts, type EngineContext } from '../../codegen/verilog/engine.js';
import type { TargetOf } from '../facets/compile.js';
import { EXP_WIDTH, floatShape, fpFma, fpMul, fpRound } from '../../codegen/verilog/fp-units.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { isaDecoderParams } from '../../codegen/verilog/isa-decoder.js';
import { bitsFor, type RtlModule } from '../../codegen/verilog/module-set.js';
import { macAccumulator, operandStaging } from './microarch.js';

/** The engine's trap codes (1..127; the top reports 0x80 | code). */
export const MAC_ENGINE_TRAPS = {
  /** An instruction this engine does not execute (anything but mac_tile, dequant, writeback; dequant use_tscale/use_bias; use_cscale on int8). */
  unsupported: 1,
  /** m or n outside 1..cols / 1..rows: the RTL runs single-pass tiles only (weight-stationary: m outside 1..MAC_WS_ACC_DEPTH, n outside 1..cols). */
  multiPass: 2,
  /** acc ≠ 0: the accumulators are the cell registers, one tile at entry 0. */
  accBase: 3,
  /** k outside 1..maxTileK (the operand staging depth). */
  tileK: 4,
  /** An operand, scale or output tile outside its buffer space. */
  bounds: 6,
  /** writeback relu (not implemented, as in the simulator). */
  relu: 7,
  /**
   * The accumulators do not hold what the instruction needs: an accumulating (clear = 0) tile or an
   * epilogue whose m × n differs from the tile in the array (the entry ↔ cell map depends on n), an
   * epilogue before any tile, a tile accumulating onto scaled entries, or a second channel scaling.
   */
  accState: 8,
} as const;

/** The engine's geometry, as the simulator's timing formulas count it. */
export interface MacEngineGeometry {
  /** Bytes per activation / weight element in the buffers, bytes per output. */
  readonly actBytes: number;
  readonly wgtBytes: number;
  readonly outBytes: number;
  /** Bytes moved per read / write of each port (its full port width). */
  readonly chunkAct: number;
  readonly chunkWgt: number;
  readonly chunkMeta: number;
  readonly chunkOut: number;
  /** PE lanes (elements per cell per cycle) and pipeline stages. */
  readonly lanes: number;
  readonly stages: number;
}

/** Geometry of the mac engine of a target. */
export function macEngineGeometry(t: TargetOf<'mac'>): MacEngineGeometry {
  const pe = t.pe;
  const actBytes = t.bits.act / 8;
  const wgtBytes = t.bits.wgt / 8;
  const outBytes = t.bits.out / 8;
  // `qacc check` (src/compile/check-design.ts) requires an activations and a weights buffer and an out space
  // of at least a byte; resolveTarget gives a buffer space with room a port of at least 1 byte, and the mac
  // engine reads and writes any port width of at least a byte.
  rtlInvariant(
    t.portBytes.act >= 1 && t.portBytes.wgt >= 1,
    `the mac tile engine needs activation and weight buffer ports (has ${t.portBytes.act} and ${t.portBytes.wgt} bytes)`,
  );
  rtlInvariant(t.portBytes.out >= 1, 'the mac tile engine needs an output buffer port');
  return {
    actBytes,
    wgtBytes,
    outBytes,
    chunkAct: t.portBytes.act,
    chunkWgt: t.portBytes.wgt,
    chunkMeta: Math.max(1, t.portBytes.meta),
    chunkOut: t.portBytes.out,
    lanes: pe.lanes,
    stages: pe.pipelineStages,
  };
}

/** Byte lanes of a buffer's RAM (the shared rule, src/arch/microarch.ts). */
export function bufferLanesOf(t: Target, x: IsaBuffer): number {
  return bufferLanes(t)[x];
}

/** Width of a counter over 0..n−1 (at least 1 bit). */
export function idxBits(n: number): number {
  return Math.max(1, bitsFor(Math.max(0, n - 1)));
}

/** `expr` (a `from`-bit value) zero-extended or truncated to `to` bits, as Verilog text. */
export function resize(expr: string, from: number, to: number): string {
  if (from === to) return expr;
  return from < to ? `{${to - from}'d0, ${expr}}` : `${expr}[${to - 1}:0]`;
}

/** A sized zero of a counter of `width` bits. */
export function zero(width: number): string {
  return `${width}'d0`;
}

/** A pipeline of `stages` registers on a `width`-bit bus (stages ≥ 1), or undefined for none. */
function delayLine(prefix: string, width: number, stages: number): RtlModule | undefined {
  if (stages < 1) return undefined;
  return {
    name: `${prefix}mac_delay_w${width}_n${stages}`,
    template: 'mac/engine_mac_delay.v.hbs',
    deps: [],
    view: { width, msb: width - 1, stages, lastIdx: stages - 1 },
  };
}

/** `inst(in, out)` for a delay of `stages` on a bus: an instance, or a plain assignment when 0 stages. */
function delayText(mod: RtlModule | undefined, inst: string, input: string, output: string): string {
  return mod
    ? `  ${mod.name} ${inst} (.clk(clk), .rst(rst), .d(${input}), .q(${output}));`
    : `  assign ${output} = ${input};`;
}

/** One operand side (activations into columns, weights into rows) of the engine. */
function operandModule(
  prefix: string,
  side: 'act' | 'wgt',
  t: Target,
  geo: MacEngineGeometry,
  banks: number,
): RtlModule {
  const eb = side === 'act' ? geo.actBytes : geo.wgtBytes;
  const chunk = side === 'act' ? geo.chunkAct : geo.chunkWgt;
  const stepBytes = geo.lanes * eb;
  const { word, depth } = operandStaging(t.maxTileK, eb, chunk, geo.lanes);
  const maxRow = t.maxTileK * eb;
  const positions = word / chunk;
  const subs = word / stepBytes;
  const lanesX = bufferLanesOf(t, side);
  const aw = addrBits(t.capacity[side]);
  const rbWidth = bitsFor(maxRow + chunk);
  const opWidth = banks * stepBytes * 8;
  const delay = delayLine(prefix, opWidth, geo.stages - 1);
  const name = `${prefix}mac_operand_${side}_b${banks}_q${chunk}_s${stepBytes}_d${depth}_l${lanesX}_a${aw}_p${geo.stages}`;
  return {
    name,
    template: 'mac/engine_mac_operand.v.hbs',
    deps: delay ? [delay] : [],
    view: {
      what:
        side === 'act'
          ? `activations: one staging RAM per array column (token)`
          : `weights: one staging RAM per array row (output channel)`,
      banks,
      bankMsb: idxBits(banks) - 1,
      chunk,
      chunkMsb: 8 * chunk - 1,
      stepBytes,
      stepMsb: 8 * stepBytes - 1,
      word,
      wordMsb: 8 * word - 1,
      wordLanesMsb: word - 1,
      depth,
      depthMsb: idxBits(depth) - 1,
      positions,
      posMsb: idxBits(positions) - 1,
      posZero: zero(idxBits(positions)),
      depthZero: zero(idxBits(depth)),
      subZero: zero(idxBits(subs)),
      stepBits: 8 * stepBytes,
      rowBank: resize('row', 16, idxBits(banks)),
      choffAw: resize('choff', rbWidth, aw),
      rbAw: resize('rb_q', rbWidth, aw),
      lastPos: `${idxBits(positions)}'d${positions - 1}`,
      subs,
      subMsb: idxBits(subs) - 1,
      lastSub: `${idxBits(subs)}'d${subs - 1}`,
      rbMsb: rbWidth - 1,
      rbWidth,
      chunkRb: `${rbWidth}'d${chunk}`,
      awMsb: aw - 1,
      rdMsb: 8 * lanesX - 1,
      opMsb: opWidth - 1,
      delay: delayText(delay, 'u_pipe', 'sel', 'opnd'),
      stages: geo.stages,
    },
  };
}

/**
 * The MAC cell (one PE of the array): L chained multiply-accumulate steps per cycle into `acc`
 * (`stem` mac_cell, engine_mac_cell.v.hbs), or the weight-stationary engine's combinational PE, the same
 * chain from psum_in to psum_out (`stem` mac_ws_cell, engine_mac_ws_cell.v.hbs); the lane bodies are shared.
 */
export function cellModule(
  prefix: string,
  t: TargetOf<'mac'>,
  lanes: number,
  stem: 'mac_cell' | 'mac_ws_cell' = 'mac_cell',
): { cell: RtlModule; accWidth: number; outMul: RtlModule | undefined } {
  const cfg = t.golden;
  const template = stem === 'mac_cell' ? 'mac/engine_mac_cell.v.hbs' : 'mac/engine_mac_ws_cell.v.hbs';
  const acc = macAccumulator(cfg);
  if (cfg.variant === 'int8' || acc.float === undefined) {
    return {
      cell: {
        name: `${prefix}${stem}_int8_l${lanes}`,
        template,
        deps: [],
        parts: { body: { template: 'mac/engine_mac_cell_int8.v.hbs', view: {} } },
        view: {
          variantText: 'int8 x int8 exact products added into a wrapping 32-bit register',
          lanes,
          aMsb: 8 * lanes - 1,
          bMsb: 8 * lanes - 1,
          accMsb: acc.bits - 1,
          accWidth: acc.bits,
        },
      },
      accWidth: acc.bits,
      outMul: undefined,
    };
  }
  const f16 = floatShape(FP16);
  const accShape = floatShape(acc.float);
  const accWidth = acc.bits;
  const fma = fpFma(f16, f16, accShape, accShape);
  const outMul = fpMul(accShape, f16, f16);
  const deps: RtlModule[] = [fma];
  let weightConvert = '      assign w16 = b[16 * l +: 16];';
  let bBits = 16;
  if (cfg.variant === 'fp16_int8') {
    const conv = fpRound(f16, 8);
    deps.push(conv);
    bBits = 8;
    weightConvert = [
      '      // int8 -> fp16 is exact (|b| <= 128 has at most 8 significant bits)',
      '      wire [7:0] b8 = b[8 * l +: 8];',
      `      ${conv.name} u_w16 (.sign(b8[7]), .mag(b8[7] ? -b8 : b8), .lsb_exp(${EXP_WIDTH}'sd0), .code(w16));`,
    ].join('\n');
  }
  return {
    cell: {
      name: `${prefix}${stem}_${cfg.variant}_${cfg.accumulator}_l${lanes}`,
      template,
      deps,
      parts: {
        body: {
          template: 'mac/engine_mac_cell_fma.v.hbs',
          view: { fma: fma.name, weightConvert, accMsb: accWidth - 1 },
        },
      },
      view: {
        variantText: `fp16 x ${cfg.variant === 'fp16_int8' ? 'int8' : 'fp16'} + acc fused into an ${cfg.accumulator} accumulator, one rounding per element`,
        lanes,
        aMsb: 16 * lanes - 1,
        bMsb: bBits * lanes - 1,
        accMsb: accWidth - 1,
        accWidth,
      },
    },
    accWidth,
    outMul,
  };
}

/** A decoded instruction field: the wire the engine names it by, and its place in the word. */
export interface DecodedField {
  readonly wire: string;
  readonly lsb: string;
  readonly width: string;
  readonly msb: number;
  readonly bits: number;
}

/** The fields the engine decodes, positions from the ISA localparams, widths from the ISA definition. */
export function decodedFields(): DecodedField[] {
  const wanted: [string, string, string][] = [
    ['mac_tile', 'clear', 't_clear'],
    ['mac_tile', 'act', 't_act'],
    ['mac_tile', 'wgt', 't_wgt'],
    ['mac_tile', 'acc', 't_acc'],
    ['dequant', 'use_tscale', 'd_tscale'],
    ['dequant', 'use_cscale', 'd_cscale'],
    ['dequant', 'use_bias', 'd_bias'],
    ['dequant', 'acc', 'd_acc'],
    ['dequant', 'cscale', 'd_cs'],
    ['writeback', 'relu', 'w_relu'],
    ['writeback', 'out', 'w_out'],
    ['writeback', 'acc', 'w_acc'],
  ];
  return wanted.map(([inst, field, wire]) => {
    const f = ISA.instructions.find((i) => i.name === inst)?.fields.find((x) => x.name === field);
    rtlInvariant(f !== undefined, `ISA has no ${inst}.${field}`); // the ISA definition names every field listed
    const key = `QACC_${inst.toUpperCase()}_${field.toUpperCase()}`;
    return { wire, lsb: `${key}_LSB`, width: `${key}_W`, msb: f.width - 1, bits: f.width };
  });
}

/** The mac tile engine module (EngineGenerator). */
export function macEngine(t: TargetOf<'mac'>, ctx: EngineContext): RtlModule {
  const pe = t.pe;
  const cfg = t.golden;
  const geo = macEngineGeometry(t);
  const rows = t.array.rows;
  const cols = t.array.cols;
  const L = geo.lanes;
  const S = geo.stages;
  const actSide = operandModule(ctx.prefix, 'act', t, geo, cols);
  const wgtSide = operandModule(ctx.prefix, 'wgt', t, geo, rows);
  const { cell, accWidth, outMul } = cellModule(ctx.prefix, t, L);
  const ctlWidth = 3 + L;
  const ctlDelay = delayLine(ctx.prefix, ctlWidth, S - 1);
  const { lanes, aw, fields: portFields } = engineBufferPorts(t);
  const hasScale = cfg.variant !== 'int8';
  const ob = geo.outBytes;
  const outChunks = Math.ceil((rows * ob) / geo.chunkOut);
  const scaleBytes = 2 * rows;
  const metaChunks = Math.ceil(scaleBytes / geo.chunkMeta);
  const traps = Object.entries(MAC_ENGINE_TRAPS).map(([name, code]) => ({
    name: name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
    code,
  }));
  const deps: RtlModule[] = [actSide, wgtSide, cell];
  if (ctlDelay) deps.push(ctlDelay);
  if (outMul) deps.push(outMul);
  const kWidth = 17;
  const fields = decodedFields();
  const fw = (wire: string): number => {
    const f = fields.find((x) => x.wire === wire);
    rtlInvariant(f !== undefined, `no field ${wire}`); // fw is called with wires of decodedFields only
    return f.bits;
  };
  const outChunkBits = idxBits(outChunks);
  const metaChunkBits = idxBits(metaChunks);
  return {
    name: ctx.moduleName,
    template: 'mac/engine_mac.v.hbs',
    deps,
    parts: {
      outUnit: outMul
        ? { template: 'mac/engine_mac_out_fp.v.hbs', view: { outMul: outMul.name } }
        : { template: 'mac/engine_mac_out_int.v.hbs', view: {} },
      scaleRegs: hasScale
        ? {
            template: 'mac/engine_mac_scale_fp.v.hbs',
            view: {
              chunkMeta: geo.chunkMeta,
              scaleBytes,
              scaleMsb: 8 * scaleBytes - 1,
              metaChunkMsb: idxBits(metaChunks) - 1,
            },
          }
        : { template: 'mac/engine_mac_scale_none.v.hbs', view: {} },
    },
    view: {
      isaParams: isaDecoderParams(),
      peName: pe.name,
      variantText:
        cfg.variant === 'int8' ? 'int8 x int8 -> int32' : `${cfg.variant}, ${cfg.accumulator} accumulator`,
      rows,
      cols,
      lanes: L,
      laneMsb: L - 1,
      stages: S,
      maxTileK: t.maxTileK,
      kMsb: kWidth - 1,
      kLanes: `${kWidth}'d${L}`,
      actBytes: geo.actBytes,
      wgtBytes: geo.wgtBytes,
      outBytes: ob,
      actModule: actSide.name,
      wgtModule: wgtSide.name,
      cellModule: cell.name,
      actRbMsb: actSide.view.rbMsb as number,
      wgtRbMsb: wgtSide.view.rbMsb as number,
      actRbWidth: actSide.view.rbWidth as number,
      wgtRbWidth: wgtSide.view.rbWidth as number,
      actOpMsb: cols * L * geo.actBytes * 8 - 1,
      wgtOpMsb: rows * L * geo.wgtBytes * 8 - 1,
      aBits: 8 * geo.actBytes * L,
      bBits: 8 * geo.wgtBytes * L,
      accMsb: accWidth - 1,
      accWidth,
      accFlatMsb: rows * cols * accWidth - 1,
      ctlMsb: ctlWidth - 1,
      ctlDelay: delayText(ctlDelay, 'u_ctl_pipe', 'ctl1', 'ctl_pe'),
      hasScale: hasScale ? 1 : 0,
      chunkMeta: geo.chunkMeta,
      metaChunks,
      metaChunkMsb: idxBits(metaChunks) - 1,
      scaleBytes,
      chunkOut: geo.chunkOut,
      chunkOutMsb: 8 * geo.chunkOut - 1,
      outChunks,
      outChunkMsb: idxBits(outChunks) - 1,
      tokenBytes: rows * ob,
      tokenMsb: 8 * rows * ob - 1,
      paddedMsb: 8 * outChunks * geo.chunkOut - 1,
      padBits: 8 * (outChunks * geo.chunkOut - rows * ob),
      outUnitMsb: 8 * ob - 1,
      tokMsb: idxBits(cols) - 1,
      ...portFields,
      traps,
      fields,
      mSmall: resize(`cfg_m[${bitsFor(cols) - 1}:0]`, bitsFor(cols), 40),
      nSmall: resize(`cfg_n[${bitsFor(rows) - 1}:0]`, bitsFor(rows), 40),
      kSmall: resize(`cfg_k[${bitsFor(t.maxTileK) - 1}:0]`, bitsFor(t.maxTileK), 40),
      tActEnd: resize('t_act', fw('t_act'), 40),
      tWgtEnd: resize('t_wgt', fw('t_wgt'), 40),
      dCsEnd: resize('d_cs', fw('d_cs'), 40),
      wOutEnd: resize('w_out', fw('w_out'), 40),
      tActAw: resize('t_act', fw('t_act'), aw.act),
      tWgtAw: resize('t_wgt', fw('t_wgt'), aw.wgt),
      dCsAw: resize('d_cs', fw('d_cs'), aw.meta),
      wOutAw: resize('w_out', fw('w_out'), aw.out),
      tAccZero: zero(fw('t_acc')),
      dAccZero: zero(fw('d_acc')),
      wAccZero: zero(fw('w_acc')),
      kZero: zero(kWidth),
      ctlZero: zero(ctlWidth),
      metaChunkZero: zero(metaChunkBits),
      tokZero: zero(idxBits(cols)),
      outChunkZero: zero(outChunkBits),
      chunkMetaAw: `${aw.meta}'d${geo.chunkMeta % 2 ** aw.meta}`,
      choffAwOut: resize('wb_choff', 20, aw.out),
      nobAw: resize('nob', 20, aw.out),
      wbTok16: resize('wb_tok', idxBits(cols), 16),
      wbTok32: resize('wb_tok', idxBits(cols), 32),
      tokPadded: resize('tok_bytes', 8 * rows * ob, 8 * outChunks * geo.chunkOut),
      wDataExt: resize('wchunk', 8 * geo.chunkOut, 8 * lanes.out),
      wMaskExt: resize('wmask', geo.chunkOut, lanes.out),
      chunkOutBits: 8 * geo.chunkOut,
      chunkOutLanesMsb: geo.chunkOut - 1,
      outUnitBits: 8 * ob,
      chunkActText: geo.chunkAct,
      chunkWgtText: geo.chunkWgt,
    },
  };
}
