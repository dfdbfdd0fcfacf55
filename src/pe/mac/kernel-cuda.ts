/**
 * CUDA reference kernel of the baseline `mac` PEs (issue 14): one .cu file (kernel + launcher) for sm_90a
 * computing golden.ts's macGemm bit for bit. One thread per output runs golden's macDot in k order from
 * shared-memory tiles: int8 through __dp4a (wrapping 32-bit sums: order-free, as golden's wrap32), the fp16
 * variants as one fused multiply-add chain (fp32: __fmaf_rn, the fp16 product being exact in fp32; fp16:
 * __hfma), then the optional channel scale as an exact product with one rounding to fp16.
 * Launcher inputs (DIR): act.bin [M×K] and w.bin [N×K] (u8 int8 codes or u16 fp16 codes), cs.bin u16 [N]
 * optional, meta.txt (m n k); output codes u32 (int8: int32 codes) or u16 (fp16).
 */
import { FP16 } from '../../formats/float.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import type { KernelLaunch, KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { checkMacConfig, type MacConfig, type MacOperands } from './golden.js';

function step(config: MacConfig): string {
  switch (config.variant) {
    case 'int8':
      return '';
    case 'fp16_fma':
      return config.accumulator === 'fp32'
        ? 'acc = __fmaf_rn(__half2float(__ushort_as_half(a)), __half2float(__ushort_as_half(b)), acc);'
        : 'acc = __hfma(__ushort_as_half(a), __ushort_as_half(b), acc);';
    case 'fp16_int8':
      return config.accumulator === 'fp32'
        ? 'acc = __fmaf_rn(__half2float(__ushort_as_half(a)), (float)(int8_t)b, acc);'
        : 'acc = __hfma(__ushort_as_half(a), __int2half_rn((int)(int8_t)b), acc);';
  }
}

export function macCudaSource(config: MacConfig): string {
  checkMacConfig(config);
  const int8 = config.variant === 'int8';
  const aT = int8 ? 'uint8_t' : 'uint16_t';
  const wT = config.variant === 'fp16_fma' ? 'uint16_t' : 'uint8_t';
  const accT = int8 ? 'int' : config.accumulator === 'fp32' ? 'float' : '__half';
  const zero = int8 ? '0' : config.accumulator === 'fp32' ? '0.0f' : '__float2half_rn(0.0f)';
  const toF = int8 ? '' : config.accumulator === 'fp32' ? 'acc' : '__half2float(acc)';
  const nan = `0x${(FP16.nanCode ?? 0).toString(16)}u`;
  const header = cudaHeader('mac CUDA GEMM (sm_90a), bit-exact with src/pe/mac/golden.ts', [
    `config: ${JSON.stringify(config)}`,
    `Inputs (run/verify DIR): act.bin ${aT} codes [M×K], w.bin ${wT} codes [N×K], optional cs.bin u16 fp16 codes [N], meta.txt (m n k);`,
    `golden y.bin / output out.bin: ${int8 ? 'u32 int32 codes' : 'u16 fp16 codes'} [M×N]. Device layout: the same arrays, row-major.`,
  ]);
  const inner = int8
    ? `#pragma unroll
      for (int kk = 0; kk < MKC; kk += 4) acc = __dp4a(*reinterpret_cast<const int*>(&As[threadIdx.y][kk]), *reinterpret_cast<const int*>(&Ws[threadIdx.x][kk]), acc);`
    : `for (int kk = 0; kk < kc; kk++) { const uint32_t a = As[threadIdx.y][kk], b = Ws[threadIdx.x][kk]; ${step(config)} }`;
  const out = int8
    ? 'reinterpret_cast<uint32_t*>(Y)[(size_t)m * N + n] = (uint32_t)acc;'
    : `const float v = ${toF};
    // Golden: round_fp16(acc) or round_fp16(acc · s) (exact product, one rounding); NaN: the canonical code.
    const double y = cs ? (double)v * (double)__half2float(__ushort_as_half(cs[n])) : (double)v;
    reinterpret_cast<uint16_t*>(Y)[(size_t)m * N + n] = isnan(y) ? (uint16_t)${nan} : __half_as_ushort(__double2half(y));`;
  return `${header}
${CUDA_HOST_PRELUDE}
typedef ${aT} a_t;
typedef ${wT} w_t;
constexpr bool INT8 = ${int8};
constexpr int MKC = 32;
// 16 × 16 outputs per block; A and W tiles of MKC codes along k in shared memory (zero past K: for int8 a
// zero product leaves the wrapping sum unchanged; the fp chains stop at K instead).
__global__ __launch_bounds__(256) void mac_gemm(const a_t* __restrict__ A, const w_t* __restrict__ W, const uint16_t* __restrict__ cs,
    void* __restrict__ Y, int M, int N, int K) {
  __shared__ __align__(16) a_t As[16][MKC];
  __shared__ __align__(16) w_t Ws[16][MKC];
  const int n = blockIdx.x * 16 + threadIdx.x, m = blockIdx.y * 16 + threadIdx.y;
  ${accT} acc = ${zero};
  for (int k0 = 0; k0 < K; k0 += MKC) {
    const int kc = min(MKC, K - k0);
    for (int e = threadIdx.y * 16 + threadIdx.x; e < 16 * MKC; e += 256) {
      const int r = e / MKC, kk = e % MKC;
      As[r][kk] = (blockIdx.y * 16 + r < M && kk < kc) ? A[(size_t)(blockIdx.y * 16 + r) * K + k0 + kk] : (a_t)0;
      Ws[r][kk] = (blockIdx.x * 16 + r < N && kk < kc) ? W[(size_t)(blockIdx.x * 16 + r) * K + k0 + kk] : (w_t)0;
    }
    __syncthreads();
    if (m < M && n < N) {
      ${inner}
    }
    __syncthreads();
  }
  if (m >= M || n >= N) return;
  ${out}
}

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode != "verify" && mode != "run") { std::fprintf(stderr, "usage: %s verify|run DIR\\n", argv[0]); return 2; }
  const std::string d = argv[2];
  const int M = meta_get(d, "m", -1), N = meta_get(d, "n", -1), K = meta_get(d, "k", -1);
  const auto A = read_bin<a_t>(d + "/act.bin", (size_t)M * K);
  const auto W = read_bin<w_t>(d + "/w.bin", (size_t)N * K);
  std::vector<uint16_t> cs; if (file_exists(d + "/cs.bin")) cs = read_bin<uint16_t>(d + "/cs.bin", N);
  a_t* dA = to_device(A); w_t* dW = to_device(W); uint16_t* dcs = cs.empty() ? nullptr : to_device(cs);
  const size_t ob = INT8 ? 4 : 2, outBytes = (size_t)M * N * ob;
  void* Y; CK(cudaMalloc(&Y, outBytes));
  return check_twice(mode, d, Y, outBytes, ob, "mac " + d + " (M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) + ")", [&] {
    mac_gemm<<<dim3((N + 15) / 16, (M + 15) / 16), dim3(16, 16)>>>(dA, dW, dcs, Y, M, N, K);
  });
}
`;
}

/** The KERNELS facet's CUDA member for mac: mac.cu (kernel + launcher). */
export function macCudaKernelSet(t: TargetOf<'mac'>): KernelSet<MacOperands> {
  const config = t.golden;
  const file = 'mac.cu';
  const int8 = config.variant === 'int8';
  const aBytes = int8 ? 1 : 2;
  const wBytes = config.variant === 'fp16_fma' ? 2 : 1;
  return {
    files: [{ path: file, text: macCudaSource(config) }],
    entries: [
      {
        entryPoint: 'mac_gemm', file, workgroupSize: [16, 16, 1], dispatch: ['ceil(N/16)', 'ceil(M/16)', '1'],
        bindings: [
          { name: 'A', binding: 0, access: 'read', words: `ceil(M*K/${4 / aBytes})`, packing: `${int8 ? 'int8' : 'fp16'} codes, ${4 / aBytes} per word, element 0 in the low bits, [M×K]` },
          { name: 'W', binding: 1, access: 'read', words: `ceil(N*K/${4 / wBytes})`, packing: `${wBytes === 1 ? 'int8' : 'fp16'} codes, ${4 / wBytes} per word, [N×K]` },
          { name: 'cs', binding: 2, access: 'read', words: 'ceil(N/2)', packing: 'fp16 codes, 2 per word (optional)' },
          { name: 'Y', binding: 3, access: 'read_write', words: int8 ? 'M*N' : 'ceil(M*N/2)', packing: int8 ? 'int32 codes' : 'fp16 codes, 2 per word' },
        ],
      },
    ],
    exactness:
      'Golden macDot per output in k order: int8 through __dp4a (wrapping 32-bit sums are order-free), fp16 variants as one fused ' +
      'multiply-add chain (__fmaf_rn on the exact fp16 product, or __hfma), the channel scale as an exact product with one rounding.',
    launch(ops: MacOperands): KernelLaunch {
      const inputs: Record<string, Uint32Array> = { act: codesToWords(ops.activations, aBytes), w: codesToWords(ops.weights, wBytes) };
      if (ops.channelScales) inputs.cs = codesToWords(ops.channelScales, 2);
      return {
        params: { m: ops.m, n: ops.n, k: ops.k },
        inputs,
        output: { name: 'out', words: int8 ? ops.m * ops.n : Math.ceil((ops.m * ops.n) / 2) },
        passes: [{ entryPoint: 'mac_gemm', workgroups: [Math.ceil(ops.n / 16), Math.ceil(ops.m / 16), 1] }],
      };
    },
    outputCodes: (words: Uint32Array, ops: MacOperands) => wordsToCodes(words, ops.m * ops.n, int8 ? 4 : 2),
  };
}
