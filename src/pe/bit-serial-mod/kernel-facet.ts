/**
 * The `bit_serial_mod` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts, kernel-cuda.ts), each bit-exact with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { bitSerialCudaKernelSet } from './kernel-cuda.js';
import { bitSerialModWgsl } from './kernel-wgsl.js';

export const bitSerialModKernel: KernelFacet<'bit_serial_mod'> = { wgsl: bitSerialModWgsl, cuda: bitSerialCudaKernelSet };
