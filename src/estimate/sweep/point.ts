/**
 * One design point of a sweep, evaluated: the loaded program elaborated with the point's `--set`
 * overrides, checked like every command checks it (compile/check-design.ts), estimated, and measured for
 * its number formats (the estimate is src/estimate/estimate.ts estimateDesign, what `qacc estimate` prints):
 * - `bits_per_weight`: bits of one element of the declared weight format plus its share of the group scale,
 *   selector and zero point (ir/types.ts bitsPerElement; per-channel scales amortize over k and are left out);
 *   `stored_bits_per_weight`: what the hardware stores and moves (compile/target.ts OperandBits), which may be
 *   wider (int4 weights of an int8-class multiplier sit in 8-bit slots);
 * - `sqnr_db`: the golden model against its float64 ideal on the same seeded random operands of a small
 *   GEMM (golden/gemm.ts compareToIdeal): what the datapath's arithmetic loses;
 * - `weight_sqnr_db`: seeded N(0, σ²) weights (σ = 1, or 64 for integer group scales) quantized by the PE's weight scheme (src/quant quantize) or
 *   rounded to its plain weight format: what storing weights in that format loses.
 * A point the checks reject is an invalid point carrying the rendered diagnostics, never an exception.
 */
import { checkDesign } from '../../compile/check-design.js';
import { randomOperands } from '../../compile/operands.js';
import { gaussian } from '../../compile/random-codes.js';
import { resolveTarget, type Target } from '../../compile/target.js';
import type { Workload } from '../../compile/workload.js';
import { renderDiagnostics } from '../../dsl/render.js';
import type { Program } from '../../dsl/program.js';
import { seededRandom } from '../../formats/random.js';
import { compareToIdeal } from '../../golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../../golden/types.js';
import { elaborate } from '../../ir/elaborate.js';
import type { IrAccelerator, IrOperand } from '../../ir/types.js';
import { schemaFacet } from '../../pe/facets/schema.js';
import { QuantError } from '../../quant/errors.js';
import { quantize } from '../../quant/quantize.js';
import { makeTensor } from '../../quant/tensor.js';
import { estimateDesign } from '../estimate.js';
import type { CostModel, EstimateReport } from '../types.js';
import { pointOverrides, type SweepPoint } from './grid.js';

/** The GEMM the golden SQNR is measured on (k a multiple of every kind's group size). */
export const SQNR_SHAPE = { m: 4, k: 512, n: 16 } as const;
/** The weight tensor `weight_sqnr_db` is measured on ([out, in]). */
export const WEIGHT_SQNR_SHAPE = [64, 512] as const;
/** Seed of both measurements: every point of a sweep sees the same operands. */
export const SQNR_SEED = 1;

/** What a sweep measures of one valid point besides its estimate. */
export interface PointMetrics {
  /** Bits of the declared weight format per element, with its share of group metadata. */
  readonly bits_per_weight: number;
  /** Bits the hardware stores and moves per weight element (a narrow format may sit in a wider slot). */
  readonly stored_bits_per_weight: number;
  /** Golden datapath vs float64 ideal, dB (null when infinite: the datapath is exact on these operands). */
  readonly sqnr_db: number | null;
  /** Weight storage format vs the real weights, dB (null when the PE declares no weight format). */
  readonly weight_sqnr_db: number | null;
  /** Effective MACs per second on the workload (the estimate's macs / seconds); the peak rate without one. */
  readonly macs_per_s: number;
  /** The accelerator's peak MACs per cycle (all arrays) and DRAM bytes per cycle: the roofline's roofs. */
  readonly peak_macs_per_cycle: number;
  readonly dram_bytes_per_cycle: number;
}

export type PointResult =
  | { readonly index: number; readonly settings: SweepPoint['settings']; readonly ok: true; readonly estimate: EstimateReport; readonly metrics: PointMetrics }
  | { readonly index: number; readonly settings: SweepPoint['settings']; readonly ok: false; readonly error: string };

/** What every point of one sweep shares. */
export interface SweepSpec {
  /** The accelerator to estimate (undefined: the file's first). */
  readonly accelerator: string | undefined;
  readonly workload: Workload | null;
  /** The estimate's cost model (default qacc's). */
  readonly costModel?: CostModel;
  /** simd_mac: the SIMD mode to estimate and measure (default 0). */
  readonly simdMode?: number;
  /** Technology node in nm (default the estimate's, 28). */
  readonly technologyNm?: number;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Bits stored per weight element, with its share of group metadata. */
function storedBitsPerWeight(t: Target): number {
  return t.bits.wgt + (t.groupSize > 0 ? (t.bits.gscale + t.bits.selector) / t.groupSize : 0);
}

/** The golden model's SQNR against the float64 ideal on seeded random operands. */
function goldenSqnr(t: Target): number | null {
  const ops = randomOperands(t, SQNR_SHAPE, SQNR_SEED) as GoldenOperands<GoldenConfig>;
  return finiteOrNull(compareToIdeal(t.golden as GoldenConfig, ops).metrics.sqnrDb);
}

/**
 * The PE's declared weight operand, read structurally (kinds whose weights are one IrOperand name it
 * `weights`; a kind without one, such as a multi-mode SIMD PE, gets null) so this generic code names no kind.
 */
function weightOperand(accel: IrAccelerator): IrOperand | undefined {
  const w = (accel.arrays[0]?.pe as { readonly weights?: unknown } | undefined)?.weights;
  return typeof w === 'object' && w !== null && 'kind' in w && (w.kind === 'plain' || w.kind === 'quantized') ? (w as IrOperand) : undefined;
}

/**
 * The standard deviations tried for the weights: 1, then 64 for schemes whose integer group scales (uint8)
 * cannot hold the scale of unit-variance groups (BitMoD's: scales 1..255 for fp4 elements up to 6).
 */
const WEIGHT_SIGMAS = [1, 64] as const;

/** SQNR of storing seeded N(0, σ²) weights in the PE's weight format or scheme (see WEIGHT_SIGMAS). */
function weightSqnr(accel: IrAccelerator): number | null {
  const w = weightOperand(accel);
  if (!w) return null;
  const rng = seededRandom(SQNR_SEED);
  const size = WEIGHT_SQNR_SHAPE[0] * WEIGHT_SQNR_SHAPE[1];
  const unit = new Float64Array(size);
  for (let i = 0; i < size; i++) unit[i] = gaussian(rng);
  if (w.kind === 'plain') {
    let signal = 0;
    let noise = 0;
    for (const x of unit) {
      const e = w.format.decode(w.format.encode(x)) - x;
      signal += x * x;
      noise += e * e;
    }
    return noise === 0 ? null : finiteOrNull(10 * Math.log10(signal / noise));
  }
  for (const sigma of WEIGHT_SIGMAS) {
    try {
      return finiteOrNull(quantize(makeTensor(WEIGHT_SQNR_SHAPE, unit.map((x) => x * sigma)), w.scheme).metrics.sqnrDb);
    } catch (err) {
      if (!(err instanceof QuantError)) throw err;
    }
  }
  return null;
}

/**
 * Evaluates one point of `program`. Never throws for user input: diagnostics, an unknown accelerator, or
 * a design the compiler cannot map make an invalid point (`ok: false`) with the reason.
 */
export function evaluatePoint(program: Program, point: SweepPoint, spec: SweepSpec, sqnrCache: Map<string, { sqnr: number | null; weight: number | null }> = new Map()): PointResult {
  const base = { index: point.index, settings: point.settings };
  const c = checkDesign(elaborate(program, { overrides: pointOverrides(point), requireAccelerator: true }));
  if (!c.design) return { ...base, ok: false, error: renderDiagnostics(c.diagnostics, (p) => c.source(p)).trimEnd() || 'the design has errors' };
  const accels = c.design.accelerators;
  const accel = spec.accelerator === undefined ? accels[0] : accels.find((a) => a.name === spec.accelerator);
  if (!accel) return { ...base, ok: false, error: `no accelerator '${spec.accelerator}' (the file has ${accels.map((a) => a.name).join(', ')})` };
  try {
    const target = resolveTarget(accel, { simdMode: spec.simdMode ?? 0 });
    const stored = storedBitsPerWeight(target);
    const declared = weightOperand(accel)?.bitsPerElement ?? stored;
    const estimate = estimateDesign(accel, {
      workload: spec.workload,
      ...(spec.costModel ? { costModel: spec.costModel } : {}),
      ...(spec.simdMode !== undefined ? { simdMode: spec.simdMode } : {}),
      ...(spec.technologyNm !== undefined ? { technologyNm: spec.technologyNm } : {}),
    });
    // Points that differ only in array shape or buffers share their PE: measure each distinct PE once.
    const pe = target.pe;
    const key = JSON.stringify([pe.kind, spec.simdMode ?? 0, schemaFacet(pe.kind).toJson(pe as never)]);
    let q = sqnrCache.get(key);
    if (!q) {
      q = { sqnr: goldenSqnr(target), weight: weightSqnr(accel) };
      sqnrCache.set(key, q);
    }
    const peak = Math.max(0, ...estimate.peak.map((p) => p.macs_per_cycle)) * estimate.clock_mhz * 1e6;
    const metrics: PointMetrics = { bits_per_weight: declared, stored_bits_per_weight: stored, sqnr_db: q.sqnr, weight_sqnr_db: q.weight, macs_per_s: estimate.macs > 0 && estimate.seconds > 0 ? estimate.macs / estimate.seconds : peak, peak_macs_per_cycle: accel.peakMacsPerCycle, dram_bytes_per_cycle: accel.dramBitsPerCycle / 8 };
    return { ...base, ok: true, estimate, metrics };
  } catch (err) {
    // A user error (CompileError, an estimate's error: `userFacing`) makes the point invalid; a bug propagates.
    if (err instanceof Error && (err as { readonly userFacing?: unknown }).userFacing === true) return { ...base, ok: false, error: err.message };
    throw err;
  }
}
