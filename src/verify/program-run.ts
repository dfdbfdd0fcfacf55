/**
 * What the program-level backends run for a verify case: one program on one memory image and the layers
 * whose outputs it writes — one GEMM, or a layer chain (compile/chain.ts) compiled as one program with a
 * joint image. A chain the compiler refuses (the PE kind has no hand-over, the joint image or program does
 * not fit, the token edges differ) is a user-facing error naming the reason, never a silent fall-back to
 * separate programs. A case's outputs are its layers' outputs one after the other.
 */
import { compileChain, type ChainRefusal } from '../compile/chain.js';
import { unpackMatrix } from '../compile/pack.js';
import type { AnyOperands } from '../compile/operands.js';
import type { CompiledGemm } from '../compile/program.js';
import type { Target } from '../compile/target.js';
import type { GemmShape } from '../compile/workload.js';
import type { Instruction } from '../isa/index.js';
import type { TraceEvent } from '../sim/machine.js';
import { VerifyError } from './errors.js';

/** One layer of a prepared case: its shape, operands, the byte address of its outputs in the image and where its code starts. */
export interface PreparedLayer {
  readonly shape: GemmShape;
  readonly operands: AnyOperands;
  readonly y: number;
  /** The instruction index where the layer's code starts in the program (0 for the first). */
  readonly pc: number;
}

/**
 * What the program-level backends run for a case: one program on one memory image, and its layers in order
 * (one for a plain GEMM, two or more for a chain). Outputs of a case are the layers' outputs concatenated.
 */
export interface ProgramRun {
  readonly layers: readonly PreparedLayer[];
  readonly program: readonly Instruction[];
  readonly dram: Uint8Array;
}

/** Why the compiler refused a chain, in words (docs/scheduler.md "Layer chains"). */
export const CHAIN_REFUSALS: Readonly<Record<ChainRefusal, string>> = {
  kind: 'its PE kind does not hand buffers over between layers (no chain support)',
  dram: "the joint DRAM image exceeds the ISA's addresses",
  imem: 'the joint program does not fit the instruction memory',
  tokens: "a layer's token edges are not the shape the hand-over rewrites",
};

/** Throws the one-line error for a refused chain on `label`. */
function refuse(t: Target, label: string, shapes: readonly GemmShape[], why: ChainRefusal): never {
  const spec = shapes.map((s) => `${s.m}x${s.k}x${s.n}`).join(',');
  throw new VerifyError(
    'bad-options',
    `chain:${spec} cannot run as one program on ${label} (${t.pe.kind} PE): ${CHAIN_REFUSALS[why]} (refusal '${why}')`,
  );
}

/**
 * Checks, timing-only and before any case runs, that a target chains these layers; returns the summary
 * note saying the chain is one program and how many loads its hand-overs issue early.
 */
export function checkChain(t: Target, label: string, shapes: readonly GemmShape[]): string {
  const chain = compileChain(
    t,
    shapes,
    shapes.map(() => undefined),
    { timingOnly: true },
  );
  if (typeof chain === 'string') refuse(t, label, shapes, chain);
  const early = chain.earlyLoads.reduce((a, b) => a + b, 0);
  return `${label}: ${shapes.length} layers as one program, ${early} loads of a next layer issued before the previous layer's last step is done`;
}

/** Compiles the layers with their operands as one program and memory image (and the first layer compiled alone). */
export function prepareChain(
  t: Target,
  label: string,
  shapes: readonly GemmShape[],
  operands: readonly AnyOperands[],
): { run: ProgramRun; first: CompiledGemm } {
  const chain = compileChain(t, shapes, operands);
  if (typeof chain === 'string') refuse(t, label, shapes, chain);
  if (!chain.dram) throw new Error('prepareChain: the chain was compiled without a memory image');
  const layers = chain.layers.map((l, i) => ({
    shape: shapes[i],
    operands: operands[i],
    y: l.layout.y,
    pc: l.pc,
  }));
  return { run: { layers, program: chain.program, dram: chain.dram }, first: chain.layers[0].compiled };
}

/** Layers' output codes one after the other (a case's outputs). */
export function concatOutputs(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every layer's outputs (`bits` wide codes) read back from a memory image after the run's program ran on it. */
export function readOutputs(run: ProgramRun, dram: Uint8Array, bits: number): Uint32Array {
  return concatOutputs(run.layers.map((l) => unpackMatrix(dram, l.y, l.shape.m, l.shape.n, bits)));
}

/**
 * The layer (0-based) whose code the dispatcher was on at `cycle` according to a trace (the last
 * `dispatch_pc` at or before it): where a chain's per-cycle traces first differ.
 */
export function layerAtCycle(run: ProgramRun, trace: readonly TraceEvent[], cycle: number): number {
  let pc = 0;
  let when = -1;
  for (const e of trace)
    if (e.signal === 'dispatch_pc' && e.time <= cycle && e.time >= when) [pc, when] = [e.value, e.time];
  let layer = 0;
  for (const [i, l] of run.layers.entries()) if (l.pc <= pc) layer = i;
  return layer;
}
