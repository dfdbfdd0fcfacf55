// Issue 14: how fast can the SMs read from L2? lr_wgmma's copies-only build moves ~7.4 TB/s from L2 (docs/kernels.md
// "What bounds the GEMM now"); this measures the machine's L2 read bandwidth for data that stays L2-resident, so that
// figure can be read as the L2's limit or not. Every SM's blocks read a buffer of B bytes (16-byte loads, coalesced,
// each block its own slice, the buffer read R times; a sum keeps the loads), timed with CUDA events after a warm-up;
// buffers from 8 MB (L2-resident) to 256 MB (beyond L2: HBM) for comparison.
// Build and run (sm_90a): nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 l2-bandwidth.cu -o l2bw && ./l2bw
// Output: one line per buffer size: `L2BW bytes=... reps=... ms=... TBps=...`.
#include <cstdio>
#include <cstdint>
#include <vector>
#include <algorithm>
#include <cuda_runtime.h>
#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { std::printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); return 2; } } while (0)

__global__ void __launch_bounds__(512) read_all(const uint4* __restrict__ p, size_t n16, int reps, uint32_t* out) {
  uint32_t acc = 0;
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  for (int r = 0; r < reps; r++)
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n16; i += stride) {
      const uint4 v = __ldcg(p + i);   // L2 only (no L1 allocation), as bulk copies read
      acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
  if (acc == 0x12345678u) out[0] = acc;   // practically never: keeps the loads
}

int main() {
  int sms = 0; CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device %s, %d SMs, L2 %d MB\n", prop.name, sms, prop.l2CacheSize >> 20);
  uint32_t* out; CK(cudaMalloc(&out, 4));
  for (size_t mb : {8, 16, 24, 32, 40, 256}) {
    const size_t bytes = mb << 20, n16 = bytes / 16;
    uint4* p; CK(cudaMalloc(&p, bytes)); CK(cudaMemset(p, 1, bytes));
    const int reps = mb >= 256 ? 2 : 16, grid = sms * 4;
    cudaEvent_t a, b; CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    read_all<<<grid, 512>>>(p, n16, 1, out); CK(cudaDeviceSynchronize());   // warm-up: the buffer into L2
    std::vector<float> t;
    for (int k = 0; k < 9; k++) {
      CK(cudaEventRecord(a)); read_all<<<grid, 512>>>(p, n16, reps, out); CK(cudaEventRecord(b)); CK(cudaEventSynchronize(b));
      float ms; CK(cudaEventElapsedTime(&ms, a, b)); t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    std::printf("L2BW bytes=%zu reps=%d ms=%.4f TBps=%.2f\n", bytes, reps, t[4], (double)bytes * reps / (t[4] * 1e-3) / 1e12);
    CK(cudaFree(p));
  }
  return 0;
}
