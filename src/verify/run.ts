/**
 * The cross-check loop: every case is prepared once (operands, program, memory image) and handed to
 * every selected backend; the first backend is the reference for outputs (normally `golden`), and every
 * other backend must produce bit-identical output codes. Backends that report a cycle count must agree
 * with each other exactly (the simulator and a program-level RTL run the same program). Backends are
 * checked (tools found, RTL built) once, for the targets that have cases, before any case runs. A backend that throws on a
 * case fails that case as an error; other cases still run. Nothing here prints: report.ts and junit.ts
 * render the result. A layer-chain case's outputs are its layers' outputs one after the other; a difference
 * names its layer, row and col, a trace divergence the layer the reference was dispatching at that cycle. Only backends that run chains (`chains`) may meet a chain case.
 */
import type { Backend, BackendOptions, BackendResult } from './backends.js';
import type { GemmShape } from '../compile/workload.js';
import { caseShapes, findTarget, prepareCase, type PreparedCase, type VerifyCase, type VerifyTarget } from './cases.js';
import { isUserFacing, VerifyError } from './errors.js';
import { layerAtCycle } from './program-run.js';
import { firstTraceDivergence } from './rtl/program-bench.js';

/** One differing output element (index over the case's outputs; layer, row and col within its layer). */
export interface OutputDiff {
  readonly index: number;
  /** The layer of a chain case (0-based; always 0 for one GEMM). */
  readonly layer: number;
  readonly row: number;
  readonly col: number;
  readonly expected: number;
  readonly got: number;
}

/** How two backends disagreed on one case. */
export type Divergence =
  | {
      readonly kind: 'outputs';
      /** The reference backend (expected values). */
      readonly reference: string;
      readonly other: string;
      /** Number of differing outputs, of `total`. */
      readonly count: number;
      readonly total: number;
      /** The first few differences, in index order. */
      readonly first: readonly OutputDiff[];
    }
  | { readonly kind: 'cycles'; readonly reference: string; readonly other: string; readonly expected: number; readonly got: number }
  | {
      readonly kind: 'trace';
      readonly reference: string;
      readonly other: string;
      /** The first cycle where a trace point differs, the signal, and its value in each backend. */
      readonly cycle: number;
      readonly signal: string;
      readonly expected: number;
      readonly got: number;
      /** A chain case: the layer (0-based) the reference was dispatching at that cycle. */
      readonly layer?: number;
    };

/** A backend that threw on a case. */
export interface CaseError {
  readonly backend: string;
  readonly message: string;
}

export interface CaseOutcome {
  readonly case: VerifyCase;
  readonly target: VerifyTarget;
  readonly status: 'pass' | 'fail' | 'error';
  readonly divergences: readonly Divergence[];
  readonly error: CaseError | undefined;
  /** Output elements compared. */
  readonly outputs: number;
  /** Cycle counts by backend, where reported. */
  readonly cycles: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** The prepared case, kept for reports (decimal values need the output format). */
  readonly prepared: PreparedCase | undefined;
}

/** Totals of one compared pair over the run. */
export interface PairStats {
  readonly kind: 'outputs' | 'cycles' | 'trace';
  readonly reference: string;
  readonly other: string;
  cases: number;
  failed: number;
  outputs: number;
}

export interface VerifyRun {
  /** The backends in order (the first is the output reference). */
  readonly backends: readonly Pick<Backend, 'name' | 'description' | 'level'>[];
  readonly outcomes: readonly CaseOutcome[];
  readonly pairs: readonly PairStats[];
  readonly passed: boolean;
  /** The backends' own summary lines (e.g. targets that ran at a lower level). */
  readonly notes: readonly string[];
}

export interface RunRequest {
  readonly targets: readonly VerifyTarget[];
  readonly cases: readonly VerifyCase[];
  readonly backends: readonly Backend[];
  readonly options: BackendOptions;
  /** Clock in seconds (for JUnit times); defaults to performance.now. */
  readonly clock?: () => number;
  /** Called after each case (progress). */
  readonly onCase?: (o: CaseOutcome) => void;
}

/** How many differences a divergence keeps for the report. */
const KEEP_DIFFS = 3;

/** Where output `index` of a case whose layers have these shapes lies: its layer, row and col. */
function locate(index: number, layers: readonly GemmShape[]): Pick<OutputDiff, 'layer' | 'row' | 'col'> {
  let at = index;
  for (const [layer, s] of layers.entries()) {
    if (at < s.m * s.n || layer === layers.length - 1) return { layer, row: Math.floor(at / s.n), col: at % s.n };
    at -= s.m * s.n;
  }
  return { layer: 0, row: 0, col: index };
}

function compareOutputs(reference: string, other: string, expected: Uint32Array, got: Uint32Array, layers: readonly GemmShape[]): Divergence | undefined {
  let count = Math.abs(expected.length - got.length);
  const first: OutputDiff[] = [];
  const len = Math.min(expected.length, got.length);
  for (let i = 0; i < len; i++) {
    if (expected[i] !== got[i]) {
      count++;
      if (first.length < KEEP_DIFFS) first.push({ index: i, ...locate(i, layers), expected: expected[i], got: got[i] });
    }
  }
  return count === 0 ? undefined : { kind: 'outputs', reference, other, count, total: expected.length, first };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Checks every backend, then runs every case through all of them. Rejects with the first backend's check
 * error. The event loop gets a turn after each case, so a long run does not starve the caller's other work.
 */
export async function runVerification(req: RunRequest): Promise<VerifyRun> {
  // Only the targets that have cases (a shard or --case may need one PE build, not all of them).
  const used = req.targets.filter((t) => req.cases.some((c) => c.accelerator === t.accelerator.name && c.mode === t.mode));
  const single = req.backends.filter((b) => !b.chains).map((b) => b.name);
  if (single.length > 0 && req.cases.some((c) => c.chained)) {
    throw new VerifyError('bad-backends', `a layer chain runs only on backends that run every layer of its one program (golden, sim, rtl), not on ${single.join(', ')}: drop it from --backends`);
  }
  for (const b of req.backends) await b.check(used, req.options);
  const clock = req.clock ?? (() => performance.now() / 1000);
  const names = req.backends.map((b) => b.name);
  const pairs = new Map<string, PairStats>();
  const pair = (kind: PairStats['kind'], reference: string, other: string): PairStats => {
    const key = `${kind}\0${reference}\0${other}`;
    let p = pairs.get(key);
    if (!p) {
      p = { kind, reference, other, cases: 0, failed: 0, outputs: 0 };
      pairs.set(key, p);
    }
    return p;
  };
  for (const other of names.slice(1)) pair('outputs', names[0], other);
  const outcomes: CaseOutcome[] = [];
  for (const c of req.cases) {
    const start = clock();
    const target = findTarget(req.targets, c);
    let prepared: PreparedCase | undefined;
    let error: CaseError | undefined;
    try {
      prepared = prepareCase(target, c);
    } catch (err) {
      // A shape the target cannot run (user's --workload) stops the run with the compiler's one line.
      if (isUserFacing(err)) throw new VerifyError('bad-options', `case ${c.id}: ${errorMessage(err)}`);
      error = { backend: 'prepare', message: errorMessage(err) };
    }
    const results = new Map<string, BackendResult>();
    for (const b of prepared ? req.backends : []) {
      try {
        results.set(b.name, b.runAsync ? await b.runAsync(prepared as PreparedCase) : b.run(prepared as PreparedCase));
      } catch (err) {
        error = { backend: b.name, message: errorMessage(err) };
        break;
      }
    }
    const divergences: Divergence[] = [];
    const cycles: Record<string, number> = {};
    let compared = 0;
    if (!error) {
      const ref = results.get(names[0]) as BackendResult;
      for (const other of names.slice(1)) {
        const r = results.get(other) as BackendResult;
        const d = compareOutputs(names[0], other, ref.outputs, r.outputs, caseShapes(c));
        const p = pair('outputs', names[0], other);
        p.cases++;
        p.outputs += ref.outputs.length;
        if (d) {
          p.failed++;
          divergences.push(d);
        }
      }
      compared = ref.outputs.length;
      const timed = names.filter((n) => results.get(n)?.cycles !== undefined);
      for (const n of timed) cycles[n] = results.get(n)?.cycles as number;
      for (const other of timed.slice(1)) {
        const p = pair('cycles', timed[0], other);
        p.cases++;
        if (cycles[other] !== cycles[timed[0]]) {
          p.failed++;
          divergences.push({ kind: 'cycles', reference: timed[0], other, expected: cycles[timed[0]], got: cycles[other] });
        }
      }
      const traced = names.filter((n) => results.get(n)?.trace !== undefined);
      for (const other of traced.slice(1)) {
        const p = pair('trace', traced[0], other);
        p.cases++;
        const d = firstTraceDivergence(results.get(traced[0])?.trace ?? [], results.get(other)?.trace ?? []);
        if (d) {
          p.failed++;
          const refTrace = results.get(traced[0])?.trace ?? [];
          const layer = c.chained && prepared ? { layer: layerAtCycle(prepared.run, refTrace, d.cycle) } : {};
          divergences.push({ kind: 'trace', reference: traced[0], other, cycle: d.cycle, signal: d.signal, expected: d.sim, got: d.rtl, ...layer });
        }
      }
    }
    const status = error ? 'error' : divergences.length > 0 ? 'fail' : 'pass';
    const outcome: CaseOutcome = { case: c, target, status, divergences, error, outputs: compared, cycles, seconds: Math.max(0, clock() - start), prepared };
    outcomes.push(outcome);
    req.onCase?.(outcome);
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  }
  const backends = req.backends.map((b) => ({ name: b.name, description: b.description, level: b.level }));
  const notes = req.backends.flatMap((b) => b.notes?.() ?? []);
  return { backends, outcomes, pairs: [...pairs.values()], passed: outcomes.every((o) => o.status === 'pass'), notes };
}
