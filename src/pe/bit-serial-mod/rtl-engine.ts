/**
 * The tile engine of the bit_serial_mod PE kind (docs/array-rtl.md "Engine interface"): a rows × cols
 * output-stationary array of bit-serial PEs with operand staging, executing mod_tile, dequant use_cscale
 * writeback and the K split's acc_spill / acc_fill; everything else traps. This file prepares the view models of
 * templates/engine_bit_serial_mod.v.hbs (the engine: fetch sequencers, staging, group/step/cycle
 * sequencer, per-row term decode, writeback) and engine_bit_serial_mod_pe.v.hbs (one PE: stages 1–3 of
 * docs/golden.md bit_serial_mod and the overlapped stage 4 with the fp32 cross-group register).
 *
 * Algorithm (the micro-architecture the simulator's bsmPassCycles / bsmDequantCycles /
 * bsmWritebackCycles in ./timing.ts time):
 * - FETCH: three sequencers (act, wgt, meta) issue one read per cycle each from the cycle after the
 *   command; activations and weights chunk-major (chunk c of every row before chunk c + 1), a chunk being
 *   the most elements of one read that are a whole number of 4-element steps and of bytes. The act and wgt
 *   staging hold Target.stagingK elements per row; tiles deeper than that (up to maxTileK) stream through it
 *   as a ring of chunk slots (microarch.ts bsmRingSlots), a chunk's fetch waiting for its slot's previous
 *   chunk to be consumed: one long pass pays its fill and drain once instead of once per 1,024 elements.
 * - COMPUTE: a group starts once its elements of all rows and the meta block are staged; C_g cycles per
 *   step, C_g the slowest type selected by the tile's rows; the group's dequantization (8 cycles + 1 fp32
 *   add) overlaps the next group, whose handoff waits while the previous dequant is before its add cycle.
 * - dequant use_cscale loads per-row fp16 channel scales; writeback forms round_out(C · s_ch) (one
 *   rounding, the simulator's exact product) with one fp32 × fp16 multiplier per output slot.
 * - K split (docs/scheduler.md "Branch prefill2"): acc_spill runs the writeback's sequencer past the
 *   multipliers, bsmRawSlots(t, 'out') raw fp32 words an item (the fp32 NaN where the column's NaN flag is
 *   set: golden's C is NaN there); acc_fill reads bsmRawSlots(t, 'meta') words a cycle from the meta port
 *   into the PEs' entries (NaN words canonical, as golden's decode and re-encode leave them) and clears the
 *   NaN flags and channel scales, so a mod_tile without clear continues the chain (bsmSpillCycles,
 *   bsmFillCycles). A port narrower than one 4-byte word cannot carry them: they trap as unsupported there.
 * - datapath = bitmod_rtl swaps the PE cell for engine_bit_serial_mod_pe_rtl.v.hbs (the authors' stages 1–3)
 *   and gates it as its golden needs: padding lanes carry no term, a row updates only in its type's cycles.
 * - Array passes (a declared tile_m: Target.tilePassesM = P): an m tile of up to P · cols tokens runs as
 *   ceil(m / cols) passes, each the schedule above on its tokens (act rows at act + p · cols · 2k), the same
 *   weights and meta block fetched again; pass p + 1 starts in the cycle after pass p's last add. Each PE
 *   holds P fp32 entries (engine_bit_serial_mod_pe*.v.hbs `cfile`), the NaN flags are per column and pass.
 * Entry e = i·n + j lives in entry ⌊i / cols⌋ of PE (row j, column i mod cols); the engine records the m × n
 * of the accumulated tile and traps where a later instruction would read entries under another mapping.
 */
import type { Target } from '../../compile/target.js';
import { FP16, FP32 } from '../../formats/float.js';
import { termSchedule } from './golden.js';
import { ISA } from '../../isa/isa.js';
import { bufferAddressBits as addrWidth, bufferLanes } from '../../arch/microarch.js';
import { bsmChunkElements, bsmMetaStaging, bsmRawSlots, bsmRingSlots, bsmStagingElements, bsmWritebackSlots } from './microarch.js';
import type { EngineContext } from '../../codegen/verilog/engine.js';
import { EXP_WIDTH, floatShape, fpAdd, fpMul, fpRound, lzc } from '../../codegen/verilog/fp-units.js';
import { isaDecoderParams } from '../../codegen/verilog/isa-decoder.js';
import { bitsFor, type RtlModule } from '../../codegen/verilog/module-set.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { bitSerialPorts, bsmGeometry, bsmLaneView, configTag, termDecoder } from './rtl-pe.js';

/** Trap codes of the bit_serial_mod engine (trap_code output; 0 = none). */
export const BSM_TRAP = {
  /** An instruction the engine does not execute (anything but mod_tile, dequant, writeback, acc_spill, acc_fill). */
  unsupported: 1,
  /** An accumulator address other than 0. */
  accAddress: 2,
  /** dequant use_bias / use_tscale, writeback relu. */
  unsupportedFlag: 3,
  /** m or n zero or beyond the array, k zero or beyond the staging (Target.maxTileK). */
  tileShape: 4,
  /** setmode group differs from the PE's group size. */
  groupSize: 5,
  /** An operand block or output run outside its buffer space. */
  outOfBuffer: 6,
  /** Entries read under another m × n than accumulated, accumulation onto scaled entries, dequant twice, acc_spill of scaled entries. */
  accState: 7,
} as const;


/** `{ pad'd0, expr }` zero-extending `expr` of `width` bits to `to` bits (or the expression itself). */
function zext(expr: string, width: number, to: number): string {
  return width >= to ? expr : `{ ${to - width}'d0, ${expr} }`;
}

/** The ISA field `inst.field` of cmd_word, zero-extended to 40 bits. */
function field(inst: string, name: string): string {
  const def = ISA.instructions.find((i) => i.name === inst)?.fields.find((f) => f.name === name);
  rtlInvariant(def !== undefined, `ISA has no field ${inst}.${name}`); // the ISA definition names every field the engine reads
  const u = `QACC_${inst.toUpperCase()}_${name.toUpperCase()}`;
  return zext(`cmd_word[${u}_LSB +: ${u}_W]`, def.width, 40);
}

/** Generates the bit_serial_mod tile engine of a target. */
export function bitSerialModEngine(t: Target, ctx: EngineContext): RtlModule {
  const cfg = t.golden;
  const pe = t.pe;
  // the RTL facet registry dispatches on the PE kind
  rtlInvariant(cfg.kind === 'bit_serial_mod' && pe.kind === 'bit_serial_mod', `bitSerialModEngine: target '${t.accelerator.name}' has ${pe.kind} PEs`);
  // schema.ts (lanes: E414 "supported: {1, 2, 4, 8}", E413 for bitmod_rtl) and compile.ts diagnose (rows, cols, ports: E414) reject what
  // the engine cannot build; the rest holds by construction, as each comment says
  const geo = bsmGeometry(cfg);
  rtlInvariant(pe.lanes === geo.lanes, `bitSerialModEngine: the bit-serial datapath has ${geo.lanes} lanes, PE '${pe.name}' declares ${pe.lanes}`);
  const sb = t.bits.selector;
  // compile.ts bitSerialTarget: 2-bit selectors for a mixture, none for one type
  rtlInvariant(sb === 0 || sb === 2, `bitSerialModEngine: ${sb}-bit selectors are not supported`);
  const rows = t.array.rows;
  const cols = t.array.cols;
  rtlInvariant(rows >= 2 && cols >= 2, 'bitSerialModEngine: the array needs at least 2 rows and 2 columns');
  const lanes = geo.lanes;
  const gs = t.groupSize;
  // array passes of one m tile (tile_m: Target.tilePassesM; the engine takes n ≤ rows, one pass along n)
  const passes = t.tilePassesM;
  rtlInvariant(t.tilePassesN === 1, `bitSerialModEngine: ${t.tilePassesN} passes along n (the engine runs passes along m only)`);
  const passW = bitsFor(Math.max(1, passes - 1));
  // the deepest tile (settile k; the meta staging holds a whole tile's scales and selectors) and the operand
  // staging depth, RTL_MAX_TILE_K (1024) or a test's smaller one, a multiple of the lanes (a power of two up to 16)
  const kMax = t.maxTileK;
  const staged = bsmStagingElements(t);
  rtlInvariant(staged % lanes === 0, `bitSerialModEngine: staging depth ${staged} is not a multiple of ${lanes}`);
  const ring = kMax > staged;
  const steps = staged / lanes;
  const ports = bitSerialPorts(cfg);
  const wb = t.bits.wgt;
  // compile.ts's stored width of each bit-serial type (3 for bitmod_fp3, N for intN, else 4) is its termSchedule bits
  rtlInvariant(wb === ports.weightBits, `bitSerialModEngine: stored weights are ${wb} bits, the PE takes ${ports.weightBits}`);
  const p = t.portBytes;
  const chunkAct = bsmChunkElements(p.act, 16, lanes);
  const chunkWgt = bsmChunkElements(p.wgt, wb, lanes);
  const scalesPerRead = Math.floor(p.meta / 2);
  const outBytes = t.bits.out / 8;
  const slots = bsmWritebackSlots(t);
  // compile.ts diagnoseEngine checks each port's width against one step (E414 at the buffer's width)
  rtlInvariant(
    chunkAct > 0 && chunkWgt > 0 && scalesPerRead > 0 && Math.floor(p.out / outBytes) > 0,
    `bitSerialModEngine: the buffer ports (act ${p.act}, wgt ${p.wgt}, meta ${p.meta}, out ${p.out} bytes) are too narrow for one step`,
  );
  const meta = bsmMetaStaging(t);
  const metaMax = meta.bytes;
  const lanesX = bufferLanes(t);

  const scheds = cfg.candidates.map(termSchedule);
  const maxCycles = Math.max(...scheds.map((s) => s.cycles));
  const cycWidth = bitsFor(maxCycles - 1);
  const selKey = (sel: number): string => `${ports.selectorBits}'d${sel}`;
  const sconst8 = (v: number): string => (v < 0 ? `-8'sd${-v}` : `8'sd${v}`);
  const types = scheds.map((s, sel) => ({ sel: selKey(sel), lastCyc: `${cycWidth}'d${s.cycles - 1}`, unitExp: sconst8(s.unitExponent) }));
  const sigs = scheds.flatMap((s, sel) => s.sigs.map((sig, c) => ({ key: `${ports.selectorBits + cycWidth}'h${(sel * 2 ** cycWidth + c).toString(16)}`, sig })));
  const laneView = bsmLaneView(geo, wb, 'word');
  const laneFields = laneView.lanes.map((l) => ({ ...l, okExpr: l.i === 0 ? 'c_el' : `c_el + 32'd${l.i}` }));
  const log2Lanes = Math.log2(lanes);
  // a padding lane (past K) reads +0: the step word's lanes, highest first, masked by lane_ok
  const wordExpr = `{ ${laneFields
    .map((l) => l.i)
    .reverse()
    .map((i) => `lane_ok[${i}] ? raw[${16 * i + 15}:${16 * i}] : 16'd0`)
    .join(', ')} }`;

  const decoder = termDecoder(cfg, configTag(cfg));
  const f32 = floatShape(FP32);
  const out = cfg.output === 'fp16' ? floatShape(FP16) : f32;
  const counter = lzc(geo.adderBits + 1);
  const toFp32 = fpRound(f32, 23);
  const add = fpAdd(f32, f32, f32);
  const mul = fpMul(f32, floatShape(FP16), out);
  // bitmod_rtl (the authors' datapath): its own PE cell; a padding lane's term exponent is masked to 0 (it
  // enters the exponent max), and a row's accumulators update only in its type's cycles (they update on
  // every enabled cycle, not only when the lane sum is nonzero).
  const authors = cfg.datapath === 'bitmod_rtl';
  const peCell: RtlModule = {
    name: `${ctx.prefix}bsm_engine_pe`,
    template: authors ? 'bit-serial-mod/engine_bit_serial_mod_pe_rtl.v.hbs' : 'bit-serial-mod/engine_bit_serial_mod_pe.v.hbs',
    deps: [counter, toFp32, add],
    view: { ...bsmLaneView(geo, wb, 'act'), entries: passes, entriesM1: passes - 1, entMsb: passW - 1, entSel: passes > 1 ? 'ent' : '0', lzc24: counter.name, xMsb: EXP_WIDTH - 1, xWidth: EXP_WIDTH, xExt: EXP_WIDTH - 6, uExt: EXP_WIDTH - 8, toFp32: toFp32.name, fpAdd: add.name },
  };

  // staging RAMs: one word per read (a chunk), capped at the staging depth; the compute side selects the
  // step's 4-element word inside the chunk word
  const actWords = chunkAct / lanes;
  const wgtWords = chunkWgt / lanes;
  // a slot holds a whole chunk in a ring; without one, a chunk longer than the staging is cut to it (k ≤ staging)
  const actStored = ring ? actWords : Math.min(actWords, steps);
  const wgtStored = ring ? wgtWords : Math.min(wgtWords, steps);
  const actChunks = bsmRingSlots(t, chunkAct);
  const wgtChunks = bsmRingSlots(t, chunkWgt);
  const metaWords = meta.words;
  const metaStored = meta.wordBytes;
  const rowIdxWidth = bitsFor(rows - 1);
  const colIdxWidth = bitsFor(cols - 1);
  const slotsData = slots * t.bits.out;
  const outData = 8 * lanesX.out;
  // the K split's raw fp32 words: QR per acc_spill item (QR ≤ Q: outputs are at most 4 bytes), QF per acc_fill read
  const spillOk = p.out >= 4;
  const fillOk = p.meta >= 4;
  const rawSlots = bsmRawSlots(t, 'out');
  const fillSlots = bsmRawSlots(t, 'meta');
  rtlInvariant(rawSlots <= slots, `bitSerialModEngine: ${rawSlots} raw words per item against ${slots} output slots`);
  const rawData = 32 * rawSlots;
  const wrData = Math.max(slotsData, spillOk ? rawData : 0);
  const traps = Object.entries(BSM_TRAP).map(([k, code]) => ({ name: `TRAP_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, code }));
  const gsM1 = gs - 1;
  return {
    name: ctx.moduleName,
    template: 'bit-serial-mod/engine_bit_serial_mod.v.hbs',
    deps: [decoder, peCell, mul],
    view: {
      peName: pe.name,
      candidates: cfg.candidates.join(', '),
      output: cfg.output,
      isaParams: isaDecoderParams(),
      rows,
      cols,
      passes,
      maxM: cols * passes,
      passW,
      passMsb: passW - 1,
      nanIdx: passes > 1 ? `${passes} * ${zext('wb_col', bitsFor(cols - 1), 32)} + ${zext('wb_p', passW, 32)}` : 'wb_col',
      steps,
      maxTileK: kMax,
      metaMax,
      groupSize: gs,
      groupSizeM1: gsM1,
      selBits: sb,
      wgtBits: wb,
      chunkAct,
      chunkActWords: chunkAct / lanes,
      chunkActBytes: (chunkAct * 16) / 8,
      chunkWgt,
      chunkWgtWords: chunkWgt / lanes,
      chunkWgtBytes: (chunkWgt * wb) / 8,
      metaPort: p.meta,
      scalesPerRead,
      scalesBytesPerRead: 2 * scalesPerRead,
      slots,
      outBytes,
      outBits: t.bits.out,
      outMsb: t.bits.out - 1,
      outLanes: lanesX.out,
      outLanesMsb: lanesX.out - 1,
      capAct: t.capacity.act,
      capWgt: t.capacity.wgt,
      capMeta: t.capacity.meta,
      capOut: t.capacity.out,
      awActMsb: addrWidth(t.capacity.act) - 1,
      awWgtMsb: addrWidth(t.capacity.wgt) - 1,
      awMetaMsb: addrWidth(t.capacity.meta) - 1,
      awLrw: addrWidth(t.capacity.lrw),
      awLrwMsb: addrWidth(t.capacity.lrw) - 1,
      lrwDataMsb: 8 * lanesX.lrw - 1,
      awOutMsb: addrWidth(t.capacity.out) - 1,
      awOutWidth: addrWidth(t.capacity.out),
      actDataMsb: 8 * lanesX.act - 1,
      wgtDataMsb: 8 * lanesX.wgt - 1,
      metaDataMsb: 8 * lanesX.meta - 1,
      outDataMsb: outData - 1,
      slotsDataMsb: slotsData - 1,
      slotsDataWidth: slotsData,
      outDataExpr: zext('wr_data', wrData, outData),
      wrDataMsb: wrData - 1,
      wrDataWidth: wrData,
      wbWrExpr: zext('wb_vals', slotsData, wrData),
      rawWrExpr: spillOk ? zext('raw_vals', rawData, wrData) : `${wrData}'d0`,
      rawSlots,
      rawDataMsb: rawData - 1,
      fillSlots,
      rawOps: `${spillOk ? ' || is_spill' : ''}${fillOk ? ' || is_fill' : ''}`,
      rawNote: `out port ${p.out} bytes, meta port ${p.meta} bytes: ${spillOk && fillOk ? 'both' : spillOk ? 'acc_spill only' : fillOk ? 'acc_fill only' : 'neither'}`,
      fillRawExpr: !fillOk ? "32'd0" : fillSlots === 1 ? 'meta_rd_data[31:0]' : `meta_rd_data[32*fl_off[${bitsFor(fillSlots - 1) - 1}:0] +: 32]`,
      flColExt: zext('fl_col', colIdxWidth, 32),
      fp32Nan: `32'h${(f32.nanCode as number).toString(16)}`,
      fSpillOut: field('acc_spill', 'out'),
      fSpillAcc: field('acc_spill', 'acc'),
      fFillMeta: field('acc_fill', 'meta'),
      fFillAcc: field('acc_fill', 'acc'),
      traps,
      fAct: field('mod_tile', 'act'),
      fWgt: field('mod_tile', 'wgt'),
      fMeta: field('mod_tile', 'meta'),
      fTileAcc: field('mod_tile', 'acc'),
      fCscale: field('dequant', 'cscale'),
      fDeqAcc: field('dequant', 'acc'),
      fOut: field('writeback', 'out'),
      fWbAcc: field('writeback', 'acc'),
      metaWordMsb: 8 * metaStored - 1,
      metaWordsM1: metaWords - 1,
      metaWordIdxMsb: bitsFor(metaWords - 1) - 1,
      metaWordIdxWidth: bitsFor(metaWords - 1),
      ringNote: ring ? `tiles up to ${kMax} elements stream through ${staged} staged` : `none: tiles of at most ${staged} elements, every chunk its own slot`,
      actChunks,
      wgtChunks,
      ringAct: actChunks * chunkAct,
      ringActM1: (actChunks - 1) * chunkAct,
      ringWgt: wgtChunks * chunkWgt,
      ringWgtM1: (wgtChunks - 1) * chunkWgt,
      actChunkMsb: 16 * lanes * actStored - 1,
      actChunksM1: actChunks - 1,
      actChunkIdxMsb: bitsFor(actChunks - 1) - 1,
      actChunkIdxWidth: bitsFor(actChunks - 1),
      actWordIdxMsb: bitsFor(actWords - 1) - 1,
      actWordIdxWidth: bitsFor(actWords - 1),
      chunkActWordsM1: actWords - 1,
      wgtChunkMsb: lanes * wb * wgtStored - 1,
      wgtChunksM1: wgtChunks - 1,
      wgtChunkIdxMsb: bitsFor(wgtChunks - 1) - 1,
      wgtChunkIdxWidth: bitsFor(wgtChunks - 1),
      wgtWordIdxMsb: bitsFor(wgtWords - 1) - 1,
      wgtWordIdxWidth: bitsFor(wgtWords - 1),
      chunkWgtWordsM1: wgtWords - 1,
      csMsb: 16 * rows - 1,
      scaleIdxMsb: bitsFor(scalesPerRead - 1) - 1,
      rowIdxMsb: rowIdxWidth - 1,
      rowIdxWidth,
      colIdxMsb: colIdxWidth - 1,
      jjExt: zext('jj', rowIdxWidth, 32),
      colExt: zext('wb_col', colIdxWidth, 32),
      colWordMsb: 16 * lanes * cols - 1,
      rowMsb: rows - 1,
      rowCycMsb: rows * cycWidth - 1,
      caccMsb: 32 * rows * cols - 1,
      cycMsb: cycWidth - 1,
      cycWidth,
      selMsb: ports.selectorBits - 1,
      selExpr: sb === 2 ? 'sel_sh[1:0]' : `${ports.selectorBits}'d0`,
      wgtWordMsb: lanes * wb - 1,
      wgtWordWidth: lanes * wb,
      types,
      sigs,
      defaultLastCyc: `${cycWidth}'d${scheds[0].cycles - 1}`,
      defaultUnitExp: types[0].unitExp,
      lanes: laneFields,
      laneCount: lanes,
      laneMsb: lanes - 1,
      teMsb: 2 * lanes - 1,
      actMsb: 16 * lanes - 1,
      actWidth: 16 * lanes,
      actNan: laneView.actNan,
      wordExpr,
      cElExpr: log2Lanes === 0 ? 'c_wp' : `{c_wp[${31 - log2Lanes}:0], ${log2Lanes}'b${'0'.repeat(log2Lanes)}}`,
      termDecoder: decoder.name,
      peModule: peCell.name,
      peAccEn: authors ? 'acc_en && (c_cyc <= lcyc)' : 'acc_en',
      peTe: authors ? 'te & { {2{lane_ok[3]}}, {2{lane_ok[2]}}, {2{lane_ok[1]}}, {2{lane_ok[0]}} }' : 'te',
      fpMul: mul.name,
      nanCode: `${t.bits.out}'h${(out.nanCode as number).toString(16)}`,
    },
  };
}
