/**
 * Ready-made schemes with the defaults of the specifications and papers: OCP MX (block 32, e8m0),
 * NVFP4 (fp4_e2m1, block 16, fp8_e4m3 block scale, fp32 tensor scale), QLoRA (nf4, block 64, dynamic8
 * constants in blocks of 256) and BitMoD (the four fp4 or fp3 ER/EA types, groups of 128).
 */
import { FP4_E2M1, FP8_E4M3, FP16 } from '../formats/float.js';
import {
  BITMOD_FP3_EA_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_ER_POS,
  DYNAMIC8,
  NF4,
} from '../formats/named-luts.js';
import type { NumberFormatBase } from '../formats/types.js';
import type { DoubleQuantScheme, MixtureScheme, MxScheme, Nvfp4Scheme } from './scheme.js';

/** BitMoD's 4-bit candidates ("mixed_bitmod"), in selector order. */
export const BITMOD_FP4_CANDIDATES: readonly NumberFormatBase[] = [BITMOD_FP4_ER_POS, BITMOD_FP4_ER_NEG, BITMOD_FP4_EA_POS, BITMOD_FP4_EA_NEG];
/** BitMoD's 3-bit candidates, in selector order. */
export const BITMOD_FP3_CANDIDATES: readonly NumberFormatBase[] = [BITMOD_FP3_ER_POS, BITMOD_FP3_ER_NEG, BITMOD_FP3_EA_POS, BITMOD_FP3_EA_NEG];

export const MX_BLOCK = 32;
export const NVFP4_BLOCK = 16;
export const QLORA_BLOCK = 64;
export const QLORA_CONSTANT_BLOCK = 256;
export const BITMOD_GROUP = 128;

export function mxScheme(element: NumberFormatBase = FP4_E2M1, blockSize = MX_BLOCK): MxScheme {
  return { kind: 'mx', element, blockSize };
}

export function nvfp4Scheme(blockSize = NVFP4_BLOCK, blockScaleFormat: NumberFormatBase = FP8_E4M3, element: NumberFormatBase = FP4_E2M1): Nvfp4Scheme {
  return { kind: 'nvfp4', element, blockScaleFormat, blockSize };
}

export function qloraScheme(
  element: NumberFormatBase = NF4,
  blockSize = QLORA_BLOCK,
  constantBlockSize = QLORA_CONSTANT_BLOCK,
  constantFormat: NumberFormatBase = DYNAMIC8,
): DoubleQuantScheme {
  return { kind: 'double-quant', element, blockSize, constantFormat, constantBlockSize };
}

export function bitmodScheme(
  groupSize = BITMOD_GROUP,
  candidates: readonly NumberFormatBase[] = BITMOD_FP4_CANDIDATES,
  scaleFormat: NumberFormatBase = FP16,
): MixtureScheme {
  return { kind: 'mixture', candidates, groupSize, scaleFormat };
}
