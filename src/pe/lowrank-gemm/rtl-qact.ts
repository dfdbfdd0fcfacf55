/**
 * The RTL of lowrank_gemm's runtime activation quantizer (`qact`): one column unit per array column
 * (templates/qact_col.v.hbs) that quantizes one token row group by group in the beats timing.ts counts
 * (ceil(len / B) absolute-maximum beats, one scale beat, ceil(len / B) code beats), built from
 * - qact_scale.v.hbs: s = round_32(amax · round_32(1/qmax)) (NVFP4: capped at 448), its scale code and
 *   the fp32 reciprocal r (an exact integer division and one fp_round);
 * - qact_cvt.v.hbs: the fp32 v = round_32(x · r) to the 4-bit act code under the rounding register.
 * Every step is the golden's (golden-qact.ts `lowRankQuantizeGroup`): the factor round_32(1/qmax) and the
 * cap come from there; the multipliers and rounders are the shared fp-units.
 * `lowRankQactEngine` is the engine's part, in the cycles of timing.ts `lowRankQactCycles`: its control
 * (engine_lowrank_qact.v.hbs: the beat sequencer and the two write streams on the act and meta write ports)
 * and its column slice (engine_lowrank_qact_slice.v.hbs: one column unit on the column's raw X staging, the
 * column's code and scale staging and its share of the write words), which the engine instantiates once
 * per array column, so `qacc estimate --synth` synthesizes one slice and counts it.
 * The fp8_e4m3 scale code (NVFP4) is rounded by an IEEE e5m3 rounder with e4m3's bias: on the capped
 * scales (≤ 448) both formats have the same grid, and the e5m3 code's low seven bits are the e4m3 code.
 */
import { BF16, FP16, FP32, FP8_E4M3, fp, type FloatFormat } from '../../formats/float.js';
import { floatShape, fpMul, fpRound } from '../../codegen/verilog/fp-units.js';
import type { RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { stagingReadVerilog, windowMuxVerilog } from './rtl-staging.js';
import { bitsFor, lowRankQactGeometry } from './microarch.js';
import type { Target } from '../../compile/target.js';
import { bufferAddressBits, bufferLanes } from '../../arch/microarch.js';
import { branchLanes } from './microarch.js';
import { lowRankScaleFormat, type LowRankGemmConfig } from './golden.js';
import { lowRankQactScaleFactor, NVFP4_SCALE_CAP } from './golden-qact.js';

/** IEEE e5m3 with e4m3's bias: the rounding stand-in of fp8_e4m3 for scales up to 448 (file header). */
const E5M3_B7 = fp(5, 3, 7, 'ieee', 'e5m3_b7');

function hex32(x: number): string {
  return (FP32.encode(x) >>> 0).toString(16).padStart(8, '0');
}

/** The act-code target of a configuration. */
function actTarget(cfg: LowRankGemmConfig): { readonly name: string; readonly fp4: boolean; readonly signed: boolean } {
  const main = cfg.main;
  if (main.kind === 'nvfp4') return { name: 'fp4_e2m1', fp4: true, signed: true };
  return { name: main.activations, fp4: false, signed: main.activations === 'int4' };
}

/** fp32 → 4-bit act code converter (qact_cvt). */
export function qactConvert(cfg: LowRankGemmConfig): RtlModule {
  const a = actTarget(cfg);
  return {
    name: `qacc_lr_qact_cvt_${a.name}`,
    template: 'lowrank-gemm/qact_cvt.v.hbs',
    deps: [],
    view: {
      format: a.name,
      fp4: a.fp4,
      signed: a.signed,
      gridText: a.fp4 ? 'steps of 0.5, 1 and 2 up to 6' : a.signed ? 'integers -8 .. 7' : 'integers 0 .. 15',
    },
  };
}

/** The group scale unit (qact_scale): amax → sa, r. */
export function qactScale(cfg: LowRankGemmConfig): RtlModule {
  const r16: FloatFormat = cfg.branchFormat === 'fp16' ? FP16 : BF16;
  const scaleFormat = lowRankScaleFormat(cfg);
  const nvfp4 = cfg.main.kind === 'nvfp4';
  rtlInvariant(nvfp4 === (scaleFormat === FP8_E4M3), 'lowrank_gemm: fp8_e4m3 scales are NVFP4 scales'); // golden lowRankScaleFormat
  const f32 = floatShape(FP32);
  const sMul = fpMul(floatShape(r16), f32, f32);
  const narrowTo = nvfp4 ? E5M3_B7 : scaleFormat;
  const narrow = fpMul(f32, floatShape(FP16), floatShape(narrowTo));
  const rcpRound = fpRound(f32, 29);
  const factor = lowRankQactScaleFactor(cfg);
  const cap = hex32(NVFP4_SCALE_CAP);
  return {
    name: `qacc_lr_qact_scale_${cfg.branchFormat}_${nvfp4 ? 'nvfp4' : `${cfg.main.activations}_${scaleFormat.name}`}`,
    template: 'lowrank-gemm/qact_scale.v.hbs',
    deps: [sMul, narrow, rcpRound],
    view: {
      r16: cfg.branchFormat,
      qinvText: `round_32(1/qmax) = 0x${hex32(factor)}`,
      qinvHex: hex32(factor),
      capText: nvfp4 ? `, capped at ${NVFP4_SCALE_CAP} (s is +0 .. +inf: the codes compare as unsigned)` : '',
      capExpr: nvfp4 ? `s_raw > 32'h${cap} ? 32'h${cap} : s_raw` : 's_raw',
      scaleFormat: scaleFormat.name,
      saText: nvfp4 ? 'RNE through e5m3 with bias 7: the same grid up to 448, the low seven bits are the code' : 'RNE, overflow to infinity',
      saMsb: scaleFormat.bits - 1,
      nMsb: narrowTo.bits - 1,
      narrowText: narrowTo.name,
      sMul: sMul.name,
      narrow: narrow.name,
      saExpr: nvfp4 ? "{1'b0, s_n[6:0]}" : 's_n',
      rcpRound: rcpRound.name,
    },
  };
}

/** The column unit (qact_col) of `blanes` 16-bit lanes. */
export function qactColumn(cfg: LowRankGemmConfig, blanes: number, name: string): RtlModule {
  const r16: FloatFormat = cfg.branchFormat === 'fp16' ? FP16 : BF16;
  const scaleFormat = lowRankScaleFormat(cfg);
  const xMul = fpMul(floatShape(r16), floatShape(FP32), floatShape(FP32));
  const cvt = qactConvert(cfg);
  const scale = qactScale(cfg);
  const m = r16.mantissaBits;
  return {
    name,
    template: 'lowrank-gemm/qact_col.v.hbs',
    deps: [xMul, cvt, scale],
    view: {
      blanes,
      r16: cfg.branchFormat,
      format: actTarget(cfg).name,
      scaleFormat: scaleFormat.name,
      xMsb: 16 * blanes - 1,
      bMsb: blanes - 1,
      qMsb: 4 * blanes - 1,
      saMsb: scaleFormat.bits - 1,
      mBits: m,
      mMsb: m - 1,
      expOnes: `${15 - m}'h${(2 ** (15 - m) - 1).toString(16)}`,
      xMul: xMul.name,
      cvt: cvt.name,
      scale: scale.name,
    },
  };
}



/** The engine's qact part of a target: its control and its column slice; `rawBits` is the engine's column staging width. */
export function lowRankQactEngine(t: Target, name: string, rawBits: number): { readonly control: RtlModule; readonly slice: RtlModule; readonly posqBits: number; readonly scBits: number } {
  const cfg = t.golden;
  rtlInvariant(cfg.kind === 'lowrank_gemm' && t.pe.kind === 'lowrank_gemm', `lowRankQactEngine: target PE is ${t.pe.kind}`); // the lowrank engine calls it
  const B = branchLanes(t);
  const C = t.array.cols;
  const K = t.maxTileK;
  const SB = t.bits.gscale;
  const lanesOf = bufferLanes(t);
  const PA = Math.max(1, Math.min(t.portBytes.act, lanesOf.act));
  const PM = Math.max(1, Math.min(t.portBytes.meta, lanesOf.meta));
  rtlInvariant(rawBits >= 16 * (K + B), `lowRankQactEngine: raw staging of ${rawBits} bits is shorter than ${K + B} elements`); // rtl-engine.ts colBytes
  rtlInvariant(lowRankScaleFormat(cfg).bits === SB, `lowRankQactEngine: gscale register of ${SB} bits for ${lowRankScaleFormat(cfg).name} scales`); // target.ts bits from the same format
  const col = qactColumn(cfg, B, `${name}_col`);
  const { codeBytes, scBytes, qb: QB, posqBits, beatSlots, codeMem } = lowRankQactGeometry(t, rawBits);
  const groupSlots = (8 * scBytes) / SB;
  const codeBits = 8 * codeBytes;
  // the beat's codes into the code staging. Where beat windows do not overlap (QB = B) and the staging is an
  // even number of beat slots (codeMem): a two-word memory (priced as memory bits by the synth flow, not 8 ·
  // codeBytes flip-flops with their enable muxes: what kept the slice from finishing in Yosys's abc), each beat
  // slot of a word its own write of the beat's codes, both words written 0 at the decode (the write streams OR a
  // row's gathered bytes into the word, so codes past ceil(k / 2) bytes must be 0). Else a register, cleared at
  // the decode, written nibble by nibble (QB = B) or by a part-select at pos.
  const posq32 = `{ ${32 - posqBits}'d0, posq }`;
  const half = beatSlots / 2;
  const stcNext = codeMem
    ? [
        `    reg [${codeBits / 2 - 1}:0] stc_m [0:1];   // beat slots 0 .. ${half - 1} and ${half} .. ${beatSlots - 1}`,
        `    wire [${codeBits - 1}:0] stc = { stc_m[1], stc_m[0] };`,
        `    wire stc_a = ${posq32} >= 32'd${half};`,
        `    wire [31:0] stc_o = stc_a ? ${posq32} - 32'd${half} : ${posq32};`,
        `    wire stc_we = !dec && code_beat && ${posq32} < 32'd${beatSlots};`,
        "    always @(posedge clk) if (dec) begin stc_m[0] <= " + `${codeBits / 2}'d0; stc_m[1] <= ${codeBits / 2}'d0; end`,
        `    for (gb = 0; gb < ${half}; gb = gb + 1) begin : g_stc`,
        `      always @(posedge clk) if (stc_we && stc_o == gb) stc_m[stc_a][4*B*gb +: 4*B] <= qv;`,
        '    end',
      ].join('\n')
    : [
        `    reg [${codeBits - 1}:0] stc;`,
        `    wire [${codeBits - 1}:0] stc_nx;`,
        ...(QB === B
          ? [`    for (gb = 0; gb < ${codeBits / 4}; gb = gb + 1) begin : g_stc`, `      assign stc_nx[4*gb +: 4] = ${posq32} == gb / B ? qv[4*(gb % B) +: 4] : stc[4*gb +: 4];`, '    end']
          : [`    reg [${codeBits - 1}:0] stc_w;`, '    always @* begin stc_w = stc; stc_w[4*pos +: 4*B] = qv; end', '    assign stc_nx = stc_w;']),
        `    always @(posedge clk) if (dec) stc <= ${codeBits}'d0; else if (code_beat) stc <= stc_nx;`,
      ].join('\n');
  const data = (word: string, lanes: number, port: number): string => (lanes > port ? `{ ${8 * (lanes - port)}'d0, ${word}[${8 * port - 1}:0] }` : `${word}[${8 * port - 1}:0]`);
  const common = {
    cols: C,
    blanes: B,
    group: t.groupSize,
    scaleBits: SB,
    scaleBytes: SB / 8,
    pa: PA,
    pm: PM,
    colBits: rawBits,
    codeBits: 8 * codeBytes,
    scBits: 8 * scBytes,
    posqMsb: posqBits - 1,
  };
  const slice: RtlModule = {
    name: `${name}_slice`,
    template: 'lowrank-gemm/engine_lowrank_qact_slice.v.hbs',
    deps: [col],
    view: {
      ...common,
      colUnit: col.name,
      grpMsb: bitsFor(groupSlots) - 1,
      scRest: (8 * scBytes) % SB !== 0,
      scWhole: SB * Math.floor((8 * scBytes) / SB),
      xSel: windowMuxVerilog('x_w', 'rawc', rawBits, 'posq', posqBits, 16 * QB, 16 * B, '  '),
      stcNext,
      stcText: codeMem ? 'a two-word memory written beat slot by beat slot, both words zeroed at dec' : 'a register cleared at dec',
      aRead: stagingReadVerilog('a_sh', 'stc', codeBytes, PA, 'PA', 'wa_pos', 'a_rs', '    '),
      mRead: stagingReadVerilog('m_sh', 'm_keep', scBytes, PM, 'PM', 'wm_pos', 'm_rs', '    '),
    },
  };
  const control: RtlModule = {
    name,
    template: 'lowrank-gemm/engine_lowrank_qact.v.hbs',
    deps: [],
    view: {
      ...common,
      la: lanesOf.act,
      lm: lanesOf.meta,
      awa: bufferAddressBits(t.capacity.act),
      awm: bufferAddressBits(t.capacity.meta),
      qbLanes: `${posqBits}'d${B / QB}`,
      qbGroup: `${posqBits}'d${t.groupSize / QB}`,
      actData: data('wa_word', lanesOf.act, PA),
      metaData: data('wm_word', lanesOf.meta, PM),
    },
  };
  return { control, slice, posqBits, scBits: 8 * scBytes };
}
