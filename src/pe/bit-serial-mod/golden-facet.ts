/**
 * The `bit_serial_mod` entry of the GOLDEN registry (src/pe/facets/golden.ts): what generic code calls on this
 * kind's golden model. The per-group / per-step functions stay in golden.ts for this folder's own files.
 */
import type { GoldenFacet } from '../facets/golden.js';
import { checkBitSerialModConfig, bitSerialModGemm } from './golden.js';
import { idealBitSerialMod } from './golden-ideal.js';

export const bitSerialModGolden: GoldenFacet<'bit_serial_mod'> = {
  checkConfig: checkBitSerialModConfig,
  gemm: bitSerialModGemm,
  ideal: idealBitSerialMod,
};
