; BitMoD GEMM on a bit_serial_mod array: Y[32, 64] = X[32, 256] . W[64, 256]^T (fp16 activations, 4-bit
; mixture weights, groups of 128, one uint8 scale and one 2-bit selector per group, fp16 channel scales).
; Tiles: m = 32 tokens, n = 32 output channels, k = 128 (one group). X is loaded once; the two n tiles
; stream their weights, with tokens making the weight load of tile j+1 wait until tile j has used it.
;
; DRAM layout (bytes): X at 0x0 (fp16, row 512 B); W at 0x10000 (4-bit, row 128 B); per n tile a meta
; block of 144 B at 0x20000 (k-tile 0: 32 scales + 8 B selectors; k-tile 1 the same; 32 fp16 channel
; scales at +0x50); Y at 0x30000 (fp16, row 128 B).

    setfmt act=fp16, wgt=bitmod_fp4, gscale=uint8, cscale=fp16, acc=fp32, out=fp16
    setmode wsel=group, group=128
    settile m=32, n=32, k=128
    seti a1, 0x0
    seti a2, 0x10000
    seti a3, 0x20000
    seti a4, 0x30000
    csync push_prev                   ; the weight/meta buffers start free
    ssync push_prev                   ; the output buffer starts free

    ; X as two dense k-tiles [32, 128] of fp16
    load buf=act, dram_reg=a1, dram_off=0x0, buf_addr=0x0, rows=32, row_bytes=256, dram_stride=512
    load buf=act, dram_reg=a1, dram_off=0x100, buf_addr=0x2000, rows=32, row_bytes=256, dram_stride=512, push_next
    csync pop_prev                    ; activations are in

    loop count=2, body=n_end
    load buf=wgt, dram_reg=a2, dram_off=0x0, buf_addr=0x0, rows=32, row_bytes=64, dram_stride=128, pop_next
    load buf=wgt, dram_reg=a2, dram_off=0x40, buf_addr=0x800, rows=32, row_bytes=64, dram_stride=128
    load buf=meta, dram_reg=a3, dram_off=0x0, buf_addr=0x0, rows=1, row_bytes=144, dram_stride=0, push_next
    addi a2, a2, 4096                 ; next 32 weight rows
    addi a3, a3, 144                  ; next meta block
    mod_tile act=0x0, wgt=0x0, acc=0x0, meta=0x0, clear, pop_prev
    mod_tile act=0x2000, wgt=0x800, acc=0x0, meta=0x28
    dequant acc=0x0, cscale=0x50, use_cscale, push_prev      ; weights and meta no longer needed
    writeback out=0x0, acc=0x0, pop_next, push_next
    store buf=out, dram_reg=a4, dram_off=0x0, buf_addr=0x0, rows=32, row_bytes=64, dram_stride=128, pop_prev, push_prev
    addi a4, a4, 64                   ; next 32 output columns
n_end:
    halt
