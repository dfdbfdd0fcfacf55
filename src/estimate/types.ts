/**
 * The shape of an estimate: what `qacc estimate --json` prints and what `qacc sweep` collects per design
 * point. Field names in snake_case are a contract named by issue 15 (other tools read them): `cycles`,
 * `compute_cycles`, `dram_cycles`, `energy_pj`, `area_um2` and `layers: [{name, out, in, tokens,
 * compute_cycles, dram_cycles, cycles, bound}]`. Extend freely; never rename.
 */

/** Which bound limits a layer: the array's compute rate or the DRAM bandwidth. */
export type LayerBound = 'compute' | 'memory';

/** One layer of a model workload (one instance; `count` says how many times it runs). */
export interface LayerEstimate {
  /** The model's layer name, e.g. `model.layers.0.self_attn.q_proj`, or `gemm` for a single GEMM. */
  readonly name: string;
  /** Output features (n). */
  readonly out: number;
  /** Input features (k). */
  readonly in: number;
  /** Tokens, i.e. activation rows (m). */
  readonly tokens: number;
  readonly compute_cycles: number;
  readonly dram_cycles: number;
  readonly cycles: number;
  readonly bound: LayerBound;
  readonly energy_pj: number;
  readonly count: number;
}

/** Area of one component (PE array, buffers, DMA, controller). */
export interface ComponentArea {
  readonly name: string;
  readonly gate_equivalents: number;
  readonly area_um2: number;
  /** Where the per-unit figure comes from (a table in ../shared/reference, a synthesis run, …). */
  readonly source: string;
}

/**
 * A component the design holds that the report's area leaves out, and why: an array's tile engine whose kind's
 * cost facet has no analytic model for the target (CostFacet.engineArea absent or returning none). The area is
 * then short by that component; `--synth generic` synthesizes it.
 */
export interface UnpricedComponent {
  /** e.g. `fp16_array tile engine` (its logic and RAMs). */
  readonly component: string;
  readonly reason: string;
}

/** Energy per operation or per byte, with its source. */
export interface EnergyRate {
  readonly name: string;
  readonly pj: number;
  readonly per: 'multiply_accumulate' | 'byte' | 'access';
  readonly source: string;
}

/** Where the energy goes (pJ): the PEs, the on-chip buffers, DRAM. Σ = energy_pj. */
export interface EnergyBreakdown {
  readonly compute_pj: number;
  readonly sram_pj: number;
  readonly dram_pj: number;
}

/** The cost models `--cost-model` selects: qacc's own, or the BitMoD authors' analytic simulator. */
export type CostModel = 'qacc' | 'bitmod2025';

export interface EstimateReport {
  readonly accelerator: string;
  readonly pe: string;
  readonly cost_model: CostModel;
  readonly workload: string | null;
  readonly technology_nm: number;
  readonly clock_mhz: number;
  /** Σ over layers of cycles × count, less overlap_cycles. */
  readonly cycles: number;
  /**
   * Cycles the workload's layer chains save (qacc's model: compile/layer-overlap.ts, the same chains and
   * savings as `qacc sim --timing-only`; 0 for bitmod2025 and with --no-layer-overlap).
   */
  readonly overlap_cycles: number;
  readonly compute_cycles: number;
  readonly dram_cycles: number;
  readonly energy_pj: number;
  readonly energy_breakdown: EnergyBreakdown;
  /** Multiply-accumulates of the workload's weight GEMMs (Σ m · k · n × count; bitmod2025 adds its attention matmuls). */
  readonly macs: number;
  /** DRAM bytes moved (read + written). */
  readonly dram_bytes: number;
  /** cycles / clock. */
  readonly seconds: number;
  readonly area_um2: number;
  readonly components: readonly ComponentArea[];
  /**
   * What the design holds that `components` (and so area_um2) leaves out, with why; empty where everything is
   * priced (and always under bitmod2025, whose accounting has PEs and buffers only, and with `--synth`).
   */
  readonly unpriced: readonly UnpricedComponent[];
  readonly energy_rates: readonly EnergyRate[];
  /** Peak MACs per cycle per SIMD mode / format (one entry for single-mode kinds). */
  readonly peak: readonly { readonly mode: string; readonly macs_per_cycle: number }[];
  readonly layers: readonly LayerEstimate[];
}
