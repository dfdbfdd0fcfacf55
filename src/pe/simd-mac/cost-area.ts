/**
 * simd_mac's synthesis-calibrated area model (src/estimate/area-model.ts), in gate equivalents:
 *     GE = quireBit · quire bits + mulCell · Σ over modes of lanes · lane bits²
 * The quire (one, shared by every mode, sized for the widest: its register, adder, the shifter placing products
 * into it and the final rounding grow with its width; the PE's flip-flops are the quire's bits plus 18) and each
 * mode's own decoders and lane multipliers (an n-bit code's significand multiplier grows as n²). Without a
 * quire (round_each_step) the quire term takes the widest mode's product width. Fitted (least squares on the
 * relative error) on the single-mode fp4_e2m1, posit8_0 and posit16_1 PEs, checked on posit(4,1), the 4-mode
 * XR-NPE PE and a 2-mode PE held out (docs/estimate.md "Calibration").
 */
import type { CalibrationPoint, LinearAreaModel } from '../../estimate/area-model.js';
import type { SimdMacPe } from './schema.js';

/** examples/xr-npe.qacc's PE at 2 × 2 with `modes` replaced (its four modes when `modes` is undefined). */
const XR_MODES = 'modes = 4 x fp4_e2m1 | 4 x posit(4, 1) | 2 x posit8_0 | 1 x posit16_1;';
const xrPoint = (label: string, fit: boolean, modes?: string): CalibrationPoint => ({
  label: `simd_mac ${label}`,
  file: 'xr-npe.qacc',
  accel: 'xr_npe',
  sets: ['size=2'],
  replace: modes === undefined ? [] : [[XR_MODES, `modes = ${modes};`]],
  fit,
});

export const simdMacAreaModel: LinearAreaModel<SimdMacPe> = {
  coefficients: {
    /** GE per quire bit. */
    quireBit: 75.53,
    /** GE per lane-bit² of a mode's multipliers and decoders. */
    mulCell: 10.85,
  },
  terms(pe) {
    const quire = pe.quireBits ?? Math.max(...pe.modes.map((m) => 2 * m.laneBits));
    return { units: { quireBit: quire, mulCell: pe.modes.reduce((sum, m) => sum + m.lanes * m.laneBits ** 2, 0) }, fixedGe: 0, ramBits: 0 };
  },
  points: [
    xrPoint('4 modes (XR-NPE)', false),
    xrPoint('4 x fp4_e2m1', true, '4 x fp4_e2m1'),
    xrPoint('4 x posit(4,1)', false, '4 x posit(4, 1)'),
    xrPoint('2 x posit8_0', true, '2 x posit8_0'),
    xrPoint('1 x posit16_1', true, '1 x posit16_1'),
    xrPoint('4 x fp4_e2m1 + 2 x posit8_0', false, '4 x fp4_e2m1 | 2 x posit8_0'),
  ],
};
