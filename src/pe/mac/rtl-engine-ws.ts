/**
 * The weight-stationary tile engine of the `mac` PE kind (`array { dataflow = weight_stationary }`):
 * templates/engine_mac_ws.v.hbs, its structure and schedule in ./compile-ws.ts and docs/array-rtl.md
 * "Weight-stationary mac engine". A rows × cols systolic array of combinational PEs (engine_mac_ws_cell,
 * the same lane bodies as the output-stationary cell: arithmetic bit for bit docs/golden.md §mac), each
 * holding L weights of one weight pass in two banks (the next pass's weights load while a pass streams);
 * the operands are read straight from the act and wgt buffer ports (no staging RAMs), the partial sums kept
 * in one accumulator memory per column (MAC_WS_ACC_DEPTH tokens).
 * Instruction set, traps, dequant and writeback are the output-stationary engine's (./rtl-engine.ts),
 * with tokens up to the accumulator depth and channels along the columns.
 */
import { engineBufferPorts, type EngineContext } from '../../codegen/verilog/engine.js';
import { rtlInvariant } from '../../codegen/verilog/invariant.js';
import { isaDecoderParams } from '../../codegen/verilog/isa-decoder.js';
import { bitsFor, type RtlModule } from '../../codegen/verilog/module-set.js';
import type { TargetOf } from '../facets/compile.js';
import { MAC_WS_ACC_DEPTH, macWsPassK } from './compile-ws.js';
import { cellModule, decodedFields, idxBits, MAC_ENGINE_TRAPS, macEngineGeometry, resize, zero } from './rtl-engine.js';

/** The weight-stationary mac engine module (EngineGenerator). */
export function macWsEngine(t: TargetOf<'mac'>, ctx: EngineContext): RtlModule {
  const pe = t.pe;
  const cfg = t.golden;
  const geo = macEngineGeometry(t);
  const rows = t.array.rows;
  const cols = t.array.cols;
  const L = geo.lanes;
  const S = geo.stages;
  const D = MAC_WS_ACC_DEPTH;
  const passK = macWsPassK(t);
  const { cell, accWidth, outMul } = cellModule(ctx.prefix, t, L, 'mac_ws_cell');
  const { lanes, aw, fields: portFields } = engineBufferPorts(t);
  // a chunk is the port's width, taken from the low bytes of the buffer's read data (as the staging does)
  rtlInvariant(lanes.act >= geo.chunkAct && lanes.wgt >= geo.chunkWgt, 'the act and wgt read data carry a port width of bytes');
  const hasScale = cfg.variant !== 'int8';
  const ob = geo.outBytes;
  const outChunks = Math.ceil((cols * ob) / geo.chunkOut);
  const scaleBytes = 2 * cols;
  const metaChunks = Math.ceil(scaleBytes / geo.chunkMeta);
  // a pass's token row (act) and weight column (wgt), padded to whole port chunks
  const aRowChunks = Math.ceil((passK * geo.actBytes) / geo.chunkAct);
  const wColChunks = Math.ceil((passK * geo.wgtBytes) / geo.chunkWgt);
  const aRowBytes = aRowChunks * geo.chunkAct;
  const wColBytes = wColChunks * geo.chunkWgt;
  const aBits = 8 * geo.actBytes * L;
  const bBits = 8 * geo.wgtBytes * L;
  const traps = Object.entries(MAC_ENGINE_TRAPS).map(([name, code]) => ({
    name: name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
    code,
  }));
  const deps: RtlModule[] = [cell];
  if (outMul) deps.push(outMul);
  const fields = decodedFields();
  const fw = (wire: string): number => {
    const f = fields.find((x) => x.wire === wire);
    rtlInvariant(f !== undefined, `no field ${wire}`); // fw is called with wires of decodedFields only
    return f.bits;
  };
  return {
    name: ctx.moduleName,
    template: 'mac/engine_mac_ws.v.hbs',
    deps,
    parts: {
      outUnit: outMul
        ? { template: 'mac/engine_mac_out_fp.v.hbs', view: { outMul: outMul.name } }
        : { template: 'mac/engine_mac_out_int.v.hbs', view: {} },
      scaleRegs: hasScale
        ? {
            template: 'mac/engine_mac_scale_fp.v.hbs',
            view: { chunkMeta: geo.chunkMeta, scaleBytes, scaleMsb: 8 * scaleBytes - 1, metaChunkMsb: idxBits(metaChunks) - 1 },
          }
        : { template: 'mac/engine_mac_scale_none.v.hbs', view: {} },
    },
    view: {
      isaParams: isaDecoderParams(),
      peName: pe.name,
      variantText: cfg.variant === 'int8' ? 'int8 x int8 -> int32' : `${cfg.variant}, ${cfg.accumulator} accumulator`,
      rows,
      cols,
      lanes: L,
      laneMsb: L - 1,
      stages: S,
      passK,
      accDepth: D,
      dMsb: idxBits(D) - 1,
      maxTileK: t.maxTileK,
      actBytes: geo.actBytes,
      wgtBytes: geo.wgtBytes,
      outBytes: ob,
      chunkAct: geo.chunkAct,
      chunkWgt: geo.chunkWgt,
      chunkActBits: 8 * geo.chunkAct,
      chunkWgtBits: 8 * geo.chunkWgt,
      passActBytes: passK * geo.actBytes,
      passWgtBytes: passK * geo.wgtBytes,
      passK2: 2 * passK,
      pass2WgtBytes: 2 * passK * geo.wgtBytes,
      achMsb: idxBits(aRowChunks) - 1,
      achZero: zero(idxBits(aRowChunks)),
      wchMsb: idxBits(wColChunks) - 1,
      wchZero: zero(idxBits(wColChunks)),
      arowMsb: 8 * aRowBytes - 1,
      wColBytes,
      wColBits: 8 * wColBytes,
      wColMsb: 8 * wColBytes - 1,
      wColFlatMsb: cols * 8 * wColBytes - 1,
      aBits,
      aMsb: aBits - 1,
      bBits,
      aRowFlatMsb: rows * aBits - 1,
      aFlatMsb: rows * cols * aBits - 1,
      psFlatMsb: rows * cols * accWidth - 1,
      psTopMsb: cols * accWidth - 1,
      accMsb: accWidth - 1,
      accWidth,
      cellModule: cell.name,
      colMsb: idxBits(cols) - 1,
      drainBase: rows + S - 1,
      hasScale: hasScale ? 1 : 0,
      chunkMeta: geo.chunkMeta,
      metaChunkMsb: idxBits(metaChunks) - 1,
      chunkOut: geo.chunkOut,
      chunkOutMsb: 8 * geo.chunkOut - 1,
      outChunkMsb: idxBits(outChunks) - 1,
      tokenMsb: 8 * cols * ob - 1,
      paddedMsb: 8 * outChunks * geo.chunkOut - 1,
      outUnitMsb: 8 * ob - 1,
      outUnitBits: 8 * ob,
      tokMsb: idxBits(D) - 1,
      ...portFields,
      traps,
      fields,
      mSmall: resize(`cfg_m[${bitsFor(D) - 1}:0]`, bitsFor(D), 40),
      nSmall: resize(`cfg_n[${bitsFor(cols) - 1}:0]`, bitsFor(cols), 40),
      kSmall: resize(`cfg_k[${bitsFor(t.maxTileK) - 1}:0]`, bitsFor(t.maxTileK), 40),
      tActEnd: resize('t_act', fw('t_act'), 40),
      tWgtEnd: resize('t_wgt', fw('t_wgt'), 40),
      dCsEnd: resize('d_cs', fw('d_cs'), 40),
      wOutEnd: resize('w_out', fw('w_out'), 40),
      dCsAw: resize('d_cs', fw('d_cs'), aw.meta),
      wOutAw: resize('w_out', fw('w_out'), aw.out),
      tAccZero: zero(fw('t_acc')),
      dAccZero: zero(fw('d_acc')),
      wAccZero: zero(fw('w_acc')),
      metaChunkZero: zero(idxBits(metaChunks)),
      tokZero: zero(idxBits(D)),
      outChunkZero: zero(idxBits(outChunks)),
      chunkMetaAw: `${aw.meta}'d${geo.chunkMeta % 2 ** aw.meta}`,
      choffAwOut: resize('wb_choff', 20, aw.out),
      nobAw: resize('nob', 20, aw.out),
      wbTok16: resize('wb_tok', idxBits(D), 16),
      tokPadded: resize('tok_bytes', 8 * cols * ob, 8 * outChunks * geo.chunkOut),
      wDataExt: resize('wchunk', 8 * geo.chunkOut, 8 * lanes.out),
      wMaskExt: resize('wmask', geo.chunkOut, lanes.out),
      chunkOutBits: 8 * geo.chunkOut,
      chunkOutLanesMsb: geo.chunkOut - 1,
    },
  };
}
