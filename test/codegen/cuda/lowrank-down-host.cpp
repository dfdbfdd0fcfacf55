// Host emulation of the generated lr_down (src/pe/lowrank-gemm/kernel-cuda.ts DOWN_KERNEL), for
// lowrank-down-host.test.ts (built by nvcc as host C++): the kernel text is the generated one verbatim (DOWN_INC: the config's r16_val,
// branch_step and r16_code, then the down projection section); the CUDA keywords are defined away, each block's
// DNT threads run as std::threads, __syncthreads is a barrier, and shared memory is one buffer filled with
// garbage before each block (as on the device, where nothing initializes it). Usage: IN OUT, IN = int32 M, K, R,
// has_ls, then X (M·K) and D (K·R) as uint16 codes, the LoRA scale words (ceil(R/16) uint32); OUT = L (M·R uint16).
#include <vector_types.h>
#include <vector_functions.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>
#undef __device__
#undef __global__
#undef __shared__
#undef __forceinline__
#undef __launch_bounds__
#define __device__
#define __global__
#define __shared__
#define __forceinline__ inline
#define __launch_bounds__(x)
namespace {
struct Barrier {
  int n, count = 0, gen = 0;
  std::mutex m;
  std::condition_variable cv;
  explicit Barrier(int n_) : n(n_) {}
  void wait() {
    std::unique_lock<std::mutex> l(m);
    const int g = gen;
    if (++count == n) { count = 0; gen++; cv.notify_all(); } else cv.wait(l, [&] { return gen != g; });
  }
};
Barrier* g_bar;
thread_local uint3 thread_idx, block_idx;
template <class T> T ldg_emu(const T* p) { return *p; }
// RNE fp32 operations, never contracted (built with -ffp-contract=off).
float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
float __fadd_rn(float a, float b) { return a + b; }
float __fmul_rn(float a, float b) { return a * b; }
float __uint_as_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
using std::isnan;
}
#define threadIdx thread_idx
#define blockIdx block_idx
#define __syncthreads() g_bar->wait()
#define __ldg ldg_emu
alignas(16) float down_smem[1 << 16];   // 256 KB: more than any DOWN_SMEM
// lr_down_mma's mma.sync.m16n8k8.row.col.f32.f16.f16.f32 with C = +0, from PTX's fragment definition (not from the
// kernel): lane l = 4g + t holds A rows g (register 0) and g + 8 (register 1), columns 2t (low half), 2t + 1; B rows
// 2t, 2t + 1, column g; D elements (g, 2t), (g, 2t + 1), (g + 8, 2t), (g + 8, 2t + 1). The block's threads run the
// same MMAs in the same order, so its barrier separates the operand exchange from the reads.
#define LR_HOST_EMULATION 1
namespace {
struct MmaSlot { uint32_t a0, a1, b; };
MmaSlot g_mma[8][32];   // [warp][lane]
float half_at(uint32_t w, int hi) { return __half2float(__ushort_as_half((unsigned short)(hi ? w >> 16 : w & 0xffff))); }
}
void dm_mma(float (&c)[4], uint32_t a0, uint32_t a1, uint32_t b) {
  const int tid = (int)thread_idx.x, w = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  g_mma[w][lane] = MmaSlot{a0, a1, b};
  g_bar->wait();
  auto A = [&](int r, int k) { const MmaSlot& s = g_mma[w][4 * (r & 7) + (k >> 1)]; return half_at(r < 8 ? s.a0 : s.a1, k & 1); };
  auto B = [&](int k, int n) { return half_at(g_mma[w][4 * n + (k >> 1)].b, k & 1); };
  const int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
  for (int i = 0; i < 4; i++) {
    double sum = 0.0;   // exact: fp16 products are exact in double, and here at most one term is nonzero
    for (int k = 0; k < 8; k++) sum += (double)A(rows[i], k) * (double)B(k, cols[i]);
    c[i] = (float)sum;
  }
  g_bar->wait();
}
#include DOWN_INC
static_assert(DOWN_SMEM <= sizeof(down_smem), "emulated shared memory");

int main(int argc, char** argv) {
  if (argc != 3) { std::fprintf(stderr, "usage: %s IN OUT\n", argv[0]); return 2; }
  FILE* f = std::fopen(argv[1], "rb");
  int32_t hdr[4];
  if (!f || std::fread(hdr, 4, 4, f) != 4) { std::fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  const int M = hdr[0], K = hdr[1], R = hdr[2], has_ls = hdr[3];
  std::vector<uint16_t> X((size_t)M * K), D((size_t)K * R), L((size_t)M * R, 0xdead);
  std::vector<uint32_t> ls((R + 15) / 16);
  if (std::fread(X.data(), 2, X.size(), f) != X.size() || std::fread(D.data(), 2, D.size(), f) != D.size() ||
      std::fread(ls.data(), 4, ls.size(), f) != ls.size()) { std::fprintf(stderr, "short input %s\n", argv[1]); return 1; }
  std::fclose(f);
#if LR_DOWN_MMA   // lr_down_mma: D packed by the generated host packer, blocks of DM_THREADS threads
  const std::vector<uint32_t> Df = pack_down_mma(D, K, R);
  const int BX = (M + DM_ROWS - 1) / DM_ROWS, BY = (R + DM_RANKS - 1) / DM_RANKS, NT = DM_THREADS;
#else
  const int BX = (M + DROWS - 1) / DROWS, BY = (R + DRANKS - 1) / DRANKS, NT = DNT;
#endif
  for (int by = 0; by < BY; by++)
    for (int bx = 0; bx < BX; bx++) {
      std::memset(down_smem, 0xff, sizeof down_smem);
      Barrier bar(NT);
      g_bar = &bar;
      std::vector<std::thread> th;
      for (int t = 0; t < NT; t++)
        th.emplace_back([&, t] {
          thread_idx = make_uint3(t, 0, 0); block_idx = make_uint3(bx, by, 0);
#if LR_DOWN_MMA
          lr_down_mma(X.data(), reinterpret_cast<const uint4*>(Df.data()), ls.data(), has_ls, L.data(), M, K, R);
#else
          lr_down(X.data(), D.data(), ls.data(), has_ls, L.data(), M, K, R);
#endif
        });
      for (auto& x : th) x.join();
    }
  FILE* o = std::fopen(argv[2], "wb");
  if (!o || std::fwrite(L.data(), 2, L.size(), o) != L.size()) { std::fprintf(stderr, "cannot write %s\n", argv[2]); return 1; }
  std::fclose(o);
  std::printf("lr_down host M=%d K=%d R=%d smem=%zu\n", M, K, R, (size_t)DOWN_SMEM);
  return 0;
}
