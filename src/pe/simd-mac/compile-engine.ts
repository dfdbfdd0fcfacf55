/**
 * What simd_mac's generated tile engine (rtl-engine.ts, templates/engine_simd_mac.v.hbs) can run, as the
 * compile layer checks it: `qacc check` reports a mode, operand width or output it cannot build at that
 * property's span (compile.ts diagnose), and rtl-engine.ts asserts the same.
 */
/** The operand word the generated tile engine streams (its staging, masks and PE ports are 16 bits wide). */
export const SIMD_ENGINE_WORD_BITS = 16;
/** Most lanes the engine's lane counter holds (4 bits; 8 × int2 needs 8). */
export const SIMD_ENGINE_MAX_LANES = 15;
/** The default pipeline depth (schema.ts's pipeline_stages default); the engine builds every depth the schema takes (timing.ts). */
export const SIMD_ENGINE_PIPELINE_STAGES = 3;
/** Modes setmode can select (its 4-bit `simd` field). */
export const SIMD_ENGINE_MAX_MODES = 16;

/**
 * Why the generated tile engine cannot run a mode of `lanes` × `laneBits` in an `operandWidth`-bit word
 * with an `outBits`-bit output, and which PE property to blame; undefined when it can.
 */
export function simdEngineProblem(operandWidth: number, lanes: number, laneBits: number, outBits: number): { property: string; message: string } | undefined {
  if (operandWidth !== SIMD_ENGINE_WORD_BITS)
    return { property: 'operand_width', message: `the generated tile engine streams ${SIMD_ENGINE_WORD_BITS}-bit operand words (operand_width = ${operandWidth})` };
  if (lanes * laneBits !== operandWidth)
    return { property: 'modes', message: `the tile engine reads operands packed densely along k, so a mode must fill the ${operandWidth}-bit word (${lanes} x ${laneBits} bits = ${lanes * laneBits})` };
  if (lanes > SIMD_ENGINE_MAX_LANES)
    return { property: 'modes', message: `the generated tile engine streams at most ${SIMD_ENGINE_MAX_LANES} lanes per word (this mode has ${lanes})` };
  if (outBits % 8 !== 0) return { property: 'output', message: `the tile engine writes whole bytes per result (the output has ${outBits} bits)` };
  return undefined;
}
