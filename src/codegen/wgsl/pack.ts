/**
 * How operand codes travel to a kernel (issue 14): a flat tensor of `bits`-wide codes (bits dividing 32)
 * packed 32/bits per u32 word, element i in word ⌊i / per⌋ at bits (i mod per)·bits upwards (lowest
 * element in the lowest bits: "4-bit codes 8 per u32, low nibble first"). The WGSL accessor that reads
 * element i back is generated from the same rule (`wgslCodeReader`), and the manifest states it in words
 * (`packingText`).
 */

/** The widths a packed tensor may have. */
export type PackedBits = 1 | 2 | 4 | 8 | 16 | 32;

/** The code width a format of `bits` bits travels in: the next width dividing 32. */
export function packedBits(bits: number): PackedBits {
  for (const w of [1, 2, 4, 8, 16, 32] as const) if (bits <= w) return w;
  throw new Error(`packedBits: a ${bits}-bit code does not fit a 32-bit word`);
}

/** Packs `codes` (each < 2^bits) into u32 words; at least one word (a binding may not be empty). */
export function packCodes(codes: ArrayLike<number>, bits: PackedBits): Uint32Array {
  const per = 32 / bits;
  const words = new Uint32Array(Math.max(1, Math.ceil(codes.length / per)));
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  for (let i = 0; i < codes.length; i++) {
    const w = Math.floor(i / per);
    words[w] = (words[w] | ((codes[i] & mask) << ((i % per) * bits))) >>> 0;
  }
  return words;
}

/** The manifest's sentence for a packed tensor. */
export function packingText(bits: PackedBits, what: string): string {
  const per = 32 / bits;
  if (per === 1) return `${what}: one ${bits}-bit code per u32`;
  return `${what}: ${bits}-bit codes ${per} per u32, element i in bits [${bits}·(i mod ${per}), ${bits}·(i mod ${per}) + ${bits}) of word ⌊i/${per}⌋ (lowest element in the lowest bits)`;
}

/** A WGSL function `fn <fnName>(i: u32) -> u32` reading element i of the packed storage array `buffer`. */
export function wgslCodeReader(fnName: string, buffer: string, bits: PackedBits): string {
  if (bits === 32) return `fn ${fnName}(i: u32) -> u32 { return ${buffer}[i]; }`;
  const per = 32 / bits;
  const shift = Math.log2(per);
  return `fn ${fnName}(i: u32) -> u32 { return (${buffer}[i >> ${shift}u] >> ((i & ${per - 1}u) * ${bits}u)) & ${2 ** bits - 1}u; }`;
}
