/**
 * The `simd_mac` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts; CUDA: the 128-bit quire kernel of kernel-cuda.ts where it applies,
 * else the multi-limb quire kernel of kernel-cuda-limbs.ts: round-each-step, wider quires), each bit-exact
 * with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { simdCudaKernelSet, simdCudaUnsupported } from './kernel-cuda.js';
import { simdLimbsCudaKernelSet } from './kernel-cuda-limbs.js';
import { simdMacWgsl } from './kernel-wgsl.js';

export const simdMacKernel: KernelFacet<'simd_mac'> = {
  wgsl: simdMacWgsl,
  cuda: (t) => (simdCudaUnsupported(t.golden) === undefined ? simdCudaKernelSet(t) : simdLimbsCudaKernelSet(t)),
};
