/**
 * The mac tile engine's geometry that both its RTL generators (./rtl-engine.ts, ./rtl-engine-ws.ts, ./rtl-pe.ts)
 * and its cost model (./cost-engine.ts) read: the cells' accumulator, the output-stationary engine's operand
 * staging RAMs.
 */
import { FP16, FP32, type FloatFormat } from '../../formats/float.js';
import type { MacConfig } from './golden.js';

/**
 * The accumulator a MAC cell holds (the engines' psum and accumulator-memory word): int8 products add into a
 * wrapping 32-bit integer (`float` absent); the fp variants fuse into the declared fp16 or fp32 (`float`).
 * Stated here because the RTL generators size the cells, psum chains and accumulator memories by it and the
 * cost model prices those bits.
 */
export function macAccumulator(config: MacConfig): { readonly bits: number; readonly float?: FloatFormat } {
  if (config.variant === 'int8') return { bits: 32 };
  const float = config.accumulator === 'fp32' ? FP32 : FP16;
  return { bits: float.bits, float };
}

/**
 * The staging RAM of one operand side of the output-stationary engine (activations: one bank per array column;
 * weights: one per row): words of lcm(port chunk, step) bytes (step = lanes × element bytes), so chunks and
 * steps are aligned, as deep as the longest row (maxTileK elements) needs.
 */
export function operandStaging(maxTileK: number, elementBytes: number, chunkBytes: number, lanes: number): { readonly word: number; readonly depth: number } {
  const stepBytes = lanes * elementBytes;
  const word = (chunkBytes * stepBytes) / gcd(chunkBytes, stepBytes);
  return { word, depth: Math.max(1, Math.ceil((maxTileK * elementBytes) / word)) };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
