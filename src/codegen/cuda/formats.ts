/**
 * CUDA spellings of the golden model's wide float formats (fp16, bf16, fp32): the device type and the
 * correctly rounded (RNE, never contracted) operations a kernel uses to follow the golden order. fp32
 * uses the `__f*_rn` intrinsics (never fused by the compiler), fp16/bf16 the `__h*_rn` ones (CUDA 12: they
 * prevent mul+add contraction); conversions are `_rn`. Subnormals are kept (no -ftz), as golden does.
 */
import { BF16, FP16 } from '../../formats/float.js';
import type { WideFloatName } from '../../golden/types.js';

export interface CudaFloat {
  readonly name: WideFloatName;
  /** Device type. */
  readonly type: string;
  /** Expression converting the fp32 expression `x` to this type (one RNE rounding; identity for fp32). */
  fromFloat(x: string): string;
  /** Expression converting a double to this type (one RNE rounding). */
  fromDouble(x: string): string;
  /** Expression widening a value of this type to fp32 (exact). */
  toFloat(x: string): string;
  /** Expression decoding a 16/32-bit code (uint) to fp32 (exact). */
  decode(code: string): string;
  /** Expression: the code (uint) of a value of this type; NaN gives golden's canonical NaN code. */
  encodeFloat(x: string): string;
  mul(a: string, b: string): string;
  add(a: string, b: string): string;
  fma(a: string, b: string, c: string): string;
}

const FP32_OPS: CudaFloat = {
  name: 'fp32',
  type: 'float',
  fromFloat: (x) => `(${x})`,
  fromDouble: (x) => `__double2float_rn(${x})`,
  toFloat: (x) => `(${x})`,
  decode: (c) => `__uint_as_float((uint32_t)(${c}))`,
  encodeFloat: (x) => `(isnan(${x}) ? 0x7fc00000u : __float_as_uint(${x}))`,
  mul: (a, b) => `__fmul_rn(${a}, ${b})`,
  add: (a, b) => `__fadd_rn(${a}, ${b})`,
  fma: (a, b, c) => `__fmaf_rn(${a}, ${b}, ${c})`,
};

function half16(name: 'fp16' | 'bf16'): CudaFloat {
  const h = name === 'fp16';
  const nan = (h ? FP16 : BF16).nanCode ?? 0;
  const t = h ? '__half' : '__nv_bfloat16';
  return {
    name,
    type: t,
    fromFloat: (x) => (h ? `__float2half_rn(${x})` : `__float2bfloat16_rn(${x})`),
    fromDouble: (x) => (h ? `__double2half(${x})` : `__double2bfloat16(${x})`),
    toFloat: (x) => (h ? `__half2float(${x})` : `__bfloat162float(${x})`),
    decode: (c) => (h ? `__half2float(__ushort_as_half((unsigned short)(${c})))` : `__bfloat162float(__ushort_as_bfloat16((unsigned short)(${c})))`),
    encodeFloat: (x) =>
      `(isnan(${x}) ? 0x${nan.toString(16)}u : (uint32_t)${h ? `__half_as_ushort(__float2half_rn(${x}))` : `__bfloat16_as_ushort(__float2bfloat16_rn(${x}))`})`,
    mul: (a, b) => `__hmul_rn(${a}, ${b})`,
    add: (a, b) => `__hadd_rn(${a}, ${b})`,
    fma: (a, b, c) => `__hfma(${a}, ${b}, ${c})`,
  };
}

const BY_NAME: Readonly<Record<WideFloatName, CudaFloat>> = { fp32: FP32_OPS, fp16: half16('fp16'), bf16: half16('bf16') };

export function cudaFloat(name: WideFloatName): CudaFloat {
  return BY_NAME[name];
}

/** Hex of an fp32 code for a C++ literal. */
export function hex32(code: number): string {
  return `0x${(code >>> 0).toString(16).padStart(8, '0')}u`;
}
