/**
 * How the weight-stationary mac tile engine (templates/engine_mac_ws.v.hbs, its combinational cells and the
 * fp output multiplier apart) grows with the array, for `qacc estimate --synth` beyond the sizes it
 * synthesizes (src/estimate/synth/engine-fit.ts fits one coefficient per term) and for the analytic estimate
 * (CostFacet.engineArea: the same terms with the coefficients of that fit on the recorded syntheses). Read off
 * the template (docs/estimate.md "Tile engine extrapolation"):
 * - 1: command decode and bounds checks, the weight loader, the token streamer, drain and writeback
 *   sequencers, the writeback's output-chunk select and byte mask;
 * - R, per row: its lanes' k-range compares, its slice of the token row register;
 * - C, per column: the accumulator memory's address arithmetic and read/write ports (the memory a `$mem_v2`
 *   macro), the top input's clear select, the output unit (rounding, fp channel scale register);
 * - R·C·P, per PE and register bit: the PE's registers (the activation moving right, the partial sum moving
 *   down: the cell is combinational), its two weight banks (L weights each) and the bank select, P their bits;
 * - R·(R−1)/2·A: the input skew, row r delaying its slice of the token row by r + S − 1 steps (A = aBits each).
 * Per register bit so that the one fit (mac_int8: P = 56, A = 8) prices the other datapaths: mac-ws's mac_fp16
 * (P = 80, A = 16) and mac_w4 (P = 48, A = 16) engines, recorded but not fitted, come out within −4.1% … +2.3%
 * (test/estimate/synth/engine-holdout.test.ts); per PE and per skew register instead, −27% and +3% at 8 × 8.
 * Sampled at the generic model's six sizes and 8 × 8 (two to spare): the skew is 1, 6 and 28 delay registers at
 * 2, 4 and 8 rows, and on the six sizes alone the fit traded it against the samples' scatter (±1.4%): 418 per
 * register, −1,691 per row, 8 × 8 +8.1% and 16 × 16 +16.6% held out. With 8 × 8 among the samples it comes
 * out at ~220 transistors a register (27 a bit: a flip-flop with its step enable) and the per row at ~0.
 * RAM bits: the columns' accumulator memories, MAC_WS_ACC_DEPTH tokens × the accumulator width each, exact.
 * The output-stationary mac engine (./rtl-engine.ts, templates/engine_mac.v.hbs): macOsEngineGrowth's terms
 * (1, R, C, R·C·W) with MAC_OS_ENGINE_FIT, fitted on bitmod.qacc's fp16_baseline engine.
 * Held-out checks: docs/estimate.md, test/estimate/synth/engine-holdout.test.ts.
 */
import type { ArrayShape } from '../../estimate/area-model.js';
import type { TargetOf } from '../facets/compile.js';
import type { EngineArea, EngineFit, EngineGrowth } from '../facets/cost.js';
import { fittedEngineArea, GENERIC_ENGINE_POINTS } from '../facets/cost.js';
import { MAC_WS_ACC_DEPTH } from './compile-ws.js';
import { macAccumulator, operandStaging } from './microarch.js';

/** Bits of one accumulator (the cell's psum, an accumulator-memory word): ./microarch.ts macAccumulator, as the RTL sizes it. */
function accumulatorBits(t: TargetOf<'mac'>): number {
  return macAccumulator(t.golden).bits;
}

/**
 * Register bits of one PE in the engine (P: its activation, its partial sum, its two banks of L weights) and of
 * one skew stage (A: a row's activations), as engine_mac_ws.v.hbs declares them (aBits = 8 · act bytes · L,
 * bBits = 8 · wgt bytes · L, the accumulator).
 */
function registerBits(t: TargetOf<'mac'>): { readonly pe: number; readonly skew: number } {
  const a = t.bits.act * t.pe.lanes;
  const b = t.bits.wgt * t.pe.lanes;
  return { pe: a + accumulatorBits(t) + 2 * b, skew: a };
}

/**
 * The output-stationary mac engine's growth terms on `t` (templates/engine_mac.v.hbs; its cells, its two operand
 * stagings `u_act` / `u_wgt`, the control delay line and the fp output multipliers are sub-units, apart):
 * - 1: command decode and bounds checks, the tile / dequant / writeback sequencer, the k-step control;
 * - R, per row: its enable, its channel-scale register (16 bits, written from the meta port) and scale select,
 *   its output unit's slice of the token (the writeback chunk select over R · output bytes);
 * - C, per column: its enable;
 * - R·C·W, per PE and accumulator bit (W): the writeback's token select, each row's W-bit C:1 multiplexer over
 *   its accumulators (acc_flat[W · (C · r + token)]), the only part that grows with rows × columns.
 * RAM bits: none (the operand stagings' RAMs sit in the operand sub-units, not in the engine's own logic).
 */
function macOsEngineGrowth(t: TargetOf<'mac'>): EngineGrowth {
  const w = accumulatorBits(t);
  return {
    terms: [
      { name: '1', at: () => 1 },
      { name: 'R', at: (r) => r },
      { name: 'C', at: (_, c) => c },
      { name: 'R·C·W', at: (r, c) => r * c * w },
    ],
    points: [...GENERIC_ENGINE_POINTS, { rows: 8, cols: 8 }],
    note: 'mac (output stationary): fixed, per row (channel-scale register, output slice), per column, per PE accumulator bit (W: the writeback token select); RAM bits: none in the engine own logic (the operand stagings are sub-units)',
  };
}

/** The mac engine's growth terms on `t`: the weight-stationary engine's, or the output-stationary one's (macOsEngineGrowth). */
export function macEngineGrowth(t: TargetOf<'mac'>): EngineGrowth {
  if (t.array.dataflow !== 'weight_stationary') return macOsEngineGrowth(t);
  const bits = registerBits(t);
  return {
    terms: [
      { name: '1', at: () => 1 },
      { name: 'R', at: (r) => r },
      { name: 'C', at: (_, c) => c },
      { name: 'R·C·P', at: (r, c) => r * c * bits.pe },
      { name: 'R·(R−1)/2·A', at: (r) => ((r * (r - 1)) / 2) * bits.skew },
    ],
    memoryTerms: [{ name: 'accumulator memory bits', at: (_, c) => c * MAC_WS_ACC_DEPTH * accumulatorBits(t) }],
    points: [...GENERIC_ENGINE_POINTS, { rows: 8, cols: 8 }],
    note: 'mac (weight stationary): fixed, per row, per column (accumulator memory ports, output unit), per PE register bit (P: its activation, partial sum and two weight banks) and per input skew bit (R·(R−1)/2 stages of A bits); RAM bits: the accumulator memories',
  };
}

/**
 * The weight-stationary engine's own logic fitted on its recorded syntheses, one coefficient per growth term
 * (1, R, C, R·C·P, R·(R−1)/2·A; RAM bits on the accumulator memory bits): least squares through the seven fit
 * samples of mac-ws.qacc's mac_int8 engine recorded in test/estimate/engine-synth-samples.json (record
 * `mac-ws`, Yosys generic flow, the cells blackboxed as `--synth` synthesizes the engine), the fit `--synth`
 * makes of them; test/estimate/synth/engine-holdout.test.ts checks that these are that fit. The samples are
 * of mac_int8 (8-bit operands, 1 lane, int32 accumulators, 16-byte ports); other weight-stationary designs are
 * priced at the same coefficients through their register widths (P, A); their fixed, per-row and per-column
 * logic (fp output units' glue, channel-scale registers) is mac_int8's, an approximation (docs/estimate.md "Tile
 * engine in the analytic estimate").
 */
export const MAC_WS_ENGINE_FIT: EngineFit = {
  transistors: [35100.86134, -56.51151, 1583.865225, 29.85436475, 27.446998],
  memoryBits: [1],
};

/**
 * The output-stationary engine's own logic fitted on its recorded syntheses, one coefficient per growth term
 * (1, R, C, R·C·W): least squares through the seven fit samples of bitmod.qacc's fp16_baseline engine (record
 * `fp16-baseline` of test/estimate/engine-synth-samples.json: fp16 × fp16 into fp32, 1 lane, 256-byte ports;
 * Yosys generic flow, sub-units blackboxed as `--synth` synthesizes the engine), the fit `--synth` makes of them
 * (test/estimate/synth/engine-holdout.test.ts). ~13 transistors per multiplexer bit of the writeback select, a
 * generic-flow `$_MUX_` (12) and its share of the select decode. RAM bits: none in the samples (0 on every term).
 * Other output-stationary designs (ANT's and OliVe's 8-bit weights, int8) are priced at these coefficients
 * through W; their fixed, per-row and per-column logic is fp16_baseline's, an approximation.
 */
export const MAC_OS_ENGINE_FIT: EngineFit = {
  transistors: [15132.4918, 922.8946136, 190.8946136, 13.24784104],
  memoryBits: [0, 0, 0, 0],
};

/**
 * The output-stationary engine's sub-units the analytic model leaves out (its cells are the PE array): the two
 * operand stagings (their logic, and their RAMs: one bank per column and per row, as the RTL declares them) and,
 * for fp outputs, one fp output multiplier per row.
 */
function macOsSubUnits(array: ArrayShape, t: TargetOf<'mac'>): string {
  // as ./rtl-engine.ts macEngineGeometry reads them: element bytes from the target's bits, chunks = the ports' bytes
  const act = operandStaging(t.maxTileK, t.bits.act / 8, t.portBytes.act, t.pe.lanes);
  const wgt = operandStaging(t.maxTileK, t.bits.wgt / 8, t.portBytes.wgt, t.pe.lanes);
  const bits = array.cols * act.depth * act.word * 8 + array.rows * wgt.depth * wgt.word * 8;
  const fp = t.golden.variant !== 'int8' ? ` and ${array.rows} fp output multipliers (one per row)` : '';
  return `the operand stagings' logic and RAMs (${array.cols} activation banks of ${act.depth} × ${act.word} bytes, ${array.rows} weight banks of ${wgt.depth} × ${wgt.word} bytes: ${bits} bits)${fp}: the engine's sub-units, synthesized by \`qacc estimate --synth generic\` but not in the analytic model`;
}

/**
 * The weight-stationary engine's sub-units the analytic model leaves out (its cells are the PE array;
 * templates/engine_mac_ws.v.hbs instantiates the others): for fp outputs, one fp output multiplier per column (the
 * accumulator times the channel scale, engine_mac_out_fp.v.hbs); none for int8 (its output unit is the engine's own).
 */
function macWsSubUnits(array: ArrayShape, t: TargetOf<'mac'>): string | undefined {
  if (t.golden.variant === 'int8') return undefined;
  return `${array.cols} fp output multipliers (one per column: the accumulator times the channel scale): the engine's sub-units, synthesized by \`qacc estimate --synth generic\` but not in the analytic model`;
}

/** The engine's own logic at `array`: MAC_WS_ENGINE_FIT or MAC_OS_ENGINE_FIT on the dataflow's growth terms, with the sub-units each leaves out. */
export function macEngineArea(array: ArrayShape, t: TargetOf<'mac'>): EngineArea {
  const growth = macEngineGrowth(t);
  if (t.array.dataflow !== 'weight_stationary') {
    const e = fittedEngineArea(
      growth,
      MAC_OS_ENGINE_FIT,
      array,
      `mac output-stationary engine fit (${growth.terms.map((term) => term.name).join(', ')}, W = ${accumulatorBits(t)}; its own logic: the operand stagings and output multipliers are sub-units) on the recorded syntheses of bitmod.qacc's fp16_baseline engine at ${growth.points.map((p) => `${p.rows}×${p.cols}`).join(', ')} (Yosys generic flow, test/estimate/engine-synth-samples.json)`,
    );
    return { ...e, leavesOut: macOsSubUnits(array, t) };
  }
  const e = fittedEngineArea(
    growth,
    MAC_WS_ENGINE_FIT,
    array,
    `mac weight-stationary engine fit (${growth.terms.map((term) => term.name).join(', ')}; RAM bits: the accumulator memories${t.golden.variant === 'int8' ? '' : '; its own logic: the fp output multipliers are sub-units'}) on the recorded syntheses of mac-ws.qacc's mac_int8 engine at ${growth.points.map((p) => `${p.rows}×${p.cols}`).join(', ')} (Yosys generic flow, test/estimate/engine-synth-samples.json)`,
  );
  const leavesOut = macWsSubUnits(array, t);
  return leavesOut === undefined ? e : { ...e, leavesOut };
}
