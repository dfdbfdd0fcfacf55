/**
 * Splitting of DMA transfers into pieces whose `rows`, `row_bytes` and `dram_stride` fit the ISA's
 * load/store fields (isa-limits.ts).
 *
 * A transfer moves `rows` rows of `rowBytes` bytes, row r from DRAM `dram + r·stride` to buffer
 * `buf + r·rowBytes` (rows land densely in the buffer; a store is the same mapping read the other way).
 * A transfer already in range is kept as it is. Otherwise:
 * - when the rows are contiguous in DRAM too (one row, or stride = rowBytes) the whole block is one
 *   segment of rows·rowBytes bytes;
 * - when only the row count is too large, the rows go in batches;
 * - otherwise every row is its own segment.
 * A segment of b bytes becomes ⌊b / c⌋ rows of c bytes with stride c (c = the largest row that is also a
 * legal stride), in batches of at most the row limit, plus one row of the remaining b mod c bytes. Every
 * piece maps exactly the bytes of the original, in order, so the buffer contents are the same.
 */
import type { IsaLimits } from './isa-limits.js';

/** One DMA transfer (load or store) in byte addresses. */
export interface DmaTransfer {
  readonly dram: number;
  readonly buf: number;
  readonly rows: number;
  readonly rowBytes: number;
  /** Bytes between consecutive row starts in DRAM (irrelevant for one row). */
  readonly stride: number;
}

/** Whether every field of `d` is in range. */
export function dmaFits(d: DmaTransfer, limits: IsaLimits): boolean {
  return d.rows >= 1 && d.rows <= limits.dmaRows && d.rowBytes >= 1 && d.rowBytes <= limits.dmaRowBytes && d.stride >= 0 && d.stride <= limits.dmaStride;
}

/** A contiguous run of `bytes` bytes as in-range pieces (see the file header). */
function splitSegment(dram: number, buf: number, bytes: number, limits: IsaLimits, out: DmaTransfer[]): void {
  const c = Math.max(1, Math.min(limits.dmaRowBytes, limits.dmaStride));
  const whole = Math.floor(bytes / c);
  for (let r0 = 0; r0 < whole; r0 += limits.dmaRows) {
    const rows = Math.min(limits.dmaRows, whole - r0);
    out.push({ dram: dram + r0 * c, buf: buf + r0 * c, rows, rowBytes: c, stride: rows > 1 ? c : 0 });
  }
  const rest = bytes - whole * c;
  if (rest > 0) out.push({ dram: dram + whole * c, buf: buf + whole * c, rows: 1, rowBytes: rest, stride: 0 });
}

/** Splits a transfer into pieces that each fit the limits (the transfer itself when it fits). */
export function splitDma(d: DmaTransfer, limits: IsaLimits): DmaTransfer[] {
  if (dmaFits(d, limits)) return [d];
  if (d.rows < 1 || d.rowBytes < 1) throw new Error(`empty DMA transfer ${JSON.stringify(d)}`);
  const out: DmaTransfer[] = [];
  if (d.rows === 1 || d.stride === d.rowBytes) {
    splitSegment(d.dram, d.buf, d.rows * d.rowBytes, limits, out);
  } else if (d.rowBytes <= limits.dmaRowBytes && d.stride <= limits.dmaStride) {
    for (let r0 = 0; r0 < d.rows; r0 += limits.dmaRows) {
      const rows = Math.min(limits.dmaRows, d.rows - r0);
      out.push({ dram: d.dram + r0 * d.stride, buf: d.buf + r0 * d.rowBytes, rows, rowBytes: d.rowBytes, stride: rows > 1 ? d.stride : 0 });
    }
  } else {
    for (let r = 0; r < d.rows; r++) splitSegment(d.dram + r * d.stride, d.buf + r * d.rowBytes, d.rowBytes, limits, out);
  }
  return out;
}
