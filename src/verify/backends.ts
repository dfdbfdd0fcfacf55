/**
 * The engines `qacc verify` cross-checks, behind one interface (as Amaranth's simulator engines): each
 * backend takes the same prepared case — operands, ISA program and packed memory image — and returns the
 * output codes it computed (and, when it models time, the program's cycle count). run.ts compares
 * backends pairwise; tests wrap a backend (e.g. to flip an output bit) to show that faults are caught.
 *
 * - `golden`: the exact datapath models of src/golden on the case's operands (the definition).
 * - `sim`: the cycle-level simulator executing the compiled program on a copy of the memory image; the
 *   outputs are read back from the image's Y region. Reports cycles.
 * A layer-chain case (cases.ts `chained`) has several layers: its outputs are the layers' outputs one after
 * the other; golden computes each layer's GEMM, sim and rtl run the one joint program (`chains: true`).
 * - `rtl`: the generated PE Verilog under Verilator, one dot product per output (rtl-backend.ts). A
 *   missing tool or an unsupported option fails in `check` with one line (never a silent skip).
 * - `wgsl`: the kind's WGSL reference kernel on Dawn / Mesa OpenGL ES (wgsl-backend.ts), opt-in.
 */
import { goldenGemm } from '../golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../golden/types.js';
import { Machine, type TraceEvent } from '../sim/machine.js';
import type { PreparedCase, VerifyTarget } from './cases.js';
import { VerifyError } from './errors.js';
import { concatOutputs, readOutputs } from './program-run.js';
import { createRtlBackend } from './rtl-backend.js';
import { createRtlProgramBackend } from './rtl-program-backend.js';
import type { SettableParam } from './rtl-size.js';
import { createCudaBackend } from './cuda/backend.js';
import { createWgslBackend } from './wgsl-backend.js';

/** What a backend computed for one case. */
export interface BackendResult {
  /** Output codes [m × n], row-major, in the target's output format. */
  readonly outputs: Uint32Array;
  /**
   * Total cycles of the case's program, for backends that execute the program in time (compared
   * between every two backends that report it).
   */
  readonly cycles?: number;
  /** Per-cycle trace points (the simulator's VCD signals), when --trace asked for them. */
  readonly trace?: readonly TraceEvent[];
}

/** Options that only some backends use (the CLI's --rtl-dir and --trace). */
export interface BackendOptions {
  /** Verify user-supplied RTL from this directory instead of generating it. */
  readonly rtlDir?: string;
  /** Compare per-cycle trace points. */
  readonly trace: boolean;
  /** The rtl backends' bound on a Verilator model, GE of logic (absent: DEFAULT_RTL_MAX_GATES, src/verify/rtl-size.ts). */
  readonly rtlMaxGates?: number;
  /** The design's params, for hints naming what `--set` can change. */
  readonly params?: readonly SettableParam[];
}

/**
 * What a backend executes: the arithmetic definition (`model`), the compiled ISA program on the whole
 * accelerator (`program`; its cycle counts are comparable), or one PE per output dot product (`pe`).
 */
export type BackendLevel = 'model' | 'program' | 'pe';

/** One engine. */
export interface Backend {
  readonly name: string;
  /** A short phrase for summaries. */
  readonly description: string;
  readonly level: BackendLevel;
  /** true: runs every layer of a layer-chain case (golden per layer, sim and rtl on the joint program). */
  readonly chains?: boolean;
  /**
   * Called once before any case runs: throws a user-facing error (VerifyError, ToolError) when this
   * backend cannot run these targets with these options — a missing tool, an unsupported PE kind. It is
   * where a backend builds what its cases run on (a Verilator model: seconds to minutes), so it is
   * asynchronous: the build runs as a child process and the caller's event loop keeps running.
   */
  check(targets: readonly VerifyTarget[], options: BackendOptions): Promise<void>;
  /** Computes one case. A thrown error fails that case (reported, other cases continue). */
  run(c: PreparedCase): BackendResult;
  /** Where present, what run.ts calls instead of run: a backend on a device with asynchronous read-back (wgsl). */
  runAsync?(c: PreparedCase): Promise<BackendResult>;
  /** Lines for the summary after a run (e.g. which targets ran at a lower level). */
  notes?(): readonly string[];
}

/** Backends by name. */
export type BackendRegistry = ReadonlyMap<string, Backend>;

/** The golden model. */
export const goldenBackend: Backend = {
  name: 'golden',
  description: 'golden datapath model',
  level: 'model',
  chains: true,
  async check() {},
  run(c) {
    const cfg: GoldenConfig = c.target.golden;
    return { outputs: concatOutputs(c.run.layers.map((l) => goldenGemm(cfg, l.operands as GoldenOperands<GoldenConfig>).codes)) };
  },
};

/** The cycle-level simulator on the compiled program and a copy of the memory image (with its trace under --trace). */
export function createSimBackend(): Backend {
  let trace = false;
  return {
    name: 'sim',
    description: 'cycle-level simulator',
    level: 'program',
    chains: true,
    async check(_targets, options) {
      trace = options.trace;
    },
    run(c) {
      const dram = c.run.dram.slice();
      const machine = new Machine(c.target, c.run.program, dram, { trace });
      const stats = machine.run();
      return { outputs: readOutputs(c.run, dram, c.target.bits.out), cycles: stats.cycles, ...(trace ? { trace: machine.events } : {}) };
    },
  };
}

/** A simulator backend (its trace flag is set by each run's check()). */
export const simBackend: Backend = createSimBackend();

/** The backends `qacc verify` knows, by name. */
export function defaultBackends(): BackendRegistry {
  return new Map([goldenBackend, createSimBackend(), createRtlProgramBackend(), createRtlBackend(), createWgslBackend(), createCudaBackend()].map((b) => [b.name, b]));
}

/**
 * The backends run when --backends is not given. rtl is opt-in: it needs Verilator and a build per PE
 * (seconds to a minute each, cached), and it runs at PE level only.
 */
export const DEFAULT_BACKEND_NAMES: readonly string[] = ['golden', 'sim'];

/** Parses a `--backends` list against a registry: at least two distinct known names. */
export function selectBackends(registry: BackendRegistry, list: string): Backend[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const known = [...registry.keys()];
  const out: Backend[] = [];
  for (const name of names) {
    const b = registry.get(name);
    if (!b) throw new VerifyError('bad-backends', `--backends: unknown backend '${name}' (known: ${known.join(', ')})`);
    if (out.includes(b)) throw new VerifyError('bad-backends', `--backends: '${name}' is given twice`);
    out.push(b);
  }
  if (out.length < 2) throw new VerifyError('bad-backends', `--backends needs at least two backends to compare (known: ${known.join(', ')}), got '${list}'`);
  return out;
}
