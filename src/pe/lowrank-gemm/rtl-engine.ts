/**
 * The tile engine of the `lowrank_gemm` PE kind (docs/array-rtl.md "Engine interface"): SVDQuant's 4-bit
 * group-scaled GEMM (qgemm_tile) plus the 16-bit low-rank branch (lr_down, lr_up) and the epilogue
 * (dequant, writeback), on a rows × cols array of engine PEs (engine_lowrank_pe.v.hbs) that reuse the
 * low-rank PE's arithmetic blocks (lr_elem tables, fp-units rounders, multipliers and adders).
 *
 * Micro-architecture (engine_lowrank.v.hbs; the simulator's closed forms are timing.ts "lowrank_gemm"):
 * - Multi-pass tiles (issue 13): an m × n tile (m ≤ cols · tilePassesM, n ≤ rows · tilePassesN, acc = 0,
 *   lrt = 0; anything else traps) runs as array passes, n passes outer, m passes inner (timing.ts). Entry
 *   e = i·n + j (token i = pm·cols + c, channel j = pn·rows + r) is word pm · tilePassesN + pn of the fp32
 *   register file `v` of PE (row r, column c), the declared tile's accumulators; a column keeps the
 *   down-projection sums of each of its tokens (one lrt word per m pass and rank index). A pass fetches only
 *   what it lacks: per-row staging (weight codes and scales, U, bias, channel and LoRA scales) in the first
 *   m pass of an n pass, qgemm_tile's per-column staging (activation codes and scales; one copy per m pass)
 *   in the first n pass; a pass with nothing to fetch goes straight to its beats.
 * - Decode cycle, then FETCH: up to four streams (act, wgt, meta, lrw ports in parallel) copy operand rows
 *   into per-column staging (act codes or raw X; activation scales) and per-row staging (weight codes;
 *   D or U rows; weight scales; the bias vector), one port-width read per cycle: a pass's rows of one
 *   operand lie contiguous and are read word after word (R rows of RB bytes take ceil(R · RB / port)
 *   reads), each word written, shifted, into every row staging it overlaps; one more cycle for the last
 *   read's data.
 * - Declared optional operands (Nunchaku's order): channel scales (`channel_scales`) are fetched by dequant
 *   with use_cscale like the bias (one meta row of 2n bytes each, the scales first), into per-row staging;
 *   LoRA scales (`lora_scales`) by lr_up with use_lscale (one meta row of 4·ceil(rank/16) bytes, in parallel
 *   with the U rows) into one vector; each column then multiplies its broadcast fp32 partial sums by their
 *   16-rank tile's scale (1.0 without use_lscale) before the 16-bit rounding. Undeclared, both trap.
 * - Beats, all PEs in parallel: qgemm_tile: one exact dot beat of `lanes` 4-bit products per cycle, the
 *   group's scale application (round_P(d) · round_P(sa · sw), added in P) in the group's last beat;
 *   lr_down: one pass per `rows` rank indices (PE row j computes rank p·rows + j), each fetching its D
 *   rows, then ceil(k / B) beats of B = lanes / 4 chained fp32 multiply-adds into the PE's `l`, written
 *   to the column's fp32 lrt registers at the pass end; lr_up: ceil(rank / B) beats of the same chain on
 *   `v` with round_R16(lrt) broadcast down the column and U along the row; dequant: one beat.
 * - writeback: token by token, its n R16 outputs (every n pass: entries i·n … i·n + n − 1 are contiguous)
 *   as ceil(2n / out port) writes, read from the PEs' 16-bit output register files (each entry's rounding,
 *   written with it), all n passes of the token's column at once.
 * - qact (activation_quant = runtime only; rtl-qact.ts): the m raw X rows fetched as lr_down's, then the
 *   engine's qact part quantizes each column's row and writes codes and scales through the act and meta
 *   write ports (RtlFacet.engineExtras); every other opcode leaves it idle, and PEs see no beat.
 * P ≠ fp32: `v` holds the fp32 encoding of the P accumulator (exact), read back through a P rounder.
 *
 * Module structure: the engine keeps the decode, the sequencers and the vectors; each array column's staging,
 * selects, down-projection sums and writeback port word are one `<prefix>lowrank_col` instance
 * (engine_lowrank_col.v.hbs), each row's staging and selects one `<prefix>lowrank_row`
 * (engine_lowrank_row.v.hbs), each column's qact quantizer and code staging one `<prefix>lowrank_qact_slice`
 * (rtl-qact.ts), so `qacc estimate --synth` synthesizes each once and counts it (src/estimate/synth/modules.ts).
 * The writeback's column select is a chain through the columns (each passes its port word on when selected).
 */
import { BF16, FP16, FP32 } from '../../formats/float.js';
import type { LowRankGemmConfig } from './golden.js';
import type { Target } from '../../compile/target.js';
import { bufferAddressBits, bufferLanes } from '../../arch/microarch.js';
import type { EngineContext } from '../../codegen/verilog/engine.js';
import { EXP_WIDTH, floatShape, fpMul } from '../../codegen/verilog/fp-units.js';
import { isaDecoderParams } from '../../codegen/verilog/isa-decoder.js';
import { lowRankBiasUnits, lowRankEpilogueText, lowRankGroupStepText, lowRankGroupStepUnits, lowRankArithmeticUnits } from './rtl-units.js';
import { sconst, type RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { lowRankQactEngine } from './rtl-qact.js';
import { stagingWriteVerilog, windowMuxVerilog } from './rtl-staging.js';
import { lowRankEngineGeometry } from './microarch.js';

/** Engine trap codes (trap_code; the top reports 0x80 | code). */
export const LOWRANK_TRAP = {
  /** An instruction or option the engine does not implement (other tile ops, relu, use_cscale / use_lscale undeclared). */
  unsupported: 1,
  /** A tile the engine cannot hold: m > cols · passes, n > rows · passes, k > maxTileK, acc ≠ 0, lrt ≠ 0, rank or group ≠ the PE's. */
  shape: 2,
  /** An operand or output outside its buffer space. */
  range: 3,
} as const;





/** The engine's PE: main path, branch chain and epilogue of one accumulator entry. */
function enginePe(cfg: LowRankGemmConfig, lanes: number, blanes: number, name: string, channelScales: boolean, slotBits: number, pnx: number): RtlModule {
  const { P, f32, f16, roms, actElem, wgtElem, dotRound, scaleMul, tsMul, branchMul, f32Add, narrow, pBits } = lowRankArithmeticUnits(cfg);
  const groupStep = lowRankGroupStepUnits(cfg, { dHat: 'd_hat', sG: 's_g', accIn: 'acc_in', accNext: 'acc_next', pMsb: pBits - 1 });
  const biasUnits = lowRankBiasUnits(cfg, { input: 'v_scaled', bias: 'bias', useBias: 'use_bias', out: 'v_bias', ...(channelScales ? { cscale: 'cs', useCscale: 'use_cs' } : {}) });
  const deps: RtlModule[] = [actElem, wgtElem, dotRound, scaleMul, tsMul, branchMul, f32Add, narrow, ...groupStep.deps, ...biasUnits.deps];
  let accLoad: string;
  let accStore: string;
  if (pBits === 32) {
    accLoad = '  assign acc_v = v;';
    accStore = '  assign acc_w = acc_next;';
  } else {
    const toP = fpMul(f32, f16, P);
    const fromP = fpMul(P, f16, f32);
    deps.push(toP, fromP);
    accLoad = `  ${toP.name} u_load (.a(v), .b(16'h3c00), .y(acc_v));`;
    accStore = `  ${fromP.name} u_store (.a(acc_next), .b(16'h3c00), .y(acc_w));`;
  }
  const laneViews = Array.from({ length: lanes }, (_, i) => ({ i, hi: 4 * i + 3, lo: 4 * i }));
  return {
    name,
    template: 'lowrank-gemm/engine_lowrank_pe.v.hbs',
    deps,
    view: {
      lanes,
      blanes,
      slots: 2 ** slotBits,
      slotMsb: slotBits - 1,
      slotDepth: 2 ** slotBits,
      pnx,
      slotPad: slotBits >= 32 ? 'slot' : `{ ${32 - slotBits}'d0, slot }`,
      qMsb: 4 * lanes - 1,
      sMsb: roms.scale.bits - 1,
      bMsb: 16 * blanes - 1,
      lanesList: laneViews,
      actElem: actElem.name,
      wgtElem: wgtElem.name,
      beatDotExpr: laneViews.map((l) => `{ { 16{pr${l.i}[15]} }, pr${l.i} }`).join(' + '),
      pMsb: pBits - 1,
      pWidth: pBits,
      dotRound: dotRound.name,
      dotLsb: sconst(EXP_WIDTH, roms.dotLsbExponent),
      scaleMul: scaleMul.name,
      groupStep: groupStep.text,
      biasUnits: biasUnits.text,
      groupStepText: lowRankGroupStepText(cfg),
      epilogueText: lowRankEpilogueText(cfg, channelScales),
      csPorts: channelScales ? '  input  wire              use_cs,\n  input  wire [15:0]       cs,\n' : '',
      accLoad,
      accStore,
      tsMul: tsMul.name,
      branchMul: branchMul.name,
      f32Add: f32Add.name,
      narrow: narrow.name,
      acc: cfg.accumulation,
      r16: cfg.branchFormat,
    },
  };
}

/**
 * The engine's per-column fp units of the lr_up broadcast, one per branch lane of each column: the LoRA-scale
 * multiplier (fp32 × fp32, where lora_scales are declared) and the narrowing of the fp32 sum to the branch format.
 */
export function lowRankEngineFpUnits(cfg: LowRankGemmConfig): { readonly narrow: RtlModule; readonly lsMul: RtlModule } {
  return {
    narrow: fpMul(floatShape(FP32), floatShape(FP16), floatShape(cfg.branchFormat === 'fp16' ? FP16 : BF16)),
    lsMul: fpMul(floatShape(FP32), floatShape(FP32), floatShape(FP32)),
  };
}

/** Generates the lowrank_gemm tile engine of a target (module name and prefix from the top generator). */
export function lowRankEngine(t: Target, ctx: EngineContext): RtlModule {
  const cfg = t.golden;
  const pe = t.pe;
  // the RTL facet registry dispatches on the PE kind
  rtlInvariant(cfg.kind === 'lowrank_gemm' && pe.kind === 'lowrank_gemm', `lowRankEngine: target PE is ${pe.kind}`);
  const g = lowRankEngineGeometry(t);
  const { rows: R, cols: C, lanes: L, blanes: B, maxK: K, rank, rankD, group: GS, scaleBits: SB, gMax: GMAX } = g;
  const lanesOf = bufferLanes(t);
  const { pa: PA, pw: PW, pm: PM, pl: PL, po: PO, nPasses: NP, channelScales: CS, loraScales: LS, passesM: PMX, passesN: PNX } = g;
  const { slotBits, pmBits, pnBits, npBits, nls: NLS, lsBytes, colBytes, rqBytes, rlBytes, scBytes, biasBytes, colOutBytes, lrtDepth, qg: QG, posgBits, posbBits, wwBits } = g;
  const peModule = enginePe(cfg, L, B, `${ctx.prefix}lowrank_pe`, CS, slotBits, PNX);
  const { narrow, lsMul } = lowRankEngineFpUnits(cfg);
  const gsPow2 = (GS & (GS - 1)) === 0;
  const aw = (x: keyof typeof lanesOf): number => bufferAddressBits(t.capacity[x]);
  // activation_quant = runtime: the qact part (rtl-qact.ts), on the columns' raw X staging
  const qact = cfg.activationQuant === 'runtime' ? lowRankQactEngine(t, `${ctx.prefix}lowrank_qact`, 8 * colBytes) : undefined;
  const lrtSel = Array.from({ length: NP }, (_, p) => `lrt_v[32*(${p}*R + gj) +: 32]`).reduceRight((rest, word, p) => (p === NP - 1 ? word : `np_i == ${npBits}'d${p} ? ${word} : ${rest}`), '');
  // the per-column and per-row slices of the engine (engine_lowrank_col / _row.v.hbs), instantiated cols and
  // rows times: `qacc estimate --synth` synthesizes each once (src/estimate/synth/modules.ts units)
  const slices = {
    rows: R,
    lanes: L,
    blanes: B,
    rank,
    scaleBits: SB,
    pa: PA,
    pw: PW,
    pm: PM,
    pl: PL,
    po: PO,
    pnx: PNX,
    lrtDepth,
    pmMsb: pmBits - 1,
    pmDepth: 2 ** pmBits,
    pnMsb: pnBits - 1,
    pnDepth: 2 ** pnBits,
    npMsb: npBits - 1,
    npDepth: 2 ** npBits,
    posgMsb: posgBits - 1,
    posbMsb: posbBits - 1,
    wwMsb: wwBits - 1,
    colBits: 8 * colBytes,
    rqBits: 8 * rqBytes,
    rlBits: 8 * rlBytes,
    scBits: 8 * scBytes,
    colOutBits: 8 * colOutBytes,
  };
  const colModule: RtlModule = {
    name: `${ctx.prefix}lowrank_col`,
    template: 'lowrank-gemm/engine_lowrank_col.v.hbs',
    deps: [],
    view: {
      ...slices,
      qact: qact !== undefined,
      lrtSel,
      colPad: `${8 * colOutBytes - 16 * R * PNX}'d0`,
      colQaSel: windowMuxVerilog('qa_w', 'stq_p', 8 * colBytes, 'posg', posgBits, 4 * QG, 4 * L, '  '),
      colXSel: windowMuxVerilog('x_w', 'stq_p', 8 * colBytes, 'posb', posbBits, 16 * B, 16 * B, '  '),
      lwinSel: windowMuxVerilog('lwin_w', 'lrt_v', 32 * lrtDepth, 'posb', posbBits, 32 * B, 32 * B, '  '),
      wbSel: windowMuxVerilog('wb_col', 'wb_cw', 8 * colOutBytes, 'wwi', wwBits, 8 * PO, 8 * PO, '  '),
      colStageWrites: [
        stagingWriteVerilog({ id: 'wq', mem: 'stq', index: 'fpm_i', bytes: colBytes, port: PA, portName: 'PA', valid: 'a_pv', ppos: 'a_ppos', rowStart: 'a_rs', rowBytes: 'a_rb', data: 'act_rd_data', when: '' }, '    '),
        stagingWriteVerilog({ id: 'ws', mem: 'sts', index: 'fpm_i', bytes: scBytes, port: PM, portName: 'PM', valid: 'm_pv', ppos: 'm_ppos', rowStart: 'm_rs', rowBytes: 'm_rb', data: 'meta_rd_data', when: "m_pdst == 3'd0" }, '    '),
      ].join('\n'),
    },
  };
  const rowModule: RtlModule = {
    name: `${ctx.prefix}lowrank_row`,
    template: 'lowrank-gemm/engine_lowrank_row.v.hbs',
    deps: [],
    view: {
      ...slices,
      rowQwSel: windowMuxVerilog('qw_w', 'stw_p', 8 * rqBytes, 'posg', posgBits, 4 * QG, 4 * L, '  '),
      rowYSel: windowMuxVerilog('y_w', 'stl_p', 8 * rlBytes, 'posb', posbBits, 16 * B, 16 * B, '  '),
      rowStageWrites: [
        stagingWriteVerilog({ id: 'ww', mem: 'stw', index: 'fpn_i', bytes: rqBytes, port: PW, portName: 'PW', valid: 'w_pv', ppos: 'w_ppos', rowStart: 'w_rs', rowBytes: 'w_rb', data: 'wgt_rd_data', when: '' }, '    '),
        stagingWriteVerilog({ id: 'wl', mem: 'stl', index: 'np_i', bytes: rlBytes, port: PL, portName: 'PL', valid: 'l_pv', ppos: 'l_ppos', rowStart: 'l_rs', rowBytes: 'l_rb', data: 'lrw_rd_data', when: '' }, '    '),
        stagingWriteVerilog({ id: 'ws', mem: 'sts', index: 'fpn_i', bytes: scBytes, port: PM, portName: 'PM', valid: 'm_pv', ppos: 'm_ppos', rowStart: 'm_rs', rowBytes: 'm_rb', data: 'meta_rd_data', when: "m_pdst == 3'd1" }, '    '),
      ].join('\n'),
    },
  };
  return {
    name: ctx.moduleName,
    template: 'lowrank-gemm/engine_lowrank.v.hbs',
    deps: [peModule, colModule, rowModule, narrow, ...(LS ? [lsMul] : []), ...(qact ? [qact.control, qact.slice] : [])],
    view: {
      colModule: colModule.name,
      rowModule: rowModule.name,
      isa: isaDecoderParams(),
      peModule: peModule.name,
      narrow: narrow.name,
      rows: R,
      cols: C,
      pmx: PMX,
      pnx: PNX,
      slotMsb: slotBits - 1,
      pmMsb: pmBits - 1,
      pmDepth: 2 ** pmBits,
      pnMsb: pnBits - 1,
      pnDepth: 2 ** pnBits,
      npMsb: npBits - 1,
      npDepth: 2 ** npBits,
      lanes: L,
      blanes: B,
      maxK: K,
      rank,
      rankD,
      nPasses: NP,
      group: GS,
      groupsExpr: gsPow2 ? `((k_w + 32'd${GS - 1}) >> ${Math.log2(GS)})` : `((k_w + 32'd${GS - 1}) / 32'd${GS})`,
      hasRank: rank > 0 ? "1'b1" : "1'b0",
      outData: lanesOf.out > PO ? `{ ${8 * (lanesOf.out - PO)}'d0, wb_col[${8 * PO - 1}:0] }` : `wb_col[${8 * PO - 1}:0]`,
      qg: QG,
      qgStep: `${posgBits}'d${GS / QG}`,
      qgLanes: `${posgBits}'d${L / QG}`,
      posgMsb: posgBits - 1,
      posbMsb: posbBits - 1,
      posbPad: 32 - posbBits,
      wwMsb: wwBits - 1,
      scaleBits: SB,
      scaleBytes: SB / 8,
      gMax: GMAX,
      pa: PA,
      pw: PW,
      pm: PM,
      pl: PL,
      po: PO,
      la: lanesOf.act,
      lw: lanesOf.wgt,
      lm: lanesOf.meta,
      ll: lanesOf.lrw,
      lo: lanesOf.out,
      awa: aw('act'),
      aww: aw('wgt'),
      awm: aw('meta'),
      awl: aw('lrw'),
      awo: aw('out'),
      capA: t.capacity.act,
      capW: t.capacity.wgt,
      capM: t.capacity.meta,
      capL: t.capacity.lrw,
      capO: t.capacity.out,
      colBits: 8 * colBytes,
      rqBits: 8 * rqBytes,
      rlBits: 8 * rlBytes,
      scBits: 8 * scBytes,
      biasBits: 8 * biasBytes,
      colOutBits: 8 * colOutBytes,
      lrtDepth,
      hasCs: CS ? "1'b1" : "1'b0",
      hasLs: LS ? "1'b1" : "1'b0",
      channelScales: CS,
      loraScales: LS,
      lsMul: lsMul.name,
      nls: NLS,
      lsBits: 8 * lsBytes,
      qact: qact !== undefined,
      qactModule: qact?.control.name ?? '',
      qactSlice: qact?.slice.name ?? '',
      qPosqMsb: (qact?.posqBits ?? 1) - 1,
      qScBits: qact?.scBits ?? 0,
      qactLast: qact ? "(kind == K_QACT ? qact_done : 1'b1)" : "1'b1",
      trapUnsupported: LOWRANK_TRAP.unsupported,
      trapShape: LOWRANK_TRAP.shape,
      trapRange: LOWRANK_TRAP.range,
    },
  };
}
