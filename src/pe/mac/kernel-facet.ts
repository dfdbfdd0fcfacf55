/**
 * The `mac` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts, kernel-cuda.ts), each bit-exact with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { macCudaKernelSet } from './kernel-cuda.js';
import { macWgsl } from './kernel-wgsl.js';

export const macKernel: KernelFacet<'mac'> = { wgsl: macWgsl, cuda: macCudaKernelSet };
