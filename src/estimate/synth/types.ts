/**
 * The shape of a synthesis-backed estimate (`qacc estimate --synth generic|xilinx`, issue 15): what one
 * Yosys run reports for one synthesis unit, and how the units of a design compose into its totals.
 * Field names are part of the `--json` contract once the estimate command prints them: extend, never rename.
 */

/** Which Yosys flow: `generic` (`synth`, gate-level cells, `stat -tech cmos`) or `xilinx` (`synth_xilinx -family xcup`, UltraScale+). */
export type SynthFlow = 'generic' | 'xilinx';

export const SYNTH_FLOWS: readonly SynthFlow[] = ['generic', 'xilinx'];

/** UltraScale+ resources of a `synth_xilinx` netlist. */
export interface XilinxResources {
  /** LUT1..LUT6 cells (a LUT6_2 counts once). */
  readonly lut: number;
  /** Flip-flops (FDRE/FDSE/FDCE/FDPE) and latches. */
  readonly ff: number;
  /** CARRY8 (or CARRY4) cells. */
  readonly carry: number;
  /** DSP48E2 slices. */
  readonly dsp: number;
  /** Block RAM in 36 Kib units: a RAMB36E2 counts 1, a RAMB18E2 counts 0.5. */
  readonly bram: number;
  /** LUTs used as distributed RAM or shift registers (RAM32M, RAM64X1D, SRL16E, …), counted as cells. */
  readonly lutram: number;
}

/** The cost of one synthesized netlist (one unit alone, its sub-units excluded, or a composed total). */
export interface SynthStats {
  /** Mapped cells, sub-unit instances excluded (memories kept as $mem_v2 macros in the generic flow count one each). */
  readonly cells: number;
  /** Cells by type (`$_AND_`, `$_DFF_P_`, `LUT6`, `RAMB36E2`, …). */
  readonly cell_types: Readonly<Record<string, number>>;
  /** `stat -tech cmos` transistor estimate of the gates (generic flow; memories excluded, see memory_bits); 0 for xilinx. */
  readonly transistors: number;
  /** Bits of the memories kept as macros ($mem_v2 WIDTH × SIZE: every memory in the generic flow, those no block or LUT RAM holds in the xilinx flow), reported apart from the gates. */
  readonly memory_bits: number;
  /** xilinx flow only. */
  readonly xilinx?: XilinxResources;
  /**
   * Longest combinational path in mapped cells between start points (unit inputs, flip-flop and memory
   * outputs, sub-unit outputs) and end points (unit outputs, flip-flop and memory inputs, sub-unit inputs).
   */
  readonly levels: number;
}

/** One distinct synthesis unit of a design: a module (with its parameter values) synthesized once. */
export interface SynthUnitReport {
  /** The module name (plus `#(P=v,…)` when instantiated with parameters). */
  readonly unit: string;
  readonly module: string;
  readonly params: Readonly<Record<string, number>>;
  /** How many copies the whole design holds. */
  readonly instances: number;
  /** Instantiation depth of the unit (0: the top; 2 in a whole design: the engine's PEs and per-row/column units). */
  readonly depth: number;
  /** The unit alone (sub-units excluded). */
  readonly own: SynthStats;
  /** Sub-units it instantiates directly: unit key → count. */
  readonly children: Readonly<Record<string, number>>;
  /** True when the result came from the cache. */
  readonly cached: boolean;
  /** Seconds Yosys ran (0 when cached). */
  readonly seconds: number;
  /** Present when `own` was extrapolated from syntheses at smaller array sizes instead of synthesized (engine-fit.ts). */
  readonly extrapolated?: SynthExtrapolation;
  /** Present when the unit was synthesized without Yosys's SAT-based resource sharing (SynthOptions.noShare). */
  readonly no_share?: true;
}

/** How a unit's own cost was extrapolated: from which array sizes, with which model. */
export interface SynthExtrapolation {
  /** The array size the cost is predicted for. */
  readonly rows: number;
  readonly cols: number;
  /** The array sizes synthesized for the fit (each a unit synthesis, cached). */
  readonly points: readonly { readonly rows: number; readonly cols: number }[];
  /** The model's terms, e.g. `1, R, C, R·C, R²·C, R·C²` (least squares on `points`, per reported quantity). */
  readonly model: string;
}

/** A design's synthesis: each distinct unit once, and the totals composed from the instance counts. */
export interface SynthReport {
  readonly flow: SynthFlow;
  /** @yowasp/yosys package version (Yosys release + build). */
  readonly yosys: string;
  /** The top module synthesized (accelerator top, or a PE for a PE-only run). */
  readonly top: string;
  readonly units: readonly SynthUnitReport[];
  /** Σ over units of instances × own. `levels` is the maximum over units (paths are cut at unit ports). */
  readonly total: SynthStats;
  /** Wall-clock seconds of the whole run. */
  readonly seconds: number;
}

/** Options of a synthesis run. */
export interface SynthOptions {
  readonly flow: SynthFlow;
  /** Where results are cached by content hash; default: defaultSynthCacheDir(). `null` disables the cache. */
  readonly cacheDir?: string | null;
  /** Called before each unit that Yosys must run (progress on a terminal). */
  readonly onUnit?: (unit: string, index: number, count: number) => void;
  /** Modules synthesized without Yosys's SAT-based resource sharing (synthesize.ts; the PE kind's CostFacet.synthNoShare). */
  readonly noShare?: (module: string) => boolean;
  /** Modules synthesized as units of their own wherever they sit, even below the cut depth (modules.ts `cutSubtree`; the PE kind's CostFacet.synthUnits). */
  readonly ownUnit?: (module: string) => boolean;
}
