/**
 * The `simd_mac` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts, kernel-cuda.ts), each bit-exact with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { simdCudaKernelSet } from './kernel-cuda.js';
import { simdMacWgsl } from './kernel-wgsl.js';

export const simdMacKernel: KernelFacet<'simd_mac'> = { wgsl: simdMacWgsl, cuda: simdCudaKernelSet };
