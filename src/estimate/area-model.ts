/**
 * The shape of a PE kind's synthesis-calibrated area model (issue 15 "Calibrate the analytic area against
 * synthesis"): gate equivalents linear in a few named structural terms, plus library terms that are not
 * fitted, plus small register-file RAM bits:
 *     GE  = Σ_j coefficient_j · units_j(pe) + fixedGe(pe)        µm² = GE · GE_UM2 + ramBits · SRAM_BIT_UM2
 * Each kind states its terms, its committed coefficients and its calibration points in its own folder
 * (src/pe/<folder>/cost-area.ts); its cost facet prices a PE with `linearAreaUm2`, and `npm run calibrate`
 * (scripts/calibrate.ts, solver in ./calibration.ts) refits the coefficients on the synthesized points.
 * This file reads no facet registry, so the kinds' cost files may import it.
 */
import { peAreaUm2 } from '../arch/gate-area.js';

/**
 * The array a PE sits in, as far as its area may depend on it (a kind whose engine PE holds one accumulator
 * entry per pass of the declared tile over the array: lowrank_gemm).
 */
export interface ArrayShape {
  readonly rows: number;
  readonly cols: number;
}

/** What one PE counts of each fitted term, and what is priced without fitting. */
export interface AreaTerms {
  /** Units of each coefficient's term (e.g. multiplier cells), keyed like `LinearAreaModel.coefficients`. */
  readonly units: Readonly<Record<string, number>>;
  /** GE of library terms priced from Yosys's CMOS cost table, not fitted (0 where there are none). */
  readonly fixedGe: number;
  /** Bits of the PE's small register files, priced as SRAM. */
  readonly ramBits: number;
}

/**
 * A design point synthesized for calibration: an example's text with `replace` applied (each `from` must
 * occur), elaborated with `sets` overrides; its accelerator `accel`'s PE is the one synthesized.
 */
export interface CalibrationPoint {
  readonly label: string;
  /** File under examples/. */
  readonly file: string;
  readonly accel: string;
  readonly sets?: readonly string[];
  readonly replace?: readonly (readonly [string, string])[];
  /** true: the coefficients are fitted on it; false: held out (its error is the model's honest error). */
  readonly fit: boolean;
}

/** A kind's area model: its committed coefficients, its terms per PE and its calibration points. */
export interface LinearAreaModel<Pe> {
  /**
   * GE per unit of each term, as committed: the least-squares fit (./calibration.ts) rounded to the digits
   * written, at least 3 significant ones (`npm run calibrate -- --check` holds them to that).
   */
  readonly coefficients: Readonly<Record<string, number>>;
  /** The terms of one PE of a rows × cols array. */
  terms(pe: Pe, array: ArrayShape): AreaTerms;
  /** The points the coefficients are fitted on and checked against. */
  readonly points: readonly CalibrationPoint[];
}

/** Gate equivalents of `terms` under `coefficients` (RAM bits excluded). */
export function linearAreaGe(coefficients: Readonly<Record<string, number>>, terms: AreaTerms): number {
  let ge = terms.fixedGe;
  for (const [name, units] of Object.entries(terms.units)) {
    const c = coefficients[name];
    if (c === undefined) throw new Error(`area model: no coefficient for the term ${name}`);
    ge += c * units;
  }
  return ge;
}

/** µm² at 28 nm of one PE of a rows × cols array under a kind's committed area model. */
export function linearAreaUm2<Pe>(model: LinearAreaModel<Pe>, pe: Pe, array: ArrayShape): number {
  const t = model.terms(pe, array);
  return peAreaUm2(linearAreaGe(model.coefficients, t), t.ramBits);
}
