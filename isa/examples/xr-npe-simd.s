; XR-NPE SIMD MAC array in its 4 x fp4_e2m1 mode (mode index 0 of the PE's declared modes): one
; [8, 16] x [16, 64]^T tile with exact accumulation, rounded once to posit16_1 by writeback.

    setfmt act=fp4_e2m1, wgt=fp4_e2m1, out=posit16_1
    setmode simd=0, group=1
    settile m=8, n=16, k=64
    load buf=act, dram_reg=a0, dram_off=0x0, buf_addr=0x0, rows=8, row_bytes=32, dram_stride=32
    load buf=wgt, dram_reg=a0, dram_off=0x100, buf_addr=0x0, rows=16, row_bytes=32, dram_stride=32, push_next
    simd_tile act=0x0, wgt=0x0, acc=0x0, clear, pop_prev
    writeback out=0x0, acc=0x0, push_next
    store buf=out, dram_reg=a0, dram_off=0x1000, buf_addr=0x0, rows=8, row_bytes=32, dram_stride=32, pop_prev
    halt
