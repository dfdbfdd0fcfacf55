; SVDQuant W4A4 layer with the fused rank-32 low-rank branch on a lowrank_gemm array, one tile:
;   y = sum_g s_a s_w (q_a . q_w) + b + round16(X . D^T) . U^T,  m = 16, n = 64, k = 128, int4 g64.
; DRAM: X fp16 [16, 128] at 0x0; weight codes [64, 128] at 0x1000; weight scales fp16 [64, 2] at 0x3000;
; bias fp16 [64] at 0x3100; D fp16 [32, 128] at 0x4000; U fp16 [64, 32] at 0x6000; Y fp16 at 0x8000.

    setfmt act=int4, wgt=int4, raw=fp16, gscale=fp16, bias=fp16, acc=fp32, out=fp16, lr=fp16
    setmode group=64, rank=32
    settile m=16, n=64, k=128
    load buf=act, dram_reg=a0, dram_off=0x0, buf_addr=0x0, rows=16, row_bytes=256, dram_stride=256
    load buf=wgt, dram_reg=a0, dram_off=0x1000, buf_addr=0x0, rows=64, row_bytes=64, dram_stride=64
    load buf=meta, dram_reg=a0, dram_off=0x3000, buf_addr=0x100, rows=1, row_bytes=256, dram_stride=0
    load buf=meta, dram_reg=a0, dram_off=0x3100, buf_addr=0x200, rows=1, row_bytes=128, dram_stride=0
    load buf=lrw, dram_reg=a0, dram_off=0x4000, buf_addr=0x0, rows=1, row_bytes=8192, dram_stride=0
    load buf=lrw, dram_reg=a0, dram_off=0x6000, buf_addr=0x2000, rows=1, row_bytes=4096, dram_stride=0, push_next

    lr_down act=0x0, lrw=0x0, lrt=0x0, clear, pop_prev     ; kernel 1: down projection reads raw X ...
    qact src=0x0, dst=0x1000, scales=0x0                    ; ... and quantizes it (codes + scales)
    qgemm_tile act=0x1000, wgt=0x0, acc=0x0, ascale=0x0, wscale=0x100, clear
    dequant acc=0x0, bias=0x200, use_bias
    lr_up lrw=0x2000, acc=0x0, lrt=0x0
    writeback out=0x0, acc=0x0, push_next
    store buf=out, dram_reg=a0, dram_off=0x8000, buf_addr=0x0, rows=16, row_bytes=128, dram_stride=128, pop_prev
    halt
