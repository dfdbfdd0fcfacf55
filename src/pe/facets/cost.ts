/**
 * The estimate layer's view of a PE kind (src/pe/README.md): what one PE costs in area and energy at 28 nm,
 * its peak rate per mode, the cycles of its compute instructions (its timing.ts), and the PE class the
 * BitMoD authors' analytic simulator would model it as (`--cost-model bitmod2025`). The registry
 * `COST: { readonly [K in PeKind]: CostFacet<K> }` is what src/estimate dispatches through; a new kind that
 * lacks its line fails to compile. Each kind's facet lives in src/pe/<folder>/cost.ts.
 */
import type { ArrayShape, LinearAreaModel } from '../../estimate/area-model.js';
import type { Instruction, IsaBuffer } from '../../isa/index.js';
import { bitSerialModCost } from '../bit-serial-mod/cost.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmCost } from '../lowrank-gemm/cost.js';
import { macCost } from '../mac/cost.js';
import { simdMacCost } from '../simd-mac/cost.js';
import type { TargetOf } from './compile.js';
import type { IrPe, IrPeOf } from './schema.js';

/** Area and energy of one PE at 28 nm (src/estimate/technology.ts scales them to other nodes). */
export interface PeCost {
  readonly areaUm2: number;
  /** Energy of one busy cycle of one PE, pJ (a power in mW at 1 GHz). */
  readonly energyPerCyclePj: number;
  /** Where the figures come from (a table, a paper, a scaling rule). */
  readonly source: string;
}

/** One SIMD mode / format pair of a PE and its rate. */
export interface PeakMode {
  /** e.g. `fp16 x bitmod_w4` or `4 x fp4_e2m1`. */
  readonly mode: string;
  /** Multiply-accumulates one PE completes per cycle at steady state (fractional for bit-serial PEs). */
  readonly macsPerCycle: number;
}

/**
 * The PE as the BitMoD authors' simulator models it (sim/pe.py, sim/accelerator.py of github yc2367/BitMoD;
 * ../shared/reference/bitmod.md): a bit-serial or bit-parallel dot-product unit with an energy and area.
 */
export interface AuthorsPe {
  /** Which of the authors' PE classes this is (for the report). */
  readonly peClass: string;
  readonly bitSerial: boolean;
  /** Dot-product lanes (pe_dp_size: 4 for BitMoD, 1 for the baselines). */
  readonly dotProduct: number;
  /** Storage bits per weight as the authors count them (element bits + 8 scale bits per 128-weight group). */
  readonly weightBits: number;
  /** pe_energy of the authors' scripts (pJ per PE-cycle before their place-and-route factor 1.5). */
  readonly peEnergyPj: number;
  /** pe_area of the authors' scripts, µm². */
  readonly peAreaUm2: number;
}

/** The tile shape a tile instruction runs on (the last `settile`). */
export interface TileShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** One term of a tile engine's synthesized cost as the array grows: a name for the report, its value at rows × cols. */
export interface EngineGrowthTerm {
  /** e.g. `R`, `Q·R·C` (the report lists the model by these names). */
  readonly name: string;
  readonly at: (rows: number, cols: number) => number;
}

/** The growth terms every engine model starts from: fixed, per row, per column and per PE (1, R, C, R·C). */
export const BILINEAR_ENGINE_TERMS: readonly EngineGrowthTerm[] = [
  { name: '1', at: () => 1 },
  { name: 'R', at: (r) => r },
  { name: 'C', at: (_, c) => c },
  { name: 'R·C', at: (r, c) => r * c },
];

/**
 * How a kind's tile engine (its own logic, its PEs and other sub-units apart) grows with the array, read off
 * its RTL generator: `qacc estimate --synth` synthesizes the engine at `points` and fits one coefficient per
 * term and reported quantity (src/estimate/synth/engine-fit.ts) to price arrays too large to synthesize.
 */
export interface EngineGrowth {
  readonly terms: readonly EngineGrowthTerm[];
  /**
   * The terms its memory bits are fitted on (absent: `terms`). A RAM's bits are its words × its width, and
   * where its words are a ceiling in the rows or columns (a staging that holds a whole tile in port-wide words)
   * no polynomial extrapolates them: the kind names such a RAM's bits, read off its RTL geometry, as a term.
   */
  readonly memoryTerms?: readonly EngineGrowthTerm[];
  /** The array sizes synthesized for the fit (more than terms where possible; each at most 8 rows and columns). */
  readonly points: readonly { readonly rows: number; readonly cols: number }[];
  /** Why these terms (which RTL parts grow how), for the report and docs. */
  readonly note: string;
  /**
   * The PE the engine is generated with at a sample size (absent: the design's own). An engine whose
   * per-column, per-row or per-PE storage is as deep as its declared tile's passes over the array (tile / side)
   * samples with the tile scaled to the sample's array, so every sample keeps the design's passes and grows in
   * rows and columns only (lowrank_gemm).
   */
  readonly samplePe?: (rows: number, cols: number) => IrPe;
  /**
   * Arrays up to this many rows and columns have their engine synthesized at their own size, not fitted
   * (absent: 8, src/estimate/synth/engine-fit.ts ENGINE_EXACT_MAX_SIDE). For an engine whose per-row, per-column
   * and per-PE logic lives in sub-modules (units synthesized once and counted), so that what is left grows by
   * wiring and a few gates per row and column (lowrank_gemm).
   */
  readonly exactMaxSide?: number;
}

/**
 * The tile engine's own logic (its PEs and other sub-units apart) at an array size, as the analytic estimate
 * prices it (src/estimate/components.ts): the kind's engine growth terms (EngineGrowth) × coefficients
 * fitted on recorded syntheses of the engine, for its gates and for its RAM bits (operand staging kept as
 * $mem_v2 macros, priced as SRAM like the buffers).
 */
export interface EngineArea {
  /** Static-CMOS transistors of the engine's gates (`stat -tech cmos`; GE = transistors / 4). */
  readonly transistors: number;
  /** Bits of the engine's RAMs. */
  readonly memoryBits: number;
  /** Where the coefficients come from (the report's source column). */
  readonly source: string;
  /**
   * What of the engine these figures leave out (sub-units the model does not price), for the report's unpriced
   * list (src/estimate/components.ts unpricedComponents); absent: nothing.
   */
  readonly leavesOut?: string;
}

/** Coefficients fitted on recorded engine syntheses: one per growth term (transistors) and per memory term (RAM bits). */
export interface EngineFit {
  readonly transistors: readonly number[];
  /** On the growth's memoryTerms (absent there: its terms). */
  readonly memoryBits: readonly number[];
}

/**
 * The engine's own logic at `array` for the analytic estimate: `fit` on `growth`'s terms (RAM bits on its
 * memory terms), each rounded and at least 0, as src/estimate/synth/engine-fit.ts evaluates its fit.
 */
export function fittedEngineArea(growth: EngineGrowth, fit: EngineFit, array: ArrayShape, source: string): EngineArea {
  const at = (terms: readonly EngineGrowthTerm[], coef: readonly number[]): number => Math.max(0, Math.round(terms.reduce((s, term, i) => s + coef[i] * term.at(array.rows, array.cols), 0)));
  return { transistors: at(growth.terms, fit.transistors), memoryBits: at(growth.memoryTerms ?? growth.terms, fit.memoryBits), source };
}

/** The array sizes the generic engine model samples (src/estimate/synth/engine-fit.ts); a kind may reuse them. */
export const GENERIC_ENGINE_POINTS: readonly { readonly rows: number; readonly cols: number }[] = [
  { rows: 2, cols: 2 },
  { rows: 2, cols: 4 },
  { rows: 4, cols: 2 },
  { rows: 4, cols: 4 },
  { rows: 2, cols: 8 },
  { rows: 8, cols: 2 },
];

/** What src/estimate calls on a kind (method syntax: see GoldenFacet). */
export interface CostFacet<K extends PeKind> {
  /** The synthesis-calibrated PE area model peCost prices with (its terms, coefficients and calibration points). */
  readonly areaModel: LinearAreaModel<IrPeOf<K>>;
  /** Area and energy of one PE of a rows × cols array at 28 nm. */
  peCost(pe: IrPeOf<K>, array: ArrayShape): PeCost;
  /** Every mode the PE runs, with its MACs per cycle (one entry for single-mode kinds). */
  peakModes(pe: IrPeOf<K>): readonly PeakMode[];
  /** The mode index (into peakModes) the target runs (simd_mac: the chosen SIMD mode; 0 otherwise). */
  modeOf(t: TargetOf<K>): number;
  /**
   * Cycles of one of the kind's compute-queue instructions (tile ops, dequant, writeback) on `tile`, by the
   * engine's closed forms the simulator times them with (src/pe/<folder>/timing.ts); 0 for any other.
   */
  computeCycles(t: TargetOf<K>, inst: Instruction, tile: TileShape): number;
  /** The PE class of the authors' analytic model. */
  authorsPe(pe: IrPeOf<K>): AuthorsPe;
  /**
   * The tile engine's growth terms for `--synth` beyond 8 rows or columns; absent, or undefined for a target
   * whose engine the kind does not model: the generic 1, R, C, R·C, R²·C, R·C².
   */
  engineGrowth?(t: TargetOf<K>): EngineGrowth | undefined;
  /**
   * The tile engine's own logic at `array` for the analytic estimate, on the engineGrowth terms with
   * coefficients fitted on recorded engine syntheses (or, lowrank_gemm, its sub-units' models on the target's
   * geometry); absent, or undefined for a target whose engine has no recorded syntheses: not priced, and the
   * report says so (EstimateReport.unpriced, src/estimate/components.ts unpricedComponents).
   */
  engineArea?(pe: IrPeOf<K>, array: ArrayShape, t: TargetOf<K>): EngineArea | undefined;
  /**
   * The buffer spaces the tile engine writes through a second write port (the RtlFacet's engineExtras.writes,
   * from one function of the kind's microarch.ts): the analytic buffers' port logic prices that port
   * (src/estimate/outside-engine.ts); absent: none.
   */
  engineBufferWrites?(t: TargetOf<K>): readonly IsaBuffer[];
  /**
   * Name endings of the kind's generated modules that `--synth` (both flows) synthesizes without Yosys's SAT-based
   * resource sharing (src/estimate/synth/synthesize.ts; the report says so), where `share` cannot
   * finish; absent: none.
   */
  readonly synthNoShare?: readonly string[];
  /**
   * Name endings of the kind's generated modules that `--synth` synthesizes as units of their own wherever
   * they sit (blackboxed in their parent, counted per instance; src/estimate/synth/modules.ts `cutSubtree`),
   * where Yosys's `abc` cannot finish them flattened into their parent; absent: none.
   */
  readonly synthUnits?: readonly string[];
  /**
   * The name ending of the generated module the kind's tile engine instantiates rows × cols times as its PE,
   * where that is not the PE-level module (the PE top, `qacc build`'s FuseSoC target `pe`): the PE the
   * design's area is made of, which `npm run calibrate` synthesizes for the kind's area model
   * (src/estimate/synth/design.ts `synthesizeArrayPe`); a RegExp where the name carries the PE's parameters
   * (mac's `<top>_mac_cell_fp16_fma_fp32_l1`); absent: the PE top.
   */
  readonly arrayPeModule?: string | RegExp;
}

/** Every kind's cost facet. */
export const COST: { readonly [K in PeKind]: CostFacet<K> } = {
  bit_serial_mod: bitSerialModCost,
  simd_mac: simdMacCost,
  lowrank_gemm: lowRankGemmCost,
  mac: macCost,
};

/** The cost facet of `kind`, widened for generic callers (method parameters are bivariant). */
export function costFacet(kind: PeKind): CostFacet<PeKind> {
  return COST[kind] as CostFacet<PeKind>;
}
