/**
 * The `lowrank_gemm` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts, kernel-cuda.ts), each bit-exact with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { lowRankCudaKernelSet } from './kernel-cuda.js';
import { lowRankGemmWgsl } from './kernel-wgsl.js';

export const lowRankGemmKernel: KernelFacet<'lowrank_gemm'> = { wgsl: lowRankGemmWgsl, cuda: lowRankCudaKernelSet };
