/**
 * The target-neutral description of a generated reference kernel set (issue 14): which kernel files a PE
 * kind's generator wrote for one target (wgsl, cuda), each entry point's bindings with their buffer layouts
 * and packings, how one GEMM on given operands is launched, and how output words become output codes.
 * `qacc build --target wgsl,cuda` writes `kernelManifest(...)` as kernels.json next to the kernel files;
 * the runners (src/codegen/wgsl/runner.ts, the CUDA host launcher) execute a `KernelLaunch`.
 *
 * Buffers hold 32-bit words only (u32 in WGSL, uint32_t in CUDA): every operand tensor is packed into
 * words as its `packing` says (e.g. "int8 codes 4 per u32, element 0 in bits 7:0"), so the manifest is
 * the whole contract between the host and the kernel.
 */
import type { GeneratedFile } from '../verilog/emit.js';

/** One buffer binding of an entry point. */
export interface KernelBuffer {
  /** Binding name (the WGSL variable / CUDA parameter name). */
  readonly name: string;
  /** WGSL @group(0) @binding(n); CUDA: the parameter position. */
  readonly binding: number;
  /** `uniform`: the shape parameters; `read`: an input; `read_write`: the output or a scratch buffer between passes (poisoned before each run). */
  readonly access: 'uniform' | 'read' | 'read_write';
  /** Size in 32-bit words as a formula of the params (e.g. "ceil(M*K/4)"), for readers of the manifest. */
  readonly words: string;
  /** How elements are packed into the words, in one sentence (element order, bit positions, sign). */
  readonly packing: string;
}

/** One entry point (one kernel) of a set. */
export interface KernelEntry {
  /** Entry point / __global__ function name. */
  readonly entryPoint: string;
  /** The generated file that holds it (relative to the output directory). */
  readonly file: string;
  /** Threads per workgroup / block. */
  readonly workgroupSize: readonly [number, number, number];
  /** Workgroups / blocks launched, as formulas of the params (e.g. ["ceil(N/8)", "ceil(M/8)", "1"]). */
  readonly dispatch: readonly [string, string, string];
  readonly bindings: readonly KernelBuffer[];
}

/** The uniform parameters of one launch, in the order of the params struct (all u32). */
export type KernelParams = Readonly<Record<string, number>>;

/** One GEMM on concrete operands: buffer contents, params and the passes in order. */
export interface KernelLaunch {
  /** Values of the params struct, in struct order (Object key order). */
  readonly params: KernelParams;
  /** Input buffers by binding name (32-bit words, packed as the binding's packing says). */
  readonly inputs: Readonly<Record<string, Uint32Array>>;
  /** The output buffer's binding name and size in words. */
  readonly output: { readonly name: string; readonly words: number };
  /** Scratch buffers written by one pass and read by a later one, by binding name: size in words (poisoned like the output). */
  readonly scratch?: Readonly<Record<string, number>>;
  /** Entry points to run in order, each with its workgroup counts. */
  readonly passes: readonly { readonly entryPoint: string; readonly workgroups: readonly [number, number, number] }[];
}

/**
 * A kind's kernels for one target and one resolved PE (one SIMD mode), generic over its operand type.
 * Generated once per target; `launch` and `outputCodes` are the host side of one GEMM.
 */
export interface KernelSet<Ops = unknown> {
  /** Generated source files (relative paths, e.g. "mac_int8.wgsl"). */
  readonly files: readonly GeneratedFile[];
  readonly entries: readonly KernelEntry[];
  /** How the kernel stays bit-exact with the golden model (one paragraph, also in each file's header). */
  readonly exactness: string;
  /** The golden config the kernels implement, JSON-safe, for kernels.json; absent: the target's golden config with format objects by name (jsonSafeConfig). */
  readonly config?: unknown;
  /** Buffers, params and passes of one GEMM on these operands. */
  launch(ops: Ops): KernelLaunch;
  /** The output codes [m × n] (row-major, the golden model's output format) from the output words. */
  outputCodes(words: Uint32Array, ops: Ops): Uint32Array;
}

/** Thrown by a kind's generator for a config its kernels do not cover (the CLI prints the message as one line). */
export class NoKernelError extends Error {}

/** What kernels.json holds for one accelerator (and SIMD mode). */
export interface KernelManifestPart {
  readonly accelerator: string;
  /** PE kind tag (the golden config's kind). */
  readonly kind: string;
  /** SIMD mode index, where the PE has several. */
  readonly mode?: number;
  /** The golden config the kernels implement (variant, formats, group sizes). */
  readonly config: unknown;
  readonly exactness: string;
  readonly entries: readonly KernelEntry[];
}

/** kernels.json: the manifest of one `qacc build --target <t>` output. */
export interface KernelManifest {
  readonly format: 'qacc-kernels';
  readonly version: 1;
  readonly target: string;
  readonly generator: string;
  readonly source: string;
  readonly kernels: readonly KernelManifestPart[];
}

/** A golden config for JSON: format objects (a `name` and `bits`) by name, BigInts as decimal strings. */
export function jsonSafeConfig(config: unknown): unknown {
  return JSON.parse(
    JSON.stringify(config, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { bits?: unknown }).bits === 'number') return (v as { name: string }).name;
      return v;
    }),
  );
}

/** The manifest's JSON text (two-space indented, trailing newline). */
export function kernelManifestText(m: KernelManifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
