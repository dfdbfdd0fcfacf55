/**
 * Finds and drives Verilator for the RTL cross-checks. The tool is found explicitly, never skipped
 * silently: `VERILATOR` overrides the command, and a missing tool is a one-line user error naming the
 * install command. Simulators are compiled once per design and cached by content hash: the key is a
 * SHA-256 over the Verilator version, the build flags, every source file (name and text) and the test
 * bench, so any change rebuilds and reruns reuse the binary. A build runs in a fresh temporary directory
 * inside the cache and is renamed into place when it succeeds, so concurrent or interrupted builds never
 * leave a half-built entry behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratedFile } from '../../codegen/verilog/emit.js';

/** A required external tool is missing or broken (printed as one line by the CLI). */
export class ToolError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export const VERILATOR_INSTALL_HINT = 'install it with `apt-get install verilator` (Debian/Ubuntu) or set VERILATOR=/path/to/verilator';

/** A located Verilator. */
export interface VerilatorTool {
  readonly command: string;
  /** The `--version` line, part of every cache key. */
  readonly version: string;
}

let found: VerilatorTool | undefined;
let foundFor: string | undefined;

/** Locates Verilator (VERILATOR env override, else `verilator` on PATH). Throws ToolError when missing. */
export function findVerilator(env: NodeJS.ProcessEnv = process.env): VerilatorTool {
  const command = env.VERILATOR && env.VERILATOR.length > 0 ? env.VERILATOR : 'verilator';
  if (found && foundFor === command) return found;
  const r = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0 || !/Verilator/.test(r.stdout)) {
    const why = env.VERILATOR ? `VERILATOR=${command} does not run` : 'verilator was not found on PATH';
    throw new ToolError(`${why}: ${VERILATOR_INSTALL_HINT}`);
  }
  found = { command, version: r.stdout.trim() };
  foundFor = command;
  return found;
}

/** The cache directory: QACC_CACHE_DIR, else <tmpdir>/qacc-cache. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.QACC_CACHE_DIR && env.QACC_CACHE_DIR.length > 0 ? env.QACC_CACHE_DIR : join(tmpdir(), 'qacc-cache'), 'verilator');
}

/** What to build: the RTL files, the top module and the C++ test bench text. */
export interface SimulationSources {
  readonly top: string;
  readonly files: readonly GeneratedFile[];
  readonly testbench: string;
}

/** A built simulator. */
export interface BuiltSimulation {
  readonly binary: string;
  readonly key: string;
  /** True when this call compiled it (false: taken from the cache). */
  readonly built: boolean;
}

const BASE_FLAGS = ['--cc', '--exe', '--build', '-O2', '-Wno-fatal', '--x-assign', 'fast', '--x-initial', 'fast'];

/** Verification models under this many operations build as one translation unit; larger ones split at this size. */
const UNITY_OPERATIONS = 200_000;

/**
 * C++ optimization of the model. Verilator's makefile puts its own `OPT_FAST` (-Os) after `-CFLAGS` on the
 * compile line of the model's hot files, so `-CFLAGS` alone does not set their level: the make variables do.
 * Verification builds compile at -O1 with `--output-split 200000`: a model under that many operations is one
 * translation unit (Verilator then sets `VM_PARALLEL_BUILDS=0`, its own unity build), a larger one is split into
 * files of at most that size, compiled in parallel, so no compiler process grows with the array. Split the default
 * way (20,000), each of a small model's 30-40 files re-parses Verilator's headers (~0.5 s each). Measured on
 * svdquant_w4a4's whole-accelerator model at 2 × 2 (2 cores; 50,000-100,000 operations, 14.5 MB of C++): split at -Os
 * 48 CPU-s, one unit at -O0 16 s, at -O1 27 s; an -O0 model simulates ~7× slower than -O1 (rtl-loops' 11×2100×13 GEMM:
 * 102 s against 15 s), and over the seven Verilator-heaviest test files with an empty cache -O1 took the least worker
 * time (692 s split at -Os, 459 s at -O0, 433 s at -O1). At the example's 16 × 16 arrays of 64 lanes the model is
 * 773 MB of C++ in ~1,400 files (one unit there grew past 7 GB). Benchmarks ask for `fast`: -O2, split the default way.
 */
function buildFlags(fast: boolean): string[] {
  if (fast) return [...BASE_FLAGS, ...['OPT_FAST=-O2', 'OPT_GLOBAL=-O2', 'OPT_SLOW=-O0'].flatMap((m) => ['-MAKEFLAGS', m])];
  return [...BASE_FLAGS, '--output-split', String(UNITY_OPERATIONS), ...['OPT_FAST=-O1', 'OPT_GLOBAL=-O0', 'OPT_SLOW=-O0'].flatMap((m) => ['-MAKEFLAGS', m])];
}

/** Content hash of a build. */
export function simulationKey(tool: VerilatorTool, src: SimulationSources, fast = false): string {
  const h = createHash('sha256');
  h.update(`${tool.version}\0${buildFlags(fast).join(' ')}\0${src.top}\0`);
  for (const f of [...src.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) h.update(`${f.path}\0${f.text}\0`);
  h.update(src.testbench);
  return h.digest('hex').slice(0, 32);
}

/** Compiles (or fetches from the cache) the simulator of `src`. Throws ToolError on a failed build. */
export function buildSimulation(src: SimulationSources, options: BuildOptions = {}): BuiltSimulation {
  const plan = planBuild(src, options);
  if (plan.done) return plan.done;
  const r = spawnSync(plan.command, plan.args, { cwd: plan.work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return plan.finish(r.error, r.status, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
}

/**
 * buildSimulation without blocking the event loop (Verilator runs as a child process the caller awaits):
 * for callers that must stay responsive during a build of a minute or more, e.g. a test worker that
 * reports to its runner. The cache is the same, so a later buildSimulation of the same sources is a hit.
 */
export function buildSimulationAsync(src: SimulationSources, options: BuildOptions = {}): Promise<BuiltSimulation> {
  let plan: BuildPlan;
  try {
    plan = planBuild(src, options);
  } catch (err) {
    return Promise.reject(err);
  }
  if (plan.done) return Promise.resolve(plan.done);
  const p = plan;
  return new Promise((resolveBuild, rejectBuild) => {
    let log = '';
    const child = spawn(p.command, p.args, { cwd: p.work, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-64 * 1024)));
    child.stderr.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-64 * 1024)));
    let settled = false;
    const settle = (error: Error | undefined, code: number | null): void => {
      if (settled) return;
      settled = true;
      try {
        resolveBuild(p.finish(error, code, log));
      } catch (e) {
        rejectBuild(e);
      }
    };
    child.on('error', (err) => settle(err, null));
    child.on('close', (code) => settle(undefined, code));
  });
}

/** Options of a Verilator build. */
export interface BuildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly jobs?: number;
  readonly fast?: boolean;
}

/** A build to run: the cached result, or the command and the step that installs its output. */
interface BuildPlan {
  readonly done?: BuiltSimulation;
  readonly command: string;
  readonly args: string[];
  readonly work: string;
  /** Checks the run's outcome and moves the model into the cache (throws ToolError on failure). */
  finish(error: Error | undefined, status: number | null, log: string): BuiltSimulation;
}

function planBuild(src: SimulationSources, options: BuildOptions): BuildPlan {
  const tool = findVerilator(options.env);
  const root = cacheDir(options.env);
  const key = simulationKey(tool, src, options.fast ?? false);
  const final = join(root, key);
  const binary = join(final, 'obj', `${src.top}_tb`);
  if (existsSync(binary)) return { done: { binary, key, built: false }, command: tool.command, args: [], work: final, finish: () => ({ binary, key, built: false }) };
  mkdirSync(root, { recursive: true });
  const work = join(root, `.build-${key}-${randomBytes(4).toString('hex')}`);
  mkdirSync(work, { recursive: true });
  try {
    for (const f of src.files) writeFileSync(join(work, f.path), f.text);
    writeFileSync(join(work, `${src.top}_tb.cpp`), src.testbench);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  const args = [...buildFlags(options.fast ?? false), '-j', String(options.jobs ?? 2), '--top-module', src.top, '-Mdir', 'obj', '-o', `${src.top}_tb`, ...src.files.map((f) => f.path), `${src.top}_tb.cpp`];
  return {
    command: tool.command,
    args,
    work,
    finish(error, status, log) {
      try {
        if (error || status !== 0) throw new ToolError(`verilator build of ${src.top} failed:\n${log.trim().split('\n').slice(-20).join('\n')}`);
        try {
          renameSync(work, final);
        } catch (err) {
          // another process finished the same build first: use its copy
          if (!existsSync(binary)) throw err;
          rmSync(work, { recursive: true, force: true });
        }
        return { binary, key, built: true };
      } catch (err) {
        rmSync(work, { recursive: true, force: true });
        throw err;
      }
    },
  };
}

/**
 * Lints files with `verilator --lint-only -Wall`; resolves to the warning/error lines (empty = clean).
 * Verilator runs as a child process: linting a whole top takes seconds, and the caller stays responsive.
 */
export async function lintVerilog(top: string, files: readonly GeneratedFile[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string[]> {
  const tool = findVerilator(options.env);
  const dir = join(tmpdir(), `qacc-lint-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  try {
    for (const f of files) writeFileSync(join(dir, f.path), f.text);
    const output = await new Promise<string>((resolveLint, rejectLint) => {
      let text = '';
      const child = spawn(tool.command, ['--lint-only', '-Wall', '--top-module', top, ...files.map((f) => f.path)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (b: Buffer) => (text += b.toString()));
      child.stderr.on('data', (b: Buffer) => (text += b.toString()));
      child.on('error', (err) => rejectLint(new ToolError(`verilator could not run: ${err.message}`)));
      child.on('close', () => resolveLint(text));
    });
    return output.split('\n').filter((l) => /^%(Warning|Error)/.test(l));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One mismatching result reported by the bench. */
export interface RtlMismatch {
  readonly index: number;
  readonly port: string;
  readonly expected: bigint;
  readonly got: bigint;
}

/** The outcome of one bench run. */
export interface RtlRunResult {
  readonly pass: boolean;
  readonly beats: number;
  readonly results: number;
  readonly expected: number;
  readonly mismatchCount: number;
  /** The first mismatches (at most 50). */
  readonly mismatches: readonly RtlMismatch[];
  readonly cycles: number;
  readonly timedOut: boolean;
  /** The bench's raw output (for reports). */
  readonly log: string;
}

/** Hex rows of a vector file: one row per beat/result, one value per port. */
export function formatVectors(rows: readonly (readonly (number | bigint)[])[]): string {
  return rows.map((r) => r.map((v) => v.toString(16)).join(' ')).join('\n') + '\n';
}

/** Runs a built bench on stimulus and expected rows and parses its report. */
export function runSimulation(sim: BuiltSimulation, stimulus: readonly (readonly (number | bigint)[])[], expected: readonly (readonly (number | bigint)[])[], options: { maxIdleCycles?: number; timeoutMs?: number } = {}): RtlRunResult {
  const dir = join(tmpdir(), `qacc-run-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  try {
    const stim = join(dir, 'stimulus.hex');
    const exp = join(dir, 'expected.hex');
    writeFileSync(stim, formatVectors(stimulus));
    writeFileSync(exp, formatVectors(expected));
    // A wall-clock bound as a last resort, so a design that never settles cannot hang `qacc verify`.
    const timeoutMs = options.timeoutMs ?? 600_000;
    const r = spawnSync(sim.binary, [stim, exp, String(options.maxIdleCycles ?? 100000)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new ToolError(`the RTL simulation did not finish within ${timeoutMs / 1000} s`);
    if (r.error) throw new ToolError(`the RTL simulation could not run: ${r.error.message}`);
    const log = `${r.stdout}${r.stderr}`;
    const done = /DONE beats=(\d+) results=(\d+) expected=(\d+) mismatches=(\d+) cycles=(\d+)/.exec(r.stdout);
    if (!done || r.status === 2) throw new ToolError(`the RTL simulation failed: ${log.trim().split('\n').slice(-5).join(' | ')}`);
    const mismatches: RtlMismatch[] = [];
    for (const m of r.stdout.matchAll(/^MISMATCH (\d+) (\w+) expected=([0-9a-f]+) got=([0-9a-f]+)$/gm)) {
      mismatches.push({ index: Number(m[1]), port: m[2], expected: BigInt(`0x${m[3]}`), got: BigInt(`0x${m[4]}`) });
    }
    return {
      pass: r.status === 0,
      beats: Number(done[1]),
      results: Number(done[2]),
      expected: Number(done[3]),
      mismatchCount: Number(done[4]),
      mismatches,
      cycles: Number(done[5]),
      timedOut: /^TIMEOUT/m.test(r.stdout),
      log,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
