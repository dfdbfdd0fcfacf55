/**
 * The `bit_serial_mod` entry of the KERNELS registry (src/pe/facets/kernel.ts): this kind's reference-kernel
 * generator per GPU target (kernel-wgsl.ts; CUDA: the table-driven GEMV of kernel-cuda.ts where it applies,
 * else the any-config integer kernel of kernel-cuda-int.ts), each bit-exact with golden.ts.
 */
import type { KernelFacet } from '../facets/kernel.js';
import { bitSerialCudaKernelSet, bitSerialCudaUnsupported } from './kernel-cuda.js';
import { bitSerialIntCudaKernelSet } from './kernel-cuda-int.js';
import { bitSerialModWgsl } from './kernel-wgsl.js';

export const bitSerialModKernel: KernelFacet<'bit_serial_mod'> = {
  wgsl: bitSerialModWgsl,
  cuda: (t) => (bitSerialCudaUnsupported(t.golden) === undefined ? bitSerialCudaKernelSet(t) : bitSerialIntCudaKernelSet(t)),
};
