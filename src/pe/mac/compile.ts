/**
 * mac's compile hooks (src/pe/facets/compile.ts): the three datapaths (int8 × int8 → int32, fp16 FMA,
 * fp16 × int8-class weights with optional per-channel scales), one `mac_tile` per k step, and — with
 * channel scales — their load in a tile's last k step and a `dequant` epilogue. Moved verbatim from
 * compile/target.ts and compile/program.ts (issue 12, step 0b). A weight-stationary array (./compile-ws.ts)
 * has the same datapaths and instructions; only its tile limits and tile cycles differ.
 */
import type { MacPe } from './schema.js';
import { createInstruction } from '../../isa/encode.js';
import { diagnoseTarget, UnsupportedProperty } from '../../compile/kind-support.js';
import { packMatrix } from '../../compile/pack.js';
import type { CompileFacet, KindTarget } from '../facets/compile.js';
import type { IrArray } from '../../ir/types.js';
import { macOperands } from './operands.js';
import { MAC_WS_ACC_DEPTH, macWsTileCycles } from './compile-ws.js';

function macTarget(pe: MacPe, array?: IrArray): KindTarget<'mac'> {
  const t = macDatapath(pe);
  // weight-stationary (./compile-ws.ts): n ≤ cols channels held as weight columns, m ≤ the accumulator depth
  return array?.dataflow === 'weight_stationary' ? { ...t, engineTile: { m: MAC_WS_ACC_DEPTH, n: array.cols } } : t;
}

function macDatapath(pe: MacPe): KindTarget<'mac'> {
  const a = pe.activations;
  const w = pe.weights;
  const accName = pe.accumulator.name;
  const aName = a.kind === 'plain' ? a.format.name : '';
  const generic = { groupSize: 1, rank: 0, maxTileK: Infinity };
  if (aName === 'int8' && w.kind === 'plain' && w.format.name === 'int8') {
    return {
      golden: { kind: 'mac', variant: 'int8' },
      bits: { act: 8, wgt: 8, gscale: 0, selector: 0, cscale: 0, branch: 0, out: 32 },
      formats: { act: 'int8', wgt: 'int8', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'int32', out: 'int32', lr: 'none' },
      ...generic,
    };
  }
  if (aName !== 'fp16') throw new UnsupportedProperty('activations', `mac PE '${pe.name}': activations must be fp16 or int8`);
  if (accName !== 'fp16' && accName !== 'fp32') throw new UnsupportedProperty('accumulator', `mac PE '${pe.name}': the accumulator must be fp16 or fp32 for fp16 activations`);
  if (w.kind === 'plain' && w.format.name === 'fp16') {
    return {
      golden: { kind: 'mac', variant: 'fp16_fma', accumulator: accName },
      bits: { act: 16, wgt: 16, gscale: 0, selector: 0, cscale: 0, branch: 0, out: 16 },
      formats: { act: 'fp16', wgt: 'fp16', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: accName, out: 'fp16', lr: 'none' },
      ...generic,
    };
  }
  // fp16 × int8-class weights: quantized weights (int4, flint4, …) reach the multiplier as 8-bit integers.
  const scaled = w.kind === 'quantized' && w.groupSize === 0;
  if (!(w.kind === 'plain' && w.format.name === 'int8') && !scaled) throw new UnsupportedProperty('weights', `mac PE '${pe.name}': weights must be fp16, int8 or per-channel scaled`);
  return {
    golden: { kind: 'mac', variant: 'fp16_int8', accumulator: accName },
    bits: { act: 16, wgt: 8, gscale: 0, selector: 0, cscale: scaled ? 16 : 0, branch: 0, out: 16 },
    formats: { act: 'fp16', wgt: 'int8', raw: 'none', gscale: 'none', cscale: scaled ? 'fp16' : 'none', bias: 'none', acc: accName, out: 'fp16', lr: 'none' },
    ...generic,
  };
}

export const macCompile: CompileFacet<'mac'> = {
  variants: () => 1,
  target: (pe, _variant, array) => macTarget(pe, array),
  diagnose: (_accel, pe, sink) => diagnoseTarget(pe, sink, () => macTarget(pe)),
  randomOperands: macOperands,
  checkShape: () => undefined,
  kAlign: () => 1,
  tileCycles: (t, mt, nt, kt) => (t.array.dataflow === 'weight_stationary' ? macWsTileCycles(t, mt, nt, kt) : undefined),
  slotNeeds: (t, _mt, nt) => ({ actExtra: 0, meta: t.bits.cscale > 0 ? nt * 2 : 0, lrw: 0, offsets: {} }),
  stepRowBytes: () => 0,
  layoutDram: (t, shape, _tiling, take) => ({ cscale: t.bits.cscale > 0 ? take(shape.n * 2) : -1 }),
  packDram(t, shape, _tiling, layout, o, mem) {
    packMatrix(o.activations, shape.m, shape.k, t.bits.act, mem, layout.a);
    packMatrix(o.weights, shape.n, shape.k, t.bits.wgt, mem, layout.w);
    if (o.channelScales) packMatrix(o.channelScales, 1, shape.n, 16, mem, layout.cscale);
  },
  preamble: () => [],
  stepLoads: (t, s) => (s.last && t.bits.cscale > 0 ? [{ dram: s.layout.cscale + s.n0 * 2, buf: 'meta', bufAddr: s.metaBase, rows: 1, rowBytes: s.nt * 2, stride: 0 }] : []),
  tileInstructions: (_t, s) => [createInstruction('mac_tile', { act: s.act, wgt: s.wgt, acc: 0, pop_prev: true, clear: s.first, push_prev: !s.last })],
  epilogue: (t, s) => (t.bits.cscale > 0 ? [createInstruction('dequant', { acc: 0, cscale: s.metaBase, use_cscale: true })] : []),
  // a tile's last step reads its own loads (channel scales included) and the panels: no per-tile space
  chainSpaces: () => [],
};
