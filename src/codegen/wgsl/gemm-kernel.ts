/**
 * The frame every kind's WGSL GEMM kernel shares (issue 14): one invocation per output element (m, n) in
 * 8×8 workgroups, a uniform params struct at binding 0, the packed input tensors at bindings 1…, the output
 * at the last binding (one u32 per element, row-major [M × N]); the header comment and the manifest entry
 * come from the same description. A kind supplies its helper functions and the body that computes
 * `out[m * params.N + n]` in the golden model's order (src/pe/<kind>/kernel-wgsl.ts).
 */
import type { GeneratedFile } from '../verilog/emit.js';
import type { KernelBuffer, KernelEntry, KernelLaunch } from '../kernels/manifest.js';
import { wgslHeader } from './header.js';
import { packingText, wgslCodeReader, type PackedBits } from './pack.js';
import { WGSL_SOFTFLOAT } from './softfloat.js';

/** One packed input tensor: the buffer `name`, read element-wise by `fn <name>_at(i: u32) -> u32`. */
export interface WgslInput {
  readonly name: string;
  readonly bits: PackedBits;
  /** What the tensor is, with its element order (e.g. "activation codes, row-major [M × K]"). */
  readonly what: string;
  /** Element count as a formula of the params (e.g. "M*K"). */
  readonly elements: string;
}

export interface WgslGemmSpec {
  /** File name, e.g. "mac_fp16_fma.wgsl". */
  readonly file: string;
  readonly title: string;
  readonly config: unknown;
  readonly exactness: string;
  /** Params after M, K, N (u32 each), with their meaning. */
  readonly params: readonly (readonly [string, string])[];
  readonly inputs: readonly WgslInput[];
  /** What an output word holds (e.g. "fp16 code in bits 15:0"). */
  readonly output: string;
  /** Whether the kernel uses the integer soft-float library (src/codegen/wgsl/softfloat.ts). */
  readonly softfloat: boolean;
  /** Kind-specific WGSL functions. */
  readonly helpers: string;
  /** Statements with `m`, `n` (u32) in scope that assign `out[m * params.N + n]`. */
  readonly body: string;
  /** Scratch buffers (u32 words) a pre-pass writes and the main pass reads. */
  readonly scratch?: readonly { readonly name: string; readonly what: string; readonly words: string }[];
  /** Passes before the GEMM (e.g. a projection into scratch), in order. */
  readonly prePasses?: readonly WgslPrePass[];
  /** The bindings the GEMM entry uses (params and out implied); default: every input and scratch buffer. */
  readonly mainUses?: readonly string[];
}

/** A pass before the GEMM: 8×8 workgroups over (x, y) = (gid.x, gid.y), with the bindings it uses. */
export interface WgslPrePass {
  readonly entryPoint: string;
  readonly uses: readonly string[];
  /** Extents of x and y as formulas of the params (manifest) and as WGSL expressions (the bounds check). */
  readonly extent: readonly [string, string];
  readonly wgslExtent: readonly [string, string];
  /** Statements with `x`, `y` (u32) in scope. */
  readonly body: string;
}

/** Output binding name of every GEMM kernel. */
export const GEMM_OUTPUT = 'out';
const WG = 8;

/** The kernel file and its manifest entry. */
export function wgslGemm(spec: WgslGemmSpec): { readonly files: readonly GeneratedFile[]; readonly entries: readonly KernelEntry[] } {
  const params: (readonly [string, string])[] = [['M', 'output rows'], ['K', 'reduction length'], ['N', 'output columns'], ...spec.params];
  const scratch = spec.scratch ?? [];
  const all: KernelBuffer[] = [
    { name: 'params', binding: 0, access: 'uniform', words: `${Math.ceil(params.length / 4) * 4}`, packing: `struct Params { ${params.map(([p]) => `${p}: u32`).join(', ')} } (padded to 16 bytes)` },
    ...spec.inputs.map((t, i): KernelBuffer => ({ name: t.name, binding: i + 1, access: 'read', words: `max(1, ceil(${t.elements}/${32 / t.bits}))`, packing: packingText(t.bits, t.what) })),
    ...scratch.map((t, i): KernelBuffer => ({ name: t.name, binding: spec.inputs.length + 1 + i, access: 'read_write', words: t.words, packing: `scratch between passes: ${t.what}` })),
    { name: GEMM_OUTPUT, binding: spec.inputs.length + scratch.length + 1, access: 'read_write', words: 'M*N', packing: `outputs row-major [M × N], one per u32: ${spec.output}` },
  ];
  const pick = (names: readonly string[]): KernelBuffer[] => all.filter((b) => b.name === 'params' || names.includes(b.name));
  const pre = spec.prePasses ?? [];
  const entries: KernelEntry[] = [
    ...pre.map((p): KernelEntry => ({ entryPoint: p.entryPoint, file: spec.file, workgroupSize: [WG, WG, 1], dispatch: [`ceil(${p.extent[0]}/${WG})`, `ceil(${p.extent[1]}/${WG})`, '1'], bindings: pick(p.uses) })),
    { entryPoint: 'main', file: spec.file, workgroupSize: [WG, WG, 1], dispatch: [`ceil(N/${WG})`, `ceil(M/${WG})`, '1'], bindings: pick([...(spec.mainUses ?? [...spec.inputs.map((t) => t.name), ...scratch.map((t) => t.name)]), GEMM_OUTPUT]) },
  ];
  const header = wgslHeader({ title: spec.title, config: spec.config, exactness: spec.exactness, entries, params });
  const padded = [...params.map(([p]) => p)];
  while (padded.length % 4 !== 0) padded.push(`pad${padded.length}`);
  const text = [
    header,
    `struct Params { ${padded.map((p) => `${p}: u32`).join(', ')} }`,
    '@group(0) @binding(0) var<uniform> params: Params;',
    ...spec.inputs.map((t, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${t.name}: array<u32>;`),
    ...scratch.map((t, i) => `@group(0) @binding(${spec.inputs.length + 1 + i}) var<storage, read_write> ${t.name}: array<u32>;`),
    `@group(0) @binding(${spec.inputs.length + scratch.length + 1}) var<storage, read_write> ${GEMM_OUTPUT}: array<u32>;`,
    '',
    ...spec.inputs.map((t) => wgslCodeReader(`${t.name}_at`, t.name, t.bits)),
    '',
    spec.softfloat ? WGSL_SOFTFLOAT : '',
    spec.helpers.trim(),
    '',
    ...pre.flatMap((p) => [
      `@compute @workgroup_size(${WG}, ${WG}, 1)`,
      `fn ${p.entryPoint}(@builtin(global_invocation_id) gid: vec3u) {`,
      '  let x = gid.x;',
      '  let y = gid.y;',
      `  if (x >= ${p.wgslExtent[0]} || y >= ${p.wgslExtent[1]}) { return; }`,
      p.body.replace(/^/gm, '  ').trimEnd(),
      '}',
      '',
    ]),
    `@compute @workgroup_size(${WG}, ${WG}, 1)`,
    'fn main(@builtin(global_invocation_id) gid: vec3u) {',
    '  let n = gid.x;',
    '  let m = gid.y;',
    '  if (m >= params.M || n >= params.N) { return; }',
    spec.body.replace(/^/gm, '  ').trimEnd(),
    '}',
    '',
  ].join('\n');
  return { files: [{ path: spec.file, text }], entries };
}

/**
 * The launch of a GEMM kernel built by wgslGemm: params in struct order, inputs, the pre-passes (entry
 * point and x, y extents) with their scratch sizes, then the pass over M × N.
 */
export function gemmLaunch(m: number, k: number, n: number, extra: Readonly<Record<string, number>>, inputs: Readonly<Record<string, Uint32Array>>, pre: readonly { readonly entryPoint: string; readonly extent: readonly [number, number] }[] = [], scratch: Readonly<Record<string, number>> = {}): KernelLaunch {
  return {
    params: { M: m, K: k, N: n, ...extra },
    inputs,
    output: { name: GEMM_OUTPUT, words: m * n },
    scratch,
    passes: [
      ...pre.map((p) => ({ entryPoint: p.entryPoint, workgroups: [Math.max(1, Math.ceil(p.extent[0] / WG)), Math.max(1, Math.ceil(p.extent[1] / WG)), 1] as const })),
      { entryPoint: 'main', workgroups: [Math.ceil(n / WG), Math.ceil(m / WG), 1] },
    ],
  };
}
