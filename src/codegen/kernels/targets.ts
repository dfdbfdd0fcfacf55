/**
 * The reference-kernel targets of `qacc build --target` and `qacc verify --backends` (issue 14), one entry
 * each: adding a target (e.g. cuda) is a line here plus the kinds' `kernel-<target>.ts` generators behind
 * the KERNELS facet (src/pe/facets/kernel.ts). `generateKernels` turns one accelerator into that target's
 * files and the kernels.json manifest (one part per SIMD mode).
 */
import { resolveTarget, type Target } from '../../compile/target.js';
import type { IrAccelerator } from '../../ir/types.js';
import { compileFacet } from '../../pe/facets/compile.js';
import { kernelGenerator, type KernelTargetName } from '../../pe/facets/kernel.js';
import type { GeneratedFile } from '../verilog/emit.js';
import { jsonSafeConfig, kernelManifestText, NoKernelError, type KernelManifestPart, type KernelSet } from './manifest.js';

export { NoKernelError };

/** One kernel target. */
export interface KernelTargetInfo {
  readonly name: KernelTargetName;
  /** For --help and messages. */
  readonly describe: string;
}

/** Every kernel target, in the order `--target` help lists them. */
export const KERNEL_TARGETS: readonly KernelTargetInfo[] = [
  { name: 'wgsl', describe: 'WGSL compute shaders (WebGPU), bit-exact with the golden model' },
  { name: 'cuda', describe: 'CUDA kernels + host launcher for sm_90a (Hopper), bit-exact with the golden model' },
];

/** The KERNEL_TARGETS entry of a name, undefined when none. */
export function kernelTarget(name: string): KernelTargetInfo | undefined {
  return KERNEL_TARGETS.find((t) => t.name === name);
}

/** A target's kernel set for a resolved target (one SIMD mode), undefined when its kind has no generator for it. */
export function kernelSetFor(target: Target, name: KernelTargetName): KernelSet | undefined {
  return kernelGenerator(target.golden.kind, name)?.(target as never);
}


/** The resolved targets of an accelerator: one per SIMD mode. */
export function acceleratorTargets(accel: IrAccelerator): { readonly mode: number | undefined; readonly target: Target }[] {
  const pe = accel.arrays[0]?.pe;
  const count = pe ? compileFacet(pe.kind).variants(pe) : 1;
  const modes = count > 1 ? Array.from({ length: count }, (_, i) => i) : [undefined];
  return modes.map((mode) => ({ mode, target: resolveTarget(accel, { simdMode: mode ?? 0 }) }));
}

/**
 * The files of one target for one accelerator: every mode's kernel files (prefixed `<target>/`, mode
 * files `mode<i>/` below it where there are several) and `<target>/kernels.json`.
 */
export function generateKernels(accel: IrAccelerator, name: KernelTargetName, info: { readonly version: string; readonly source: string }): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const parts: KernelManifestPart[] = [];
  for (const { mode, target } of acceleratorTargets(accel)) {
    const set = kernelSetFor(target, name);
    if (!set) throw new NoKernelError(`no ${name} kernel for PE kind ${target.golden.kind} (accelerator ${accel.name}) yet`);
    const dir = mode === undefined ? name : `${name}/mode${mode}`;
    files.push(...set.files.map((f) => ({ path: `${dir}/${f.path}`, text: f.text })));
    const entries = set.entries.map((e) => ({ ...e, file: `${dir}/${e.file}` }));
    parts.push({ accelerator: accel.name, kind: target.golden.kind, ...(mode !== undefined ? { mode } : {}), config: set.config ?? jsonSafeConfig(target.golden), exactness: set.exactness, entries });
  }
  const manifest = kernelManifestText({ format: 'qacc-kernels', version: 1, target: name, generator: `qacc ${info.version}`, source: info.source, kernels: parts });
  files.push({ path: `${name}/kernels.json`, text: manifest });
  return files;
}
