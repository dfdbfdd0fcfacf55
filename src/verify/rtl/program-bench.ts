/**
 * The program-level RTL driver: runs an ISA program on a DRAM image on the generated accelerator top
 * under Verilator (sims/verilator/program_tb.cpp.hbs) and returns what the simulator returns — the cycle
 * count, the DRAM image afterwards and, on request, the trace points — so `qacc verify` can require
 * identical DRAM, identical cycles and (with --trace) identical per-cycle traces.
 *
 * Algorithm: the top (src/codegen/verilog/top.ts) and the bench are rendered for the target, built once
 * per design through buildSimulation (content-hash cache on disk, memoized per target here), then each run
 * writes the program (one hex word per line) and the DRAM image to a temporary directory, runs the binary
 * and parses its one-line verdict. The bench prints trace values as absolute numbers; the token counters
 * become +/- deltas here, the simulator's TraceEvent convention, so both traces integrate alike
 * (firstTraceDivergence).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitModules, headerComment, type GeneratedBy, type GeneratedFile } from '../../codegen/verilog/emit.js';
import { ModuleSet } from '../../codegen/verilog/module-set.js';
import { renderTemplate, type TemplateReader } from '../../codegen/verilog/render.js';
import { acceleratorTop, type AcceleratorTop, type TopOptions } from '../../codegen/verilog/top.js';
import type { Target } from '../../compile/target.js';
import { encodeInstruction, type Instruction } from '../../isa/index.js';
import type { TraceEvent } from '../../sim/machine.js';
import { TRACE_SIGNALS } from '../../sim/vcd.js';
import { harnessTemplates, rtlTemplates } from './templates.js';
import { buildSimulation, buildSimulationAsync, ToolError, type BuiltSimulation } from './verilator.js';

const BY: GeneratedBy = { source: 'qacc verify (program-level RTL)', version: 'rtl' };

/** The generated sources of a target's top plus its program bench. */
export interface ProgramDesign {
  readonly top: AcceleratorTop;
  readonly files: readonly GeneratedFile[];
  readonly testbench: string;
}

/** Renders the program bench of a generated top. */
export function renderProgramBench(top: AcceleratorTop, reader: TemplateReader, by: GeneratedBy): string {
  return renderTemplate(reader, 'program_tb.cpp.hbs', {
    header: headerComment(by),
    top: top.names.top,
    latency: top.latency,
    beatBytes: top.beatBytes,
    imemWords: top.imemWords,
    trace: TRACE_SIGNALS.map(([name]) => ({ name, port: `trace_${name}` })),
    traceCount: TRACE_SIGNALS.length,
  });
}

/** Generates a target's top (all modules) and its bench. */
export function programDesign(target: Target, options: TopOptions = {}): ProgramDesign {
  const top = acceleratorTop(target, options);
  const set = new ModuleSet();
  set.add(top.module);
  return { top, files: emitModules(set, rtlTemplates, BY), testbench: renderProgramBench(top, harnessTemplates, BY) };
}

/** What runRtlProgram needs. */
export interface RtlProgramOptions {
  readonly target: Target;
  readonly program: readonly Instruction[];
  readonly dram: Uint8Array;
  /** Record the trace points (the simulator's VCD signals). */
  readonly trace?: boolean;
  /** Stop after this many cycles (default 10,000,000). */
  readonly cycleLimit?: number;
  /** Instruction-memory words of the generated top (default 2^14). */
  readonly imemWords?: number;
  /** `none`: the top without its tile engine (TopOptions.engine). */
  readonly engine?: 'auto' | 'none';
  /** Wall-clock bound of one run in milliseconds (default 600,000). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** The outcome of one program run on the RTL. */
export interface RtlProgramResult {
  /** The cycle `done` rose in (the simulator's `cycles`); the trap or limit cycle otherwise. */
  readonly cycles: number;
  /** The DRAM image after the run. */
  readonly dram: Uint8Array;
  /** 0 when the run finished; the top's trap code (docs/array-rtl.md), or 255 for a bench-detected DRAM access outside the image. */
  readonly trapCode: number;
  /** True when the cycle limit stopped the run. */
  readonly limitReached: boolean;
  /** Trace events (simulator convention: token counters as deltas), when asked for. */
  readonly trace?: readonly TraceEvent[];
}

const builds = new WeakMap<Target, Map<string, BuiltSimulation>>();

type ProgramBuildOptions = TopOptions & { env?: NodeJS.ProcessEnv };

/** The memo of built tops of one target, and the key of these top options in it. */
function programBuilds(target: Target, options: ProgramBuildOptions): { perTarget: Map<string, BuiltSimulation>; key: string } {
  const key = `${options.imemWords ?? ''}/${options.engine ?? 'auto'}`;
  let perTarget = builds.get(target);
  if (!perTarget) {
    perTarget = new Map();
    builds.set(target, perTarget);
  }
  return { perTarget, key };
}

/** Builds (or reuses) the Verilator model of a target's top: once per target and top options. */
export function buildProgramSimulation(target: Target, options: ProgramBuildOptions = {}): BuiltSimulation {
  const { perTarget, key } = programBuilds(target, options);
  const known = perTarget.get(key);
  if (known) return known;
  const d = programDesign(target, { imemWords: options.imemWords, engine: options.engine });
  const sim = buildSimulation({ top: d.top.names.top, files: d.files, testbench: d.testbench }, { env: options.env });
  perTarget.set(key, sim);
  return sim;
}

/** buildProgramSimulation without blocking the event loop (Verilator runs as a child process). */
export async function buildProgramSimulationAsync(target: Target, options: ProgramBuildOptions = {}): Promise<BuiltSimulation> {
  const { perTarget, key } = programBuilds(target, options);
  const known = perTarget.get(key);
  if (known) return known;
  const d = programDesign(target, { imemWords: options.imemWords, engine: options.engine });
  const sim = await buildSimulationAsync({ top: d.top.names.top, files: d.files, testbench: d.testbench }, { env: options.env });
  perTarget.set(key, sim);
  return sim;
}

function hexWord(inst: Instruction): string {
  return encodeInstruction(inst).toString(16).padStart(32, '0');
}

/** Parses the bench's trace file into events (token counters as deltas). */
export function parseBenchTrace(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const last = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [t, signal, v] = line.split(' ');
    const time = Number(t);
    const value = Number(v);
    if (signal.startsWith('tok_')) {
      events.push({ time, signal, value: value - (last.get(signal) ?? 0) });
      last.set(signal, value);
    } else events.push({ time, signal, value });
  }
  return events;
}

/**
 * Runs `program` on `dram` (not modified) on the RTL of `target`. Throws ToolError when Verilator is
 * missing (one line naming the install command), the build fails or the bench cannot run.
 */
export function runRtlProgram(options: RtlProgramOptions): RtlProgramResult {
  return runBuiltProgram(buildProgramSimulation(options.target, { imemWords: options.imemWords, engine: options.engine, env: options.env }), options);
}

/** Runs a program on an already built program bench (e.g. of user RTL from `qacc verify --rtl-dir`). */
export function runBuiltProgram(sim: BuiltSimulation, options: Omit<RtlProgramOptions, 'target' | 'imemWords' | 'env'>): RtlProgramResult {
  const dir = join(tmpdir(), `qacc-prog-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  try {
    const prog = join(dir, 'program.hex');
    const dramIn = join(dir, 'dram.bin');
    const dramOut = join(dir, 'dram-out.bin');
    const tracePath = join(dir, 'trace.txt');
    writeFileSync(prog, options.program.map(hexWord).join('\n') + '\n');
    writeFileSync(dramIn, options.dram);
    const limit = options.cycleLimit ?? 10_000_000;
    const args = [prog, dramIn, dramOut, String(limit), ...(options.trace ? [tracePath] : [])];
    const timeoutMs = options.timeoutMs ?? 600_000;
    const r = spawnSync(sim.binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new ToolError(`the RTL program run did not finish within ${timeoutMs / 1000} s`);
    if (r.error) throw new ToolError(`the RTL program run could not start: ${r.error.message}`);
    const out = r.stdout ?? '';
    const done = /^DONE cycles=(\d+)$/m.exec(out);
    const trap = /^TRAP code=(\d+) cycle=(\d+)$/m.exec(out);
    const lim = /^LIMIT cycles=(\d+)$/m.exec(out);
    if (!done && !trap && !lim) throw new ToolError(`the RTL program run failed: ${`${out}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ')}`);
    const dram = new Uint8Array(readFileSync(dramOut));
    const cycles = Number((done ?? trap ?? lim)?.[done ? 1 : trap ? 2 : 1]);
    return {
      cycles,
      dram,
      trapCode: trap ? Number(trap[1]) : 0,
      limitReached: !!lim,
      ...(options.trace ? { trace: parseBenchTrace(readFileSync(tracePath, 'utf8')) } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first cycle at which two traces disagree. */
export interface TraceDivergence {
  readonly cycle: number;
  readonly signal: string;
  readonly sim: number;
  readonly rtl: number;
}

/**
 * Value changes of each signal, as (cycle, value) steps: events of one cycle apply in recording order,
 * token events are deltas, every signal starts at 0 (the VCD's convention, src/sim/vcd.ts).
 */
function steps(events: readonly TraceEvent[]): Map<string, [number, number][]> {
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  const value = new Map<string, number>();
  const out = new Map<string, [number, number][]>();
  for (const { e } of order) {
    const v = e.signal.startsWith('tok_') ? (value.get(e.signal) ?? 0) + e.value : e.value;
    value.set(e.signal, v);
    const list = out.get(e.signal) ?? [];
    if (list.length > 0 && list[list.length - 1][0] === e.time) list[list.length - 1][1] = v;
    else list.push([e.time, v]);
    out.set(e.signal, list);
  }
  return out;
}

/**
 * The first cycle (and, within it, the first signal in VCD order) where the simulator's and the RTL's
 * traces hold different values, or undefined when they agree everywhere (up to `until`, when given).
 */
export function firstTraceDivergence(simEvents: readonly TraceEvent[], rtlEvents: readonly TraceEvent[], until = Infinity): TraceDivergence | undefined {
  const a = steps(simEvents);
  const b = steps(rtlEvents);
  const names = [...TRACE_SIGNALS.map(([n]) => n), ...[...new Set([...a.keys(), ...b.keys()])].filter((n) => !TRACE_SIGNALS.some(([s]) => s === n)).sort()];
  let best: TraceDivergence | undefined;
  for (const signal of names) {
    const la = a.get(signal) ?? [];
    const lb = b.get(signal) ?? [];
    let i = 0;
    let j = 0;
    let va = 0;
    let vb = 0;
    while (i < la.length || j < lb.length) {
      const t = Math.min(i < la.length ? la[i][0] : Infinity, j < lb.length ? lb[j][0] : Infinity);
      if (t > until || (best && t >= best.cycle)) break;
      while (i < la.length && la[i][0] === t) va = la[i++][1];
      while (j < lb.length && lb[j][0] === t) vb = lb[j++][1];
      if (va !== vb) {
        best = { cycle: t, signal, sim: va, rtl: vb };
        break;
      }
    }
  }
  return best;
}
