/**
 * Running a workload on an accelerator: compile (src/compile), simulate (machine.ts), read the outputs
 * back from the DRAM image and compare them with the golden model bit for bit.
 *
 * Modes: a `gemm:` workload is simulated cycle by cycle with full arithmetic and checked against
 * golden. A `model:` workload is simulated timing-only (no arithmetic, the same instruction stream and
 * the same timing rules; each distinct layer shape once, multiplied by its count), by periods
 * (fast-timing.ts: cost grows with distinct tile shapes, not tiles; `--vcd` runs tile by tile): the
 * timing of a tile does not depend on operand values except through BitMoD selectors of mixtures whose
 * candidates differ in cycles per weight (timing-only takes candidate 0), so both modes give identical
 * statistics for the same GEMM whenever every candidate has the same cycle count (every example; tested).
 * A timing-only workload of several layers then takes off what layer chains save (compile/chain.ts, one
 * program for two consecutive layers; layer-overlap.ts: each distinct pair of shapes timed once, chained where
 * it pays; `layerOverlap: false` runs every layer alone).
 *
 * Bounds checked before any work: counts must stay exact (2^53 − 1), the DRAM image within the ISA's
 * addresses, and an arithmetic run within ARITHMETIC_MEMORY_LIMIT. The report's figures are defined on
 * SimReport (and in docs/simulator.md).
 */
import { CompileError } from '../compile/errors.js';
import { chooseTiling, compileGemm, layoutDram, type CompiledGemm } from '../compile/program.js';
import { randomOperands, type AnyOperands } from '../compile/operands.js';
import { unpackMatrix } from '../compile/pack.js';
import { arrayPasses, rooflineBound, scheduleReport, type ScheduleReport } from '../compile/schedule/index.js';
import { resolveTarget, type Target, type TargetOptions } from '../compile/target.js';
import { transitionOverlaps, type OverlapRefusal } from '../compile/layer-overlap.js';
import type { GemmShape, Workload } from '../compile/workload.js';
import { goldenGemm } from '../golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../golden/types.js';
import type { IrAccelerator } from '../ir/types.js';
import { runPlanTiming } from './fast-timing.js';
import { Machine, type InstructionClass, type MachineStats, type QueueName, type StallReason, type TraceEvent } from './machine.js';

export interface GemmRun {
  readonly compiled: CompiledGemm;
  readonly stats: MachineStats;
  /** Output codes read back from DRAM (absent in timing-only runs). */
  readonly output: Uint32Array | undefined;
  /** Golden output codes (absent in timing-only runs). */
  readonly golden: Uint32Array | undefined;
  /** True / false when checked; undefined in timing-only runs. */
  readonly matchGolden: boolean | undefined;
  /** The first differing output index, when there is one. */
  readonly firstMismatch: number | undefined;
  readonly events: readonly TraceEvent[];
}

/** What a long run reports as it goes (`qacc sim` shows it on a terminal). */
export interface SimProgress {
  /** 'simulate': the cycle-level run, `fraction` of its MACs done; 'golden': the golden model's check. */
  readonly phase: 'simulate' | 'golden';
  readonly fraction: number;
  /** The layer being run and the number of distinct layers to run. */
  readonly layer: string;
  readonly index: number;
  readonly layers: number;
}

export interface RunOptions {
  readonly seed?: number;
  readonly timingOnly?: boolean;
  readonly trace?: boolean;
  /** Operands to use instead of random ones. */
  readonly operands?: AnyOperands;
  /** How compile errors name the GEMM (e.g. "layer q"). */
  readonly label?: string;
  /** Progress of the run (phase and fraction of the current GEMM). */
  readonly onProgress?: (phase: SimProgress['phase'], fraction: number) => void;
}

/**
 * Bytes of memory an arithmetic run of a GEMM may need at most: the DRAM image, the golden operands
 * (one 32-bit word per element; the low-rank kind holds activations twice, codes and raw), and the
 * simulated and golden outputs (one word each, plus the golden model's working copy).
 */
export function arithmeticMemoryBytes(shape: GemmShape, dramBytes: number): number {
  const { m, k, n } = shape;
  return dramBytes + 4 * (2 * m * k + 2 * n * k) + 16 * m * n;
}

/** The most memory an arithmetic (functional) run may take; larger GEMMs run timing only. */
export const ARITHMETIC_MEMORY_LIMIT = 2 ** 31;

/** The largest count of MACs, cycles or bytes qacc reports exactly (2^53 − 1). */
export const MAX_EXACT_COUNT = Number.MAX_SAFE_INTEGER;

/** Compiles and simulates one GEMM on a target and checks it against golden. */
export function runGemm(target: Target, shape: GemmShape, options: RunOptions = {}): GemmRun {
  const timingOnly = options.timingOnly ?? false;
  const { m, k, n } = shape;
  if (m * k * n > MAX_EXACT_COUNT) throw new CompileError('capacity', `the ${m}×${k}×${n} GEMM has ${BigInt(m) * BigInt(k) * BigInt(n)} MACs; qacc counts exactly up to 2^53 − 1 = ${MAX_EXACT_COUNT}`);
  if (!timingOnly && !options.operands) {
    // the ISA's bounds first (they hold for timing-only runs too), then the memory of an arithmetic run
    const layout = layoutDram(target, shape, chooseTiling(target, shape));
    const need = arithmeticMemoryBytes(shape, layout.bytes);
    if (need > ARITHMETIC_MEMORY_LIMIT) {
      throw new CompileError('capacity', `an arithmetic run of the ${m}×${k}×${n} GEMM needs about ${(need / 2 ** 30).toFixed(1)} GiB for its operands, DRAM image and outputs, above the limit of ${ARITHMETIC_MEMORY_LIMIT / 2 ** 30} GiB; run it timing only (--timing-only)`);
    }
  }
  const ops = timingOnly ? undefined : (options.operands ?? randomOperands(target, shape, options.seed ?? 1));
  const compiled = compileGemm(target, shape, ops, { timingOnly, ...(options.label ? { label: options.label } : {}) });
  const macs = m * k * n;
  const progress = options.onProgress ? (done: number): void => options.onProgress?.('simulate', done / macs) : undefined;
  if (timingOnly && !options.trace) {
    // the fast path: cost grows with distinct tile shapes (fast-timing.ts), same statistics
    const stats = runPlanTiming(target, compiled.plan, progress ? { onProgress: (f) => progress(f * macs), totalMacs: macs } : {});
    return { compiled, stats, output: undefined, golden: undefined, matchGolden: undefined, firstMismatch: undefined, events: [] };
  }
  const machine = new Machine(target, compiled.program, compiled.dram, { timingOnly, trace: options.trace ?? false, ...(progress ? { onProgress: progress } : {}) });
  const stats = machine.run();
  if (timingOnly || !compiled.dram || !ops) return { compiled, stats, output: undefined, golden: undefined, matchGolden: undefined, firstMismatch: undefined, events: machine.events };
  const output = unpackMatrix(compiled.dram, compiled.layout.y, shape.m, shape.n, target.bits.out);
  options.onProgress?.('golden', 0);
  const golden = goldenGemm(target.golden, ops as GoldenOperands<GoldenConfig>).codes;
  options.onProgress?.('golden', 1);
  let firstMismatch: number | undefined;
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== golden[i]) {
      firstMismatch = i;
      break;
    }
  }
  return { compiled, stats, output, golden, matchGolden: firstMismatch === undefined, firstMismatch, events: machine.events };
}

/** Options of simulateWorkload: those of runGemm, the target's, and progress with the layer named. */
export interface WorkloadOptions extends Omit<RunOptions, 'onProgress'>, TargetOptions {
  readonly onProgress?: (progress: SimProgress) => void;
  /**
   * Chain consecutive layers where it pays (compile/chain.ts, layer-overlap.ts; timing-only runs). Default
   * true; false (`--no-layer-overlap`) runs every layer as its own program, for comparison.
   */
  readonly layerOverlap?: boolean;
}

/** One transition from a layer to the layer after it (compile/layer-overlap.ts). */
export interface LayerOverlapReport {
  /** The next layer's name. */
  readonly next: string;
  /** How often the workload runs this transition. */
  readonly count: number;
  /** Cycles one chained transition saves against both layers alone (0 when not chained). */
  readonly saved_cycles: number;
  readonly chained: boolean;
  /** Why not chained: 'kind' (the PE kind does not chain), 'dram', 'imem', 'tokens', 'no-gain', 'off'; null when chained. */
  readonly refused: OverlapRefusal | null;
}

/** Per-layer line of a workload report. */
export interface LayerReport {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly count: number;
  readonly cycles: number;
  readonly tiling: { readonly mt: number; readonly nt: number; readonly kt: number };
  /** The roofline bound of one instance (src/compile/schedule/bound.ts): max(compute, DRAM) cycles. */
  readonly bound_cycles: number;
  /** Which term of the bound is larger. */
  readonly bound: 'compute' | 'memory';
  /** cycles / bound_cycles: how far one instance runs above the bound (1 = at the roofline). */
  readonly cycles_over_bound: number;
  /** The scheduler's decision and prediction (src/compile/schedule/index.ts ScheduleReport). */
  readonly schedule: ScheduleReport;
  /** Words of the layer's (loop) program. */
  readonly program_words: number;
  /**
   * Cycles the chains from this layer into the layers after it save over the whole workload (Σ over its
   * transitions of saved_cycles × count): the report's cycles = Σ cycles × count − Σ overlap_cycles.
   */
  readonly overlap_cycles: number;
  /** The transitions out of this layer (none in cycle-mode runs and single GEMMs). */
  readonly overlaps: readonly LayerOverlapReport[];
}

/** The summary of a workload simulation (what `qacc sim --json` prints). */
export interface SimReport {
  readonly accelerator: string;
  readonly pe: string;
  readonly workload: string;
  readonly mode: 'cycle' | 'timing';
  readonly seed: number;
  readonly cycles: number;
  readonly seconds: number;
  /** Multiply-accumulates of the weight GEMMs (m · k · n per layer, times its count). */
  readonly macs: number;
  /**
   * The array's peak MACs per cycle in the configuration run: PEs × MACs per PE per cycle, the latter for
   * the SIMD mode run (simd_mac: its lanes), lanes / cycles per weight (bit_serial_mod), lanes (mac,
   * lowrank_gemm main path).
   */
  readonly peak_macs_per_cycle: number;
  /** macs / (cycles · peak_macs_per_cycle): the fraction of the array's peak work the run achieved. */
  readonly utilization: number;
  /**
   * The fraction of cycles in which a tile instruction occupies the array (from its start to its
   * completion, operand fetch and pipeline fill included; whether or not every PE has work). A busy
   * cycle does at most the peak work, so utilization ≤ pe_busy; the gap is fetch, fill and idle PEs of
   * partial tiles.
   */
  readonly pe_busy: number;
  readonly bytes: { readonly dram: number; readonly dram_read: number; readonly dram_write: number; readonly sram_read: number; readonly sram_write: number };
  readonly cycles_by_class: Readonly<Record<InstructionClass, number>>;
  readonly stalls: Readonly<Record<QueueName, Readonly<Record<StallReason, number>>>>;
  readonly instructions: number;
  /** true/false for cycle-mode runs; null when not checked (timing mode). */
  readonly match_golden: boolean | null;
  readonly first_mismatch: { readonly index: number; readonly expected: number; readonly got: number } | null;
  readonly layers: readonly LayerReport[];
}

/**
 * Peak MACs per cycle of the target's array in the configuration it runs: a simd_mac array in the SIMD
 * mode chosen (not its widest mode), every other kind at its declared rate.
 */
export function peakMacsPerCycle(target: Target): number {
  return target.peakMacsPerCycle;
}

/** Simulates a workload on an accelerator (see the file header for the two modes). */
export function simulateWorkload(accel: IrAccelerator, workload: Workload, options: WorkloadOptions = {}): { report: SimReport; runs: GemmRun[] } {
  const target = resolveTarget(accel, options);
  const totalMacs = workload.layers.reduce((sum, l) => sum + BigInt(l.m) * BigInt(l.k) * BigInt(l.n) * BigInt(l.count), 0n);
  if (totalMacs > BigInt(MAX_EXACT_COUNT)) throw new CompileError('capacity', `workload '${workload.spec}' has ${totalMacs} MACs; qacc counts exactly up to 2^53 − 1 = ${MAX_EXACT_COUNT}`);
  const distinct = new Set(workload.layers.map((l) => `${l.m},${l.k},${l.n}`)).size;
  const timingOnly = options.timingOnly ?? workload.kind === 'model';
  const seed = options.seed ?? 1;
  const runs: GemmRun[] = [];
  const layers: LayerReport[] = [];
  let cycles = 0;
  let macs = 0;
  let peBusy = 0;
  let instructions = 0;
  const bytes = { dram_read: 0, dram_write: 0, sram_read: 0, sram_write: 0 };
  const byClass: Record<InstructionClass, number> = { load: 0, store: 0, tile: 0, epilogue: 0, config: 0, sync: 0, control: 0 };
  const zero = (): Record<StallReason, number> => ({ dispatch: 0, dma: 0, compute: 0, buffer_space: 0, dram_port: 0, token_queue_full: 0 });
  const stalls: Record<QueueName, Record<StallReason, number>> = { load: zero(), compute: zero(), store: zero() };
  let match: boolean | null = timingOnly ? null : true;
  let firstMismatch: SimReport['first_mismatch'] = null;
  const cache = new Map<string, GemmRun>();
  workload.layers.forEach((layer, i) => {
    const key = `${layer.m},${layer.k},${layer.n}`;
    let run = timingOnly ? cache.get(key) : undefined;
    if (!run) {
      const index = runs.length;
      const report = options.onProgress;
      const onProgress = report ? (phase: SimProgress['phase'], fraction: number): void => report({ phase, fraction, layer: layer.name, index, layers: distinct }) : undefined;
      run = runGemm(target, layer, { seed: seed + i, timingOnly, label: `layer ${layer.name}`, trace: options.trace ?? false, ...(options.operands ? { operands: options.operands } : {}), ...(onProgress ? { onProgress } : {}) });
      cache.set(key, run);
      runs.push(run);
    }
    const s = run.stats;
    const c = layer.count;
    cycles += s.cycles * c;
    macs += s.macs * c;
    peBusy += s.peBusyCycles * c;
    instructions += s.instructions * c;
    bytes.dram_read += s.bytes.dramRead * c;
    bytes.dram_write += s.bytes.dramWrite * c;
    bytes.sram_read += s.bytes.sramRead * c;
    bytes.sram_write += s.bytes.sramWrite * c;
    for (const k of Object.keys(byClass) as InstructionClass[]) byClass[k] += s.cyclesByClass[k] * c;
    for (const q of Object.keys(stalls) as QueueName[]) for (const r of Object.keys(stalls[q]) as StallReason[]) stalls[q][r] += s.stalls[q][r] * c;
    if (run.matchGolden === false) {
      match = false;
      if (!firstMismatch && run.firstMismatch !== undefined && run.output && run.golden) {
        firstMismatch = { index: run.firstMismatch, expected: run.golden[run.firstMismatch], got: run.output[run.firstMismatch] };
      }
    }
    const tl = run.compiled.tiling;
    const bound = rooflineBound(target, layer, run.compiled.layout);
    layers.push({
      name: layer.name,
      m: layer.m,
      k: layer.k,
      n: layer.n,
      count: c,
      cycles: s.cycles,
      tiling: { mt: tl.mt, nt: tl.nt, kt: tl.kt },
      bound_cycles: bound.cycles,
      bound: bound.bound,
      cycles_over_bound: bound.cycles > 0 ? s.cycles / bound.cycles : 0,
      schedule: scheduleReport(run.compiled.schedule, bound, target.array.dataflow, arrayPasses(target, run.compiled.shape, tl)),
      program_words: run.compiled.program.length,
      overlap_cycles: 0,
      overlaps: [],
    });
  });
  // layer chains (timing only): each distinct pair of shapes compiled and timed once
  if (timingOnly) {
    const runOf = (i: number): GemmRun => cache.get(`${workload.layers[i].m},${workload.layers[i].k},${workload.layers[i].n}`) as GemmRun;
    const overlaps = transitionOverlaps(target, workload.layers, { compiled: (i) => runOf(i).compiled, cycles: (i) => runOf(i).stats.cycles, planCycles: (plan) => runPlanTiming(target, plan).cycles, enabled: options.layerOverlap !== false });
    layers.forEach((l, i) => {
      const out = overlaps.filter((o) => o.from === i);
      const saved = out.reduce((sum, o) => sum + o.saved * o.count, 0);
      cycles -= saved;
      layers[i] = { ...l, overlap_cycles: saved, overlaps: out.map((o) => ({ next: workload.layers[o.to].name, count: o.count, saved_cycles: o.saved, chained: o.refused === undefined, refused: o.refused ?? null })) };
    });
  }
  for (const [what, v] of [['cycles', cycles], ['instructions', instructions], ['DRAM bytes', bytes.dram_read + bytes.dram_write], ['SRAM bytes', bytes.sram_read + bytes.sram_write]] as const) {
    if (!Number.isSafeInteger(v)) throw new CompileError('capacity', `workload '${workload.spec}': the ${what} exceed 2^53 − 1 = ${MAX_EXACT_COUNT}, the largest count qacc reports exactly`);
  }
  const peak = peakMacsPerCycle(target);
  const report: SimReport = {
    accelerator: accel.name,
    pe: target.pe.kind,
    workload: workload.spec,
    mode: timingOnly ? 'timing' : 'cycle',
    seed,
    cycles,
    seconds: cycles / accel.clockHz,
    macs,
    peak_macs_per_cycle: peak,
    utilization: cycles > 0 ? macs / (cycles * peak) : 0,
    pe_busy: cycles > 0 ? peBusy / cycles : 0,
    bytes: { dram: bytes.dram_read + bytes.dram_write, ...bytes },
    cycles_by_class: byClass,
    stalls,
    instructions,
    match_golden: match,
    first_mismatch: firstMismatch,
    layers,
  };
  return { report, runs };
}
