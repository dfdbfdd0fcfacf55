/**
 * Packing of element codes into bytes, as the ISA lays out operand tiles (isa/README.md): a matrix is
 * stored row by row, every row starting on a byte, codes of `bits` width packed low bits first
 * (code i of a row occupies bits i·bits … i·bits + bits − 1 of the row, little-endian bit order).
 * Codes wider than 8 bits (fp16, fp32) are therefore stored little-endian.
 */

/** Bytes of one packed row of `cols` codes of `bits` width. */
export function rowBytes(cols: number, bits: number): number {
  return Math.ceil((cols * bits) / 8);
}

/** Packs a row-major [rows × cols] code matrix into `out` at byte `offset` (rows start on bytes). */
export function packMatrix(codes: ArrayLike<number>, rows: number, cols: number, bits: number, out: Uint8Array, offset: number): void {
  const rb = rowBytes(cols, bits);
  if (bits % 8 === 0) {
    const bytes = bits / 8;
    for (let r = 0; r < rows; r++) {
      let p = offset + r * rb;
      for (let c = 0; c < cols; c++) {
        let v = codes[r * cols + c];
        for (let b = 0; b < bytes; b++) {
          out[p++] = v & 0xff;
          v = Math.floor(v / 256);
        }
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const base = offset + r * rb;
    for (let c = 0; c < cols; c++) {
      const v = codes[r * cols + c];
      for (let b = 0; b < bits; b++) {
        if ((v >> b) & 1) {
          const bit = c * bits + b;
          out[base + (bit >> 3)] |= 1 << (bit & 7);
        }
      }
    }
  }
}

/** Unpacks a [rows × cols] code matrix of `bits` width stored at byte `offset` of `mem`. */
export function unpackMatrix(mem: Uint8Array, offset: number, rows: number, cols: number, bits: number): Uint32Array {
  const out = new Uint32Array(rows * cols);
  const rb = rowBytes(cols, bits);
  if (bits % 8 === 0) {
    const bytes = bits / 8;
    for (let r = 0; r < rows; r++) {
      let p = offset + r * rb;
      for (let c = 0; c < cols; c++) {
        let v = 0;
        for (let b = 0; b < bytes; b++) v += mem[p++] * 2 ** (8 * b);
        out[r * cols + c] = v;
      }
    }
    return out;
  }
  const mask = (1 << bits) - 1;
  for (let r = 0; r < rows; r++) {
    const base = offset + r * rb;
    for (let c = 0; c < cols; c++) {
      const bit = c * bits;
      const i = base + (bit >> 3);
      // A code spans at most two bytes for bits ≤ 8.
      const word = mem[i] | ((mem[i + 1] ?? 0) << 8);
      out[r * cols + c] = (word >> (bit & 7)) & mask;
    }
  }
  return out;
}
