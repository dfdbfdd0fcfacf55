/**
 * The `simd_mac` entry of the GOLDEN registry (src/pe/facets/golden.ts): what generic code calls on this
 * kind's golden model. The per-group / per-step functions stay in golden.ts for this folder's own files.
 */
import type { GoldenFacet } from '../facets/golden.js';
import { checkSimdMacConfig, simdMacGemm } from './golden.js';
import { idealSimdMac } from './golden-ideal.js';

export const simdMacGolden: GoldenFacet<'simd_mac'> = {
  checkConfig: checkSimdMacConfig,
  gemm: simdMacGemm,
  ideal: idealSimdMac,
};
