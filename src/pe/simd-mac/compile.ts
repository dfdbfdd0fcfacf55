/**
 * simd_mac's compile hooks (src/pe/facets/compile.ts): one target per SIMD mode (element format, output,
 * exact or round-each-step accumulation, max_dot_length), K bounded by max_dot_length, k tiles aligned to
 * the lanes of a 16-bit word when rounding every step, and one `simd_tile` per k step; no meta, no
 * epilogue. Moved verbatim from compile/target.ts and compile/program.ts (issue 12, step 0b).
 */
import type { Span } from '../../dsl/source.js';
import type { SimdElementName, SimdMacConfig, SimdOutputName } from '../../golden/types.js';
import type { SimdMacPe } from '../../ir/types.js';
import { createInstruction } from '../../isa/encode.js';
import type { IsaFormat } from '../../isa/generated-types.js';
import { CompileError } from '../../compile/errors.js';
import { diagnoseTarget, outBits, UnsupportedProperty } from '../../compile/kind-support.js';
import { packMatrix } from '../../compile/pack.js';
import type { CompileFacet, KindTarget } from '../facets/compile.js';
import { simdMacOperands } from './operands.js';

const SIMD_ELEMENTS = new Set<string>(['fp4_e2m1', 'posit4_1', 'int4', 'posit8_0', 'fp8_e4m3', 'fp8_e5m2', 'int8', 'posit16_1']);
const SIMD_OUTPUTS = new Set<string>(['fp16', 'bf16', 'fp32', 'posit8_0', 'posit16_1']);

function simdTarget(pe: SimdMacPe, mode: number): KindTarget<'simd_mac'> {
  const m = pe.modes[mode];
  if (!m) throw new CompileError('unsupported', `simd_mac PE '${pe.name}' has ${pe.modes.length} modes; mode ${mode} does not exist`);
  const element = m.format.name;
  if (!SIMD_ELEMENTS.has(element)) throw new UnsupportedProperty('modes', `simd_mac PE '${pe.name}': element format '${element}' is not supported`);
  if (!SIMD_OUTPUTS.has(pe.output.name)) throw new UnsupportedProperty('output', `simd_mac PE '${pe.name}': output '${pe.output.name}' is not supported`);
  const golden: SimdMacConfig = {
    kind: 'simd_mac',
    element: element as SimdElementName,
    output: pe.output.name as SimdOutputName,
    accumulation: pe.accumulation === 'exact' ? 'exact' : 'round-each-step',
    maxDotLength: pe.maxDotLength,
  };
  return {
    golden,
    bits: { act: m.laneBits, wgt: m.laneBits, gscale: 0, selector: 0, cscale: 0, branch: 0, out: outBits(pe.output.name) },
    formats: { act: element as IsaFormat, wgt: element as IsaFormat, raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'none', out: pe.output.name as IsaFormat, lr: 'none' },
    groupSize: 1,
    rank: 0,
    maxTileK: Infinity,
  };
}

export const simdMacCompile: CompileFacet<'simd_mac'> = {
  variants: (pe) => pe.modes.length,
  target: (pe, variant) => simdTarget(pe, variant),
  diagnose(_accel, pe, sink) {
    // every mode is a target; a rejection they share (the output) is reported once
    const seen = new Set<string>();
    const once = { report: (span: Span, message: string) => void (seen.has(message) || (seen.add(message), sink.report(span, message))) };
    for (let mode = 0; mode < pe.modes.length; mode++) diagnoseTarget(pe, once, () => simdTarget(pe, mode));
  },
  randomOperands: simdMacOperands,
  checkShape(t, shape) {
    if (shape.k > t.golden.maxDotLength) throw new CompileError('capacity', `K = ${shape.k} exceeds the SIMD MAC's max_dot_length ${t.golden.maxDotLength}`);
  },
  kAlign: (t) => (t.golden.accumulation === 'round-each-step' ? 16 / t.bits.act : 1),
  slotNeeds: () => ({ actExtra: 0, meta: 0, lrw: 0, offsets: {} }),
  stepRowBytes: () => 0,
  layoutDram: () => ({}),
  packDram(t, shape, _tiling, layout, o, mem) {
    packMatrix(o.activations, shape.m, shape.k, t.bits.act, mem, layout.a);
    packMatrix(o.weights, shape.n, shape.k, t.bits.wgt, mem, layout.w);
  },
  preamble: () => [],
  stepLoads: () => [],
  tileInstructions: (_t, s) => [createInstruction('simd_tile', { act: s.act, wgt: s.wgt, acc: 0, pop_prev: true, clear: s.first, push_prev: !s.last })],
  epilogue: () => [],
};
