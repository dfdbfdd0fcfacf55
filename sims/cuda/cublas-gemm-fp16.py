# The cuBLAS fp16 baseline of issue 14's W4A4 target, through PyTorch in the same GPU call as the kernel it is
# compared with: a 4096^3 torch.matmul timed with CUDA events (5 warm-up runs, median of 30), one RESULT line.
# Shared by the lowrank one-call scripts (run-lowrank-fp8.sh, run-lowrank-fused.sh, run-lowrank-bound.sh); run from
# the repository root. run-gpu.sh keeps its own block, which also times the fp16 GEMVs.
import torch


def med(f, warm=5, reps=30):
    for _ in range(warm):
        f()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); f(); b.record(); b.synchronize(); ts.append(a.elapsed_time(b))
    ts.sort()
    return ts[len(ts) // 2]


x = torch.randn(4096, 4096, dtype=torch.float16, device='cuda')
w = torch.randn(4096, 4096, dtype=torch.float16, device='cuda')
ms = med(lambda: torch.matmul(x, w.t()))
print(f'RESULT cublas device="{torch.cuda.get_device_name(0)}" op=gemm_fp16 M=4096 N=4096 K=4096 ms={ms:.4f} tflops={2*4096**3/ms/1e9:.1f} torch={torch.__version__}')
