/**
 * lowrank_gemm's synthesis-calibrated area model (src/estimate/area-model.ts), in gate equivalents plus its
 * weight register file:
 *     GE = fixed + lane · lanes                RAM bits = lanes · tile_k · weight bits
 * Fixed: the 16-bit low-rank branch MAC, the group/block scale multiplies, the accumulation and epilogue units
 * and the channel/LoRA scales, which do not grow with lanes (the PE's registers among them: 129 flip-flops for
 * int4, 145 for NVFP4, at every lane count); per lane: a 4-bit product and its share of the reduction tree.
 * One coefficient pair for both weight formats (int4 and NVFP4 differ by < 5% in the fixed part). Fitted
 * (least squares on the relative error) on int4 at 8 and 16 lanes and NVFP4 at 8, checked on int4 at 32 and
 * NVFP4 at 16 held out (docs/estimate.md "Calibration").
 */
import type { CalibrationPoint, LinearAreaModel } from '../../estimate/area-model.js';
import type { LowRankGemmPe } from './schema.js';

/** examples/svdquant.qacc's accelerator `accel` at 2 × 2 with `lanes` lanes. */
const svdquantPoint = (format: string, accel: string, lanes: number, fit: boolean): CalibrationPoint => ({
  label: `lowrank_gemm ${format}, ${lanes} lanes`,
  file: 'svdquant.qacc',
  accel,
  sets: ['rows=2', 'cols=2', `lanes=${lanes}`],
  fit,
});

export const lowRankGemmAreaModel: LinearAreaModel<LowRankGemmPe> = {
  coefficients: {
    /** GE of the parts that do not grow with lanes. */
    fixed: 31229,
    /** GE per 4-bit lane. */
    lane: 1109,
  },
  terms(pe) {
    return { units: { fixed: 1, lane: pe.lanes }, fixedGe: 0, ramBits: pe.lanes * pe.tileK * pe.weights.elementBits };
  },
  points: [
    svdquantPoint('int4', 'svdquant_w4a4', 8, true),
    svdquantPoint('int4', 'svdquant_w4a4', 16, true),
    svdquantPoint('int4', 'svdquant_w4a4', 32, false),
    svdquantPoint('nvfp4', 'svdquant_nvfp4', 8, true),
    svdquantPoint('nvfp4', 'svdquant_nvfp4', 16, false),
  ],
};
