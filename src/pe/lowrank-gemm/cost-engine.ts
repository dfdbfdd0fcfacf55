/**
 * How the lowrank_gemm tile engine (templates/engine_lowrank.v.hbs; its PEs, per-column and per-row slices,
 * qact part and fp multipliers apart) grows with the array, for `qacc estimate --synth`.
 *
 * Its per-row and per-column logic lives in modules of their own (engine_lowrank_row / _col.v.hbs: the
 * operand staging, its writes and the beat's window selects; the column's down-projection sums, l_init
 * selects and writeback port word; engine_lowrank_qact_slice.v.hbs: a column's quantizer and its code and
 * scale staging), units that `--synth` synthesizes once and counts, like the PEs. What the engine keeps is
 * the command decode and range checks, the fetch, beat and writeback sequencers, the lane masks, the bias,
 * channel- and LoRA-scale vectors, and per row and column a few gates (the row / column start offsets, a
 * constant times the row bytes; its enable) and the wiring of the instances. So arrays up to 16 × 16
 * synthesize the engine at their own size (`exactMaxSide`; svdquant's 16 × 16 engine: 45,520 cells, 5.4
 * CPU-minutes, 1.1 GB, docs/estimate.md "Tile engine extrapolation"); beyond, the fit below.
 *
 * The fit's terms: its storage was as deep as the declared tile's passes over the array (per column a staging
 * copy per m pass, per row one per n pass), so the samples keep the design's passes (the declared tile scaled
 * with the sample's array: `samplePe`), and what is left grows in rows and columns:
 * - 1: the decode, sequencers, masks and vectors above;
 * - R, per row: its start offsets and enable; C, per column: the same, its writeback chain select;
 * - R·C, per PE: its enable (an AND of its row's and column's).
 * The PE count (rows · cols), the slices (rows, cols), the per-column fp multipliers (C · B) and the qact
 * control are the engine's sub-units, counted on the same terms and synthesized at the design's size.
 * Sampled at the generic model's six sizes (two to spare). No held-out size is recorded for it in
 * test/estimate/engine-synth-samples.json: the designs that use it (svdquant, 16 × 16) need no fit.
 *
 * The analytic estimate (CostFacet.engineArea, lowRankEngineArea below) prices the engine and all its sub-units
 * but the PEs, unit by unit: docs/estimate.md "Tile engine in the analytic estimate".
 */
import type { EngineArea, EngineGrowth } from '../facets/cost.js';
import { BILINEAR_ENGINE_TERMS, GENERIC_ENGINE_POINTS } from '../facets/cost.js';
import type { TargetOf } from '../facets/compile.js';
import type { Target } from '../../compile/target.js';
import { lowRankEngineGeometry, type LowRankEngineGeometry } from './microarch.js';

/** The lowrank_gemm engine's growth terms, its samples at the design's passes per tile. */
export function lowRankGemmEngineGrowth(t: TargetOf<'lowrank_gemm'>): EngineGrowth {
  const pm = t.tilePassesM;
  const pn = t.tilePassesN;
  return {
    terms: [
      ...BILINEAR_ENGINE_TERMS,
    ],
    points: GENERIC_ENGINE_POINTS,
    note: `lowrank_gemm: fixed, per row, per column and per PE, sampled at the design's ${pm} × ${pn} passes per tile (the declared tile scaled with the array)`,
    samplePe: (rows, cols) => ({ ...t.pe, tileM: pm * cols, tileN: pn * rows }),
    exactMaxSide: 16,
  };
}

// ---- The analytic engine model (CostFacet.engineArea) ----------------------------------------------------------
//
// The engine and its sub-units as `--synth` synthesizes them (src/estimate/synth/design.ts), each counted per
// instance: the engine's own logic (1), a row unit per row (R), a column unit per column (C), the qact control
// (1) and per column its slice (C) and quantizer (C), and per column and branch lane the lr_up fp units (C · B:
// the LoRA-scale multiplier where lora_scales are declared, the narrowing to the branch format). The PEs are the
// array component (cost-area.ts). Each unit's transistors are a + b · X, X the unit's size measure read off its
// template and the engine geometry (microarch.ts lowRankEngineGeometry, what the generator renders): for the
// staging units the 2:1 multiplexer bits of their staging writes, rotators, window selects and registers
// (lowRankUnitMuxBits); for the quantizer its branch lanes (a multiplier and a code converter per lane); the
// engine's own logic and the qact control are constants. A quantizer format with no recorded synthesis is left
// unpriced, and its source says so. An offline-activation design has no qact part. a, b are least-squares fits on the recorded syntheses of test/estimate/engine-unit-samples.json
// (`npm run synth:study -- engine-units`; test/estimate/synth/lowrank-engine-model.test.ts re-fits them and
// checks the held-out configuration). The fp units are fixed blocks, priced at their synthesized size. RAM bits
// are exact: every staging that Yosys keeps as a $mem_v2 macro, from the geometry.

const log2 = (n: number): number => Math.ceil(Math.log2(Math.max(1, n)));
const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** 2:1 mux bits of a window select (rtl-staging.ts windowMuxVerilog): (windows − 1) · width. */
function windowBits(vecBits: number, idxBits: number, stride: number, width: number): number {
  return (Math.min(2 ** idxBits, Math.ceil(vecBits / stride)) - 1) * width;
}

/** A P-byte rotator: 8P · log2 P mux bits (a part-select of the doubled word where P is not a power of two: the same order). */
const rotatorBits = (P: number): number => 8 * P * (isPow2(P) ? Math.log2(P) : log2(P) + 1);

/** One staging write (stagingWriteVerilog): the byte-enabled merge of the staging word and the rotator. */
const writeBits = (bytes: number, P: number): number => 8 * bytes + rotatorBits(P);

/** One staging read (stagingReadVerilog): the slot-pair select, the byte merge, the rotator. */
const readBits = (bytes: number, P: number): number => windowBits(8 * (bytes + 2 * P), log2(bytes / P + 1), 8 * P, 16 * P) + 8 * P + rotatorBits(P);

/** A variable SB-bit part-select out of `bits` (the group scale select): a shifter, SB · log2 bits. */
const scaleSelectBits = (SB: number, bits: number): number => SB * log2(bits);

/** The size measure X of each staging unit (2:1 mux bits; a flip-flop counts 2, an AND gate 1/2). */
export function lowRankUnitMuxBits(g: LowRankEngineGeometry): { readonly row: number; readonly col: number; readonly slice: number } {
  const { lanes: L, blanes: B, scaleBits: SB, pa, pw, pm, pl, po, qg, posgBits, posbBits, wwBits, rows: R } = g;
  const masks = (4 * L + 16 * B) / 2;
  const row =
    writeBits(g.rqBytes, pw) + writeBits(g.rlBytes, pl) + writeBits(g.scBytes, pm) +
    windowBits(8 * g.rqBytes, posgBits, 4 * qg, 4 * L) + windowBits(8 * g.rlBytes, posbBits, 16 * B, 16 * B) +
    scaleSelectBits(SB, 8 * g.scBytes) + masks;
  const col =
    writeBits(g.colBytes, pa) + writeBits(g.scBytes, pm) +
    windowBits(8 * g.colBytes, posgBits, 4 * qg, 4 * L) + windowBits(8 * g.colBytes, posbBits, 16 * B, 16 * B) +
    windowBits(32 * g.lrtDepth, posbBits, 32 * B, 32 * B) + windowBits(8 * g.colOutBytes, wwBits, 8 * po, 8 * po) +
    32 * R * g.nPasses + 16 * B + 8 * po + scaleSelectBits(SB, 8 * g.scBytes) + masks;
  const q = g.qact;
  const slice = q
    ? windowBits(8 * g.colBytes, q.posqBits, 16 * q.qb, 16 * B) + (q.codeMem ? 0 : 3 * 8 * q.codeBytes) +
      3 * 8 * q.scBytes + readBits(q.codeBytes, pa) + readBits(q.scBytes, pm) + 8 * q.scBytes / 2 + 8 * pa + 8 * pm
    : 0;
  return { row, col, slice };
}

/** RAM bits of each staging unit ($mem_v2 macros: the row, column and code stagings). */
export function lowRankUnitMemoryBits(g: LowRankEngineGeometry): { readonly row: number; readonly col: number; readonly slice: number } {
  return {
    row: 2 ** g.pnBits * 8 * (g.rqBytes + g.scBytes) + 2 ** g.npBits * 8 * g.rlBytes,
    col: 2 ** g.pmBits * (8 * (g.colBytes + g.scBytes) + 32 * g.rank),
    slice: g.qact?.codeMem ? 8 * g.qact.codeBytes : 0,
  };
}

/** A unit's model: transistors = a + b · X, X its size measure. */
export interface UnitFit {
  readonly a: number;
  readonly b: number;
}

/**
 * The fitted coefficients: least squares of a + b · X over the points of test/estimate/engine-unit-samples.json
 * with role `fit` (examples/svdquant.qacc's two accelerators at 4 × 4 and 8 × 8, 16 and 32 lanes, 1, 2 and 4
 * banks: ports of 64 to 256 bytes), one pair per unit and, for the quantizer, per quantizer format
 * `<branch>_<activations>` (quantizerFormat). Constants (b = 0, X = 0): the qact control (66–69 k transistors
 * over every sample, no trend with lanes or ports) and the engine's own logic, synthesized at one sample only
 * (4 × 4, 16 lanes: 5 CPU-minutes a synthesis), priced at that size (−12.5% at svdquant's 16 × 16, held out).
 */
export const LOWRANK_ENGINE_UNIT_FIT = {
  engine: { a: 283736, b: 0 },
  row: { a: 30554.9374, b: 10.850728 },
  col: { a: 21747.9715, b: 10.273843 },
  qactControl: { a: 67019.3333, b: 0 },
  slice: { a: 397.9781, b: 9.535316 },
  quantizer: { fp16_int4: { a: 33902, b: 19654.5 }, bf16_nvfp4: { a: 32038, b: 16442 } } as Readonly<Record<string, UnitFit>>,
} as const;

/**
 * Synthesized transistors of the fixed fp units of the lr_up broadcast (generic flow; the samples'
 * `qacc_fp_mul_*` units, rtl-engine.ts lowRankEngineFpUnits): `lora_scale` the fp32 × fp32 multiplier,
 * `narrow_<branch>` the fp32 → branch-format rounding (an fp32 × 1.0 multiplier).
 */
export const LOWRANK_ENGINE_FP_UNITS: Readonly<Record<string, number>> = { lora_scale: 33618, narrow_fp16: 16214, narrow_bf16: 16162 };

/** The fp units one column's branch lane holds (keys of LOWRANK_ENGINE_FP_UNITS). */
export function lowRankEngineFpUnitKeys(t: Target): string[] {
  const cfg = t.golden;
  if (cfg.kind !== 'lowrank_gemm') throw new Error(`lowRankEngineFpUnitKeys: target PE is ${cfg.kind}`);
  return [...(lowRankEngineGeometry(t).loraScales ? ['lora_scale'] : []), `narrow_${cfg.branchFormat}`];
}

/** A unit of the model at a target: its instance count, size measure, and what one instance costs. */
export interface LowRankEngineUnit {
  readonly unit: string;
  readonly copies: number;
  readonly measure: number;
  readonly transistors: number;
  readonly memoryBits: number;
}

/** The quantizer's format key (its converter and scale unit: rtl-qact.ts qactColumn). */
export function quantizerFormat(t: Target): string {
  const cfg = t.golden;
  if (cfg.kind !== 'lowrank_gemm') throw new Error(`quantizerFormat: target PE is ${cfg.kind}`);
  return `${cfg.branchFormat}_${cfg.main.kind === 'nvfp4' ? 'nvfp4' : cfg.main.activations}`;
}

/** The size measures of the units the model fits (names as in engine-unit-samples.json). */
export function lowRankEngineUnitMeasures(t: Target): Readonly<Record<string, number>> {
  const g = lowRankEngineGeometry(t);
  const m = lowRankUnitMuxBits(g);
  return {
    // the engine's own logic: a constant (LOWRANK_ENGINE_UNIT_FIT)
    _engine_lowrank_gemm: 0,
    _lowrank_row: m.row,
    _lowrank_col: m.col,
    // the qact control (sequencer, write-stream masks and addresses): 66–69 k transistors over the samples' lanes
    // and ports, no trend: a constant (the mean)
    _lowrank_qact: 0,
    _lowrank_qact_slice: m.slice,
    _lowrank_qact_col: g.blanes,
  };
}

/** The engine's units at a target, as the analytic estimate prices them. */
export function lowRankEngineUnits(t: Target): LowRankEngineUnit[] {
  const g = lowRankEngineGeometry(t);
  const x = lowRankEngineUnitMeasures(t);
  const mem = lowRankUnitMemoryBits(g);
  const F = LOWRANK_ENGINE_UNIT_FIT;
  const at = (f: UnitFit, v: number): number => Math.max(0, Math.round(f.a + f.b * v));
  const units: LowRankEngineUnit[] = [
    { unit: '_engine_lowrank_gemm', copies: 1, measure: x._engine_lowrank_gemm, transistors: at(F.engine, x._engine_lowrank_gemm), memoryBits: 0 },
    { unit: '_lowrank_row', copies: g.rows, measure: x._lowrank_row, transistors: at(F.row, x._lowrank_row), memoryBits: mem.row },
    { unit: '_lowrank_col', copies: g.cols, measure: x._lowrank_col, transistors: at(F.col, x._lowrank_col), memoryBits: mem.col },
  ];
  if (g.qact) {
    const qf = F.quantizer[quantizerFormat(t)];
    units.push(
      { unit: '_lowrank_qact', copies: 1, measure: x._lowrank_qact, transistors: at(F.qactControl, x._lowrank_qact), memoryBits: 0 },
      { unit: '_lowrank_qact_slice', copies: g.cols, measure: x._lowrank_qact_slice, transistors: at(F.slice, x._lowrank_qact_slice), memoryBits: mem.slice },
      { unit: '_lowrank_qact_col', copies: g.cols, measure: x._lowrank_qact_col, transistors: qf ? at(qf, x._lowrank_qact_col) : NaN, memoryBits: 0 },
    );
  }
  for (const u of lowRankEngineFpUnitKeys(t)) units.push({ unit: u, copies: g.cols * g.blanes, measure: 1, transistors: LOWRANK_ENGINE_FP_UNITS[u] ?? NaN, memoryBits: 0 });
  return units;
}

/**
 * The engine and its sub-units at a target for the analytic estimate: Σ copies × unit. A unit of a format with no
 * recorded synthesis (a quantizer or fp unit absent from the fits) is left out of the logic and named in
 * `leavesOut`, so the report lists it as unpriced.
 */
export function lowRankEngineArea(t: Target): EngineArea {
  const units = lowRankEngineUnits(t);
  const missing = units.filter((u) => Number.isNaN(u.transistors));
  const priced = units.filter((u) => !Number.isNaN(u.transistors));
  const parts = priced.map((u) => `${u.copies} × ${u.unit} ${u.transistors}`).join(', ');
  const names = missing.map((u) => u.unit).join(', ');
  const e: EngineArea = {
    transistors: priced.reduce((s, u) => s + u.copies * u.transistors, 0),
    memoryBits: units.reduce((s, u) => s + u.copies * u.memoryBits, 0),
    source: `lowrank_gemm engine and sub-units (${parts} transistors; a + b · size fits and fixed fp units on the recorded syntheses of test/estimate/engine-unit-samples.json, Yosys generic flow; RAM bits from the staging widths)${missing.length ? `; not priced (no recorded synthesis of its format): ${names}` : ''}`,
  };
  if (!missing.length) return e;
  const left = missing.map((u) => `${u.copies} × ${u.unit}`).join(', ');
  return { ...e, leavesOut: `the logic of ${left} (test/estimate/engine-unit-samples.json records no synthesis of them for this design's formats; its quantizer: ${quantizerFormat(t)}), synthesized by \`qacc estimate --synth generic\` but not in the analytic model` };
}
