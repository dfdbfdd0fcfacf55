/**
 * The ISA field limits the workload compiler must respect, read from the ISA definition (src/isa, generated
 * from isa/qacc-isa.json) rather than written down again: `rows` / `row_bytes` / `dram_stride` of
 * `load`/`store`, the 40-bit address registers (`seti`), the tile shape of `settile`, the group size, rank
 * and SIMD mode of `setmode`, and the largest start address of each buffer space that every instruction
 * naming that space can encode (the narrowest `addr` field over all instructions).
 *
 * The tiler (program.ts) caps its tiles and the usable part of each buffer space by these limits, and the
 * DMA splitter (dma.ts) cuts any transfer that still exceeds them, so every emitted field is in range by
 * construction. Tests may pass tighter limits (`CompileOptions.limits`) to exercise the splitting paths on
 * small shapes; the defaults are exactly the ISA's.
 */
import { allInstructions, BUFFER_NAMES, findInstruction, ISA, type IsaBuffer } from '../isa/index.js';

/** Largest values the compiler may put into the fields it emits. */
export interface IsaLimits {
  /** load/store `rows`. */
  readonly dmaRows: number;
  /** load/store `row_bytes`. */
  readonly dmaRowBytes: number;
  /** load/store `dram_stride`. */
  readonly dmaStride: number;
  /** Largest DRAM address (`seti` immediate, the register width). */
  readonly dramAddress: number;
  /** settile m, n, k. */
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  /** setmode group and rank. */
  readonly group: number;
  readonly rank: number;
  /** setmode simd (the SIMD mode index). */
  readonly simdMode: number;
  /** Largest start address each buffer space can be addressed at by every instruction that names it. */
  readonly bufferAddress: Readonly<Record<IsaBuffer, number>>;
}

function fieldMax(inst: string, field: string): number {
  const f = findInstruction(inst)?.field.get(field);
  // A missing field is a broken invariant between the compiler and the ISA definition, not user input.
  if (!f) throw new Error(`ISA has no field ${inst}.${field}`);
  return f.maxValue;
}

/** The narrowest `addr` field naming buffer space `b` (or `buf`, the DMA's chosen buffer). */
function bufferAddressMax(b: IsaBuffer): number {
  let max = Number.POSITIVE_INFINITY;
  for (const info of allInstructions()) {
    for (const f of info.fields) {
      if (f.type === 'addr' && (f.space === b || f.space === 'buf')) max = Math.min(max, f.maxValue);
    }
  }
  if (!Number.isFinite(max)) throw new Error(`ISA has no address field for buffer space ${b}`);
  return max;
}

/** The limits of the ISA definition (load and store must agree; the stricter one wins). */
export const ISA_LIMITS: IsaLimits = {
  dmaRows: Math.min(fieldMax('load', 'rows'), fieldMax('store', 'rows')),
  dmaRowBytes: Math.min(fieldMax('load', 'row_bytes'), fieldMax('store', 'row_bytes')),
  dmaStride: Math.min(fieldMax('load', 'dram_stride'), fieldMax('store', 'dram_stride')),
  dramAddress: Math.min(fieldMax('seti', 'imm'), 2 ** ISA.machine.registerBits - 1),
  tileM: fieldMax('settile', 'm'),
  tileN: fieldMax('settile', 'n'),
  tileK: fieldMax('settile', 'k'),
  group: fieldMax('setmode', 'group'),
  rank: fieldMax('setmode', 'rank'),
  simdMode: fieldMax('setmode', 'simd'),
  bufferAddress: Object.fromEntries(BUFFER_NAMES.map((b) => [b, bufferAddressMax(b)])) as Record<IsaBuffer, number>,
};

/** `ISA_LIMITS` tightened by `override` (a limit can only shrink: programs must stay encodable). */
export function tightenLimits(override: Partial<IsaLimits> | undefined): IsaLimits {
  if (!override) return ISA_LIMITS;
  const pick = (k: Exclude<keyof IsaLimits, 'bufferAddress'>): number => Math.min(ISA_LIMITS[k], override[k] ?? ISA_LIMITS[k]);
  const buf = override.bufferAddress;
  return {
    dmaRows: pick('dmaRows'),
    dmaRowBytes: pick('dmaRowBytes'),
    dmaStride: pick('dmaStride'),
    dramAddress: pick('dramAddress'),
    tileM: pick('tileM'),
    tileN: pick('tileN'),
    tileK: pick('tileK'),
    group: pick('group'),
    rank: pick('rank'),
    simdMode: pick('simdMode'),
    bufferAddress: Object.fromEntries(BUFFER_NAMES.map((b) => [b, Math.min(ISA_LIMITS.bufferAddress[b], buf?.[b] ?? ISA_LIMITS.bufferAddress[b])])) as Record<IsaBuffer, number>,
  };
}
