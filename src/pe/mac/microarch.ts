/**
 * The mac tile engine's geometry that both its RTL generator (./rtl-engine.ts) and its cost model
 * (./cost-engine.ts) read: the output-stationary engine's operand staging RAMs.
 */

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
