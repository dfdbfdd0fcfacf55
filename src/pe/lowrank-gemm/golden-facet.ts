/**
 * The `lowrank_gemm` entry of the GOLDEN registry (src/pe/facets/golden.ts): what generic code calls on this
 * kind's golden model. The per-group / per-step functions stay in golden.ts for this folder's own files.
 */
import type { GoldenFacet } from '../facets/golden.js';
import { checkLowRankGemmConfig, lowRankGemm } from './golden.js';
import { idealLowRank } from './golden-ideal.js';

export const lowRankGemmGolden: GoldenFacet<'lowrank_gemm'> = {
  checkConfig: checkLowRankGemmConfig,
  gemm: lowRankGemm,
  ideal: idealLowRank,
};
