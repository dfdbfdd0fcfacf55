/**
 * View model of the bit-serial mixture-of-datatype PE (bit_serial_mod.v.hbs) for a golden
 * `BitSerialModConfig`: the term-decoder ROM (one entry per nonzero term of every candidate type, from
 * the golden term schedule — the hardware table is the documented encoding), the per-type cycle counts,
 * unit exponents and per-cycle bit significances, and the FP blocks of the group value (exact fp32
 * conversion), the cross-group fp32 adder and the channel-scale multiplier. `datapath = bitmod_rtl` renders
 * bit_serial_mod_pe_rtl.v.hbs (the authors' stages 1–3) from the same view model.
 */
import { FP16, FP32 } from '../../formats/float.js';
import { bitSerialConfigGeometry, termSchedule } from './golden.js';
import type { BitSerialModConfig } from './golden.js';
import type { BitSerialGeometry } from './golden-geometry.js';
import { EXP_WIDTH, floatShape, fpAdd, fpMul, fpRound, lzc } from '../../codegen/verilog/fp-units.js';
import { bitsFor, type RtlModule } from '../../codegen/verilog/module-set.js';
import type { PeRtl } from '../../codegen/verilog/design.js';
import { harnessPort as port } from '../../codegen/verilog/harness-spec.js';

/** Port widths of a generated bit-serial PE. */
export interface BitSerialPorts {
  /** Bits per weight code (the widest candidate). */
  readonly weightBits: number;
  readonly selectorBits: number;
  readonly outputBits: number;
}

export function bitSerialPorts(config: BitSerialModConfig): BitSerialPorts {
  const scheds = config.candidates.map(termSchedule);
  return {
    weightBits: Math.max(...scheds.map((s) => s.bits)),
    selectorBits: Math.max(1, bitsFor(config.candidates.length - 1)),
    outputBits: config.output === 'fp16' ? 16 : 32,
  };
}

function bin(value: number, width: number): string {
  return value.toString(2).padStart(width, '0');
}

/** The term decoder ROM of a candidate list (shared by the PE and the tile engine's rows). */
export function termDecoder(config: BitSerialModConfig, tag: string): RtlModule {
  const ports = bitSerialPorts(config);
  const scheds = config.candidates.map(termSchedule);
  const cycWidth = bitsFor(Math.max(...scheds.map((s) => s.cycles)) - 1);
  const keyWidth = ports.selectorBits + ports.weightBits + cycWidth;
  const entries: { key: string; value: string }[] = [];
  scheds.forEach((s, sel) => {
    for (let code = 0; code < 2 ** s.bits; code++) {
      s.terms(code).forEach((t, c) => {
        if (t.bit === 0) return;
        const key = (sel * 2 ** ports.weightBits + code) * 2 ** cycWidth + c;
        entries.push({ key: `${keyWidth}'h${key.toString(16)}`, value: `${t.sign}${bin(t.exponent, 2)}1` });
      });
    }
  });
  return {
    name: `qacc_bsm_terms_${tag}`,
    template: 'bit-serial-mod/bsm_term_decoder.v.hbs',
    deps: [],
    view: { candidates: config.candidates.join(', '), selMsb: ports.selectorBits - 1, codeMsb: ports.weightBits - 1, cycMsb: cycWidth - 1, entries },
  };
}

/** A stable tag for a config (module names must differ when the candidate lists differ). */
export function configTag(config: BitSerialModConfig): string {
  let h = 2166136261;
  const text = `${config.candidates.join(',')}|${config.output}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The datapath geometry of a config (golden's bitSerialConfigGeometry: BITMOD_GEOMETRY unless it declares other lanes). */
export const bsmGeometry: (config: BitSerialModConfig) => BitSerialGeometry = bitSerialConfigGeometry;

/** One lane's bit fields in the step words (activations 16 bits a lane, weights `wb`, term exponents 2). */
function laneField(i: number, wb: number) {
  return { i, wTop: (i + 1) * wb - 1, wBot: i * wb, eTop: 2 * i + 1, eBot: 2 * i, aExpTop: 16 * i + 14, aExpBot: 16 * i + 10, aFracTop: 16 * i + 9, aFracBot: 16 * i, aSign: 16 * i + 15, alCat: `{1'b0, al${i}}` };
}

/**
 * The lane-dependent part of stages 1–3 (shared by the PE and the tile engine's PE cell): per-lane fields,
 * the exponent-max and adder trees over `geo.lanes` lanes (⌈log2 lanes⌉ levels of pairs; for 4 lanes the
 * BitMoD names m01/m23/pmax and pair0/pair1/lane_sum), and the widths that follow the lanes
 * (docs/golden.md §bit_serial_mod: lane sum 15 + ⌈log2 lanes⌉ bits, group adder lane sum + 6, sum + 1).
 */
export function bsmLaneView(geo: BitSerialGeometry, wb: number, act: string) {
  const L = geo.lanes;
  const lanes = Array.from({ length: L }, (_, i) => laneField(i, wb));
  const maxLines: string[] = [];
  const sumLines: string[] = [];
  let mNodes = lanes.map((l) => `p${l.i}`);
  let sNodes = lanes.map((l) => `v${l.i}`);
  let ranges = lanes.map((l) => [l.i, l.i] as const);
  let w = geo.alignBits + 1;
  if (L === 1) {
    maxLines.push('wire [5:0] pmax = p0;');
    sumLines.push(`wire signed [${w - 1}:0] lane_sum = v0;`);
  }
  for (let level = 1; mNodes.length > 1; level++, w++) {
    const top = mNodes.length === 2;
    const m: string[] = [];
    const sn: string[] = [];
    const r: (readonly [number, number])[] = [];
    for (let j = 0; j < mNodes.length; j += 2) {
      const lo = ranges[j][0];
      const hi = ranges[j + 1][1];
      const mName = top ? 'pmax' : level === 1 ? `m${lo}${hi}` : `m${lo}to${hi}`;
      const sName = top ? 'lane_sum' : level === 1 ? `pair${j / 2}` : `sum${level}_${j / 2}`;
      const [a, b] = [mNodes[j], mNodes[j + 1]];
      const [x, y] = [sNodes[j], sNodes[j + 1]];
      maxLines.push(`wire [5:0] ${mName} = (${a} > ${b}) ? ${a} : ${b};`);
      sumLines.push(`wire signed [${w}:0] ${sName} = {${x}[${w - 1}], ${x}} + {${y}[${w - 1}], ${y}};`);
      m.push(mName);
      sn.push(sName);
      r.push([lo, hi]);
    }
    mNodes = m;
    sNodes = sn;
    ranges = r;
  }
  const sumBits = geo.adderBits + 1;
  const lz = bitsFor(sumBits);
  return {
    lanes,
    laneCount: L,
    laneMsb: L - 1,
    teMsb: 2 * L - 1,
    actMsb: 16 * L - 1,
    actWidth: 16 * L,
    treeLevels: Math.ceil(Math.log2(L)),
    saList: lanes.map((l) => `sa${l.i}`).join(', '),
    pList: lanes.map((l) => `p${l.i}`).join(', '),
    ngList: lanes.map((l) => `ng${l.i}`).join(', '),
    maxLines,
    sumLines,
    actNan: lanes.map((l) => `(${act}[${l.aExpTop}:${l.aExpBot}] == 5'd31)`).join(' || '),
    alignBits: geo.alignBits,
    laneSumBits: geo.laneSumBits,
    lsMsb: geo.laneSumBits - 1,
    adderBits: geo.adderBits,
    sumBits,
    zMsb: sumBits - 1,
    termExt: sumBits - geo.laneSumBits,
    accCat: `{${sumBits - geo.mantissaBits}'d0, acc_m}`,
    truncBits: sumBits - geo.mantissaBits,
    lzMsb: lz - 1,
    lzCat: `{${8 - lz}'d0, z_lz}`,
  };
}

/** The bit-serial MoD PE module for a config; `peName` is the legalized DSL name (for the comment). */
export function bitSerialModPe(config: BitSerialModConfig, moduleName: string, peName: string): RtlModule {
  const ports = bitSerialPorts(config);
  const scheds = config.candidates.map(termSchedule);
  const maxCycles = Math.max(...scheds.map((s) => s.cycles));
  const cycWidth = bitsFor(maxCycles - 1);
  const decoder = termDecoder(config, configTag(config));
  const f32 = floatShape(FP32);
  const f16 = floatShape(FP16);
  const out = config.output === 'fp16' ? f16 : f32;
  const geo = bsmGeometry(config);
  // the Verilator harness takes ports of at most 64 bits: more than 4 lanes of activations come in 64-bit ports
  const actExtra = Array.from({ length: Math.ceil(geo.lanes / 4) - 1 }, (_, i) => `act_w${i + 1}`);
  const actIn = actExtra.length > 0 ? 'act_in' : 'act';
  const laneView = bsmLaneView(geo, ports.weightBits, actIn);
  const counter = lzc(geo.adderBits + 1);
  const toFp32 = fpRound(f32, 23);
  const add = fpAdd(f32, f32, f32);
  const mul = fpMul(f32, f16, out);
  const selKey = (sel: number): string => `${ports.selectorBits}'d${sel}`;
  const types = scheds.map((s, sel) => ({ sel: selKey(sel), lastCyc: `${cycWidth}'d${s.cycles - 1}`, unitExp: s.unitExponent < 0 ? `-8'sd${-s.unitExponent}` : `8'sd${s.unitExponent}` }));
  const sigs = scheds.flatMap((s, sel) => s.sigs.map((sig, c) => ({ key: `${ports.selectorBits + cycWidth}'h${(sel * 2 ** cycWidth + c).toString(16)}`, sig })));
  const nanCode = out.nanCode as number;
  return {
    name: moduleName,
    template: config.datapath === 'bitmod_rtl' ? 'bit-serial-mod/bit_serial_mod_pe_rtl.v.hbs' : 'bit-serial-mod/bit_serial_mod_pe.v.hbs',
    deps: [decoder, counter, toFp32, add, mul],
    view: {
      peName,
      candidates: config.candidates.join(', '),
      groupSize: config.groupSize,
      output: config.output,
      wb: ports.weightBits,
      wbMsb: ports.weightBits - 1,
      wgtMsb: geo.lanes * ports.weightBits - 1,
      wgtWidth: geo.lanes * ports.weightBits,
      selMsb: ports.selectorBits - 1,
      selWidth: ports.selectorBits,
      outMsb: ports.outputBits - 1,
      outWidth: ports.outputBits,
      cycMsb: cycWidth - 1,
      cycWidth,
      types,
      defaultLastCyc: `${cycWidth}'d${scheds[0].cycles - 1}`,
      defaultUnitExp: types[0].unitExp,
      sigs,
      ...laneView,
      actPortMsb: Math.min(16 * geo.lanes, 64) - 1,
      actExtra,
      actIn,
      actConcat: `{${[...actExtra].reverse().join(', ')}, act}`,
      termDecoder: decoder.name,
      lzc24: counter.name,
      xMsb: EXP_WIDTH - 1,
      xWidth: EXP_WIDTH,
      xExt: EXP_WIDTH - 6,
      uExt: EXP_WIDTH - 8,
      toFp32: toFp32.name,
      fpAdd: add.name,
      fpMul: mul.name,
      nanCode: `${ports.outputBits}'h${nanCode.toString(16)}`,
    },
  };
}

/** The PE module and its harness ports (was design.ts bitSerialModRtl). */
export function bitSerialModRtl(config: BitSerialModConfig, top: string, peName: string): PeRtl {
  const p = bitSerialPorts(config);
  const L = bsmGeometry(config).lanes;
  return {
    module: bitSerialModPe(config, top, peName),
    harness: {
      top,
      inputs: [
        port('act', Math.min(16 * L, 64), `${Math.min(L, 4)} fp16 activations, lane i in bits 16i+15:16i`),
        ...Array.from({ length: Math.ceil(L / 4) - 1 }, (_, i) => port(`act_w${i + 1}`, 64, `fp16 activations of lanes ${4 * i + 4}-${4 * i + 7}, lane ${4 * i + 4}+j in bits 16j+15:16j`)),
        port('wgt', L * p.weightBits, `${L} weight codes of the selected type, ${p.weightBits} bits each`),
        port('sel', p.selectorBits, `the group's datatype: index into (${config.candidates.join(', ')})`),
        port('gscale', 8, "the group's unsigned 8-bit scale"),
        port('cscale', 16, 'the fp16 channel scale (read at the dot end)'),
        port('group_last', 1, 'this step ends its group'),
        port('dot_last', 1, 'this step ends the dot product (implies group_last)'),
      ],
      outputs: [port('y', p.outputBits, `the ${config.output} result`)],
    },
  };
}
