/**
 * The `mac` entry of the GOLDEN registry (src/pe/facets/golden.ts): what generic code calls on this
 * kind's golden model. The per-group / per-step functions stay in golden.ts for this folder's own files.
 */
import type { GoldenFacet } from '../facets/golden.js';
import { checkMacConfig, macGemm } from './golden.js';
import { idealMac } from './golden-ideal.js';

export const macGolden: GoldenFacet<'mac'> = {
  checkConfig: checkMacConfig,
  gemm: macGemm,
  ideal: idealMac,
};
